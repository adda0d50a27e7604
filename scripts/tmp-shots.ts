import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/site/browser.ts';
import { serveStatic } from '../tests/site/serve.ts';
const [dist, archive] = [process.argv[2]!, process.argv[3]!];
const server = await serveStatic(dist, '/atlas/');
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
for (const theme of ['light', 'dark']) {
	const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
	await context.addInitScript((t) => localStorage.setItem('atlas-theme', t), theme);
	const page = await context.newPage();
	await page.goto(`${server.url}my-kernel/`);
	await page.locator('[data-file]').setInputFiles(archive);
	await page.waitForSelector('.mk-compare', { timeout: 120_000 });
	await page.locator('.mk-changed summary').click();
	for (const width of [1366, 390]) {
		await page.setViewportSize({ width, height: 900 });
		await page.screenshot({ path: `/tmp/mk-shots/my-kernel-${width}-${theme}.png`, fullPage: false });
		await page.goto(`${server.url}en/my-kernel/event/?e=syscalls:sys_enter_connect`);
		await page.waitForSelector('atlas-event[data-ready]');
		await page.waitForTimeout(1500);
		await page.screenshot({ path: `/tmp/mk-shots/event-${width}-${theme}.png` });
		await page.locator('#step-3').scrollIntoViewIfNeeded();
		await page.screenshot({ path: `/tmp/mk-shots/event-step3-${width}-${theme}.png` });
		await page.goto(`${server.url}my-kernel/`);
		await page.waitForSelector('.mk-compare', { timeout: 120_000 });
		await page.locator('.mk-changed summary').click();
	}
	await page.locator('.mk-compare').scrollIntoViewIfNeeded();
	await page.screenshot({ path: `/tmp/mk-shots/my-kernel-compare-390-${theme}.png` });
	await context.close();
}
await browser.close(); await server.close();
