/**
 * The site in a real browser: built once from real captured data (a slice of data/) and the real
 * guides under a sub-path, served statically, and driven with Debian's Chromium. The downloaded
 * project must build with make; every kind of page must read on a 390 px phone (reading.ts);
 * search must land where src/site/search-queries.ts says.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listVerifiedKernels, readVerifyResult } from '../../src/data/verify.ts';
import { num, strings } from '../../src/site/i18n.ts';
import { readingTests } from './reading.ts';
import { launchChromium } from './browser.ts';
import { buildSite } from './build.ts';
import { writeFixtureData } from './fixture-data.ts';
import { serveStatic, type StaticServer } from './serve.ts';

const BASE = '/atlas/';

describe('the site in Chromium', () => {
	let server: StaticServer;
	let browser: Browser;
	let oldest: string;
	let siteDir: string;
	let data: string;

	beforeAll(async () => {
		data = writeFixtureData();
		const site = buildSite({ ATLAS_DATA: data, ATLAS_BASE: BASE });
		siteDir = site.dir;
		oldest = readFileSync(join(site.dir, 'data', 'events.json'), 'utf8').match(/"id":"([^"]+)"/)![1]!;
		server = await serveStatic(site.dir, BASE);
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
		await server?.close();
	});

	const open = async (path: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> => {
		const page = await browser.newPage({ acceptDownloads: true, ...options });
		const errors: string[] = [];
		page.on('pageerror', (error) => errors.push(error.message));
		await page.goto(server.url + path);
		(page as Page & { errors: string[] }).errors = errors;
		return page;
	};
	/** Waits until the address matches: the page changes it with history.replaceState, which waitForURL does not see. */
	const urlMatches = (page: Page, pattern: RegExp) => page.waitForFunction((source) => new RegExp(source).test(location.href), pattern.source);
	const code = (page: Page, step: number) => page.locator(`[data-step-files="${step}"] .code-file pre code`).first().textContent();

	it('shows an event page without JavaScript: seven steps and the default program', async () => {
		const page = await open('events/syscalls/sys_enter_connect/', { javaScriptEnabled: false });
		await expect(page.locator('h1').textContent()).resolves.toContain('sys_enter_connect');
		await expect(page.locator('.step-title').count()).resolves.toBe(7);
		await expect(code(page, 4)).resolves.toContain('SEC("tp/syscalls/sys_enter_connect")');
		await page.close();
	});

	it('switches kernel, follows option changes and added events with new code, and downloads a zip that builds with make', async () => {
		const page = await open('events/syscalls/sys_enter_connect/');
		const before = await code(page, 4);

		await page.locator(`.kp[data-kernel="${oldest}"]`).click();
		await urlMatches(page, /kernel=/);
		expect(new URL(page.url()).searchParams.get('kernel')).toBe(oldest);
		await expect(page.locator('#step-2').textContent()).resolves.toContain(oldest.split('-')[0]);

		await page.locator('input[name="context"][value="portable"]').check();
		await urlMatches(page, /context=portable/);
		const portable = await code(page, 4);
		expect(portable).not.toBe(before);
		expect(portable).not.toContain('#include "vmlinux.h"');

		await page.locator('input[name="pairExit"]').check();
		await urlMatches(page, /pair=1/);
		await expect(code(page, 4)).resolves.toContain('sys_exit_connect');

		// A second event in the same program, found by a fuzzy name.
		await page.locator('input[name="addEvent"]').fill('procexec');
		await page.locator('[data-add-event]').click();
		await urlMatches(page, /also=sched%3Asched_process_exec/);
		await expect(code(page, 4)).resolves.toContain('tp/sched/sched_process_exec');
		// Highlighting catches up with the change (code off screen is coloured when the browser is idle).
		await page.waitForFunction(() => document.querySelector('atlas-event')?.getAttribute('data-highlighted') === 'true');
		await page.waitForFunction(() => document.querySelectorAll('[data-step-files="5"] pre code .k').length > 10);

		const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download-zip]').click()]);
		// Two events make a program named for both; step 6 tells the reader that name.
		const program = download.suggestedFilename().replace(/\.zip$/, '');
		await expect(page.locator('[data-build]').textContent()).resolves.toContain(`unzip ${program}.zip && cd ${program} && make`);
		const dir = mkdtempSync(join(tmpdir(), 'atlas-zip-'));
		await download.saveAs(join(dir, 'project.zip'));
		execFileSync('unzip', ['-q', 'project.zip'], { cwd: dir });
		const project = join(dir, program);
		execFileSync('make', [], { cwd: project, stdio: 'pipe' });
		expect(statSync(join(project, program)).mode & 0o111).not.toBe(0);

		// The link keeps the view: reopening it shows the same kernel and options.
		const again = await open(new URL(page.url()).pathname.slice(BASE.length) + new URL(page.url()).search);
		await again.waitForFunction(() => (document.querySelector('input[name="context"][value="portable"]') as HTMLInputElement | null)?.checked);
		await expect(code(again, 4)).resolves.toBe(await code(page, 4));
		expect((page as Page & { errors: string[] }).errors).toEqual([]);
		await page.close();
		await again.close();
	});

	it('finds sched_process_exec from sched_proc and procexec in the explorer', async () => {
		const page = await open('events/');
		const box = page.locator('atlas-event-finder input[type="search"]');
		for (const query of ['sched_proc', 'procexec']) {
			await box.fill(query);
			await urlMatches(page, new RegExp(`q=${query}`));
			const first = await page.locator('.finder-results .ev-name').allTextContents();
			expect(first.slice(0, 5), query).toContain('sched_process_exec');
		}
		await page.locator('.finder-results a').first().click();
		await urlMatches(page, /events\/sched\/sched_process_exec\/$/);
		await page.close();
	});

	it('switches language on the same page, and suggests events on a 404', async () => {
		const page = await open('events/sched/sched_switch/');
		await page.locator('[data-lang-switch="en"]').click();
		await urlMatches(page, /\/atlas\/en\/events\/sched\/sched_switch\/$/);
		await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
		await page.goto(`${server.url}events/sched/sched_proces_exec/`);
		await expect(page.locator('.suggestions .ev-name').first().textContent()).resolves.toBe('sched_process_exec');
		await page.close();
	});

	it("shows each kernel's verifier results: per event on its page, per kernel on the kernel cards", async () => {
		const results = listVerifiedKernels(data).map((id) => readVerifyResult(data, id)!);
		expect(results.length).toBeGreaterThan(0);
		const page = await open('events/sched/sched_process_exec/', { javaScriptEnabled: false });
		const rows = page.locator('#verified tbody tr');
		await expect(rows.locator('th').allTextContents()).resolves.toEqual(results.map((r) => r.kernel));
		for (const [i, result] of results.entries()) {
			const verdict = result.events.find((v) => v.event === 'sched:sched_process_exec')!;
			const passed = (['portable', 'vmlinux'] as const).filter((c) => verdict[c] === 'passed').length;
			await expect(rows.nth(i).locator('td.pass').count(), result.kernel).resolves.toBe(passed);
			const variantsPassed = result.variants.filter((v) => verdict[v.name] === 'passed').length;
			await expect(rows.nth(i).locator('td.variants .pass').count(), `${result.kernel} variants`).resolves.toBe(variantsPassed);
		}
		const en = strings('en');
		for (const result of results) {
			await page.goto(`${server.url}en/kernels/${result.kernel}/`);
			const items = await page.locator('section[aria-labelledby="verified-title"] li').allTextContents();
			const expected = [
				...result.contexts.map((c) => `${en.verifyCheck(c)}: ${num(result.counts[c]!.passed)} of ${num(result.counts[c]!.events)} events passed`),
				...result.variants.map((v) => `${en.verifyCheck(v.name)} (${en.verifyScope(v.scope)}): ${num(result.counts[v.name]!.passed)} of ${num(result.counts[v.name]!.events)} events passed`),
			];
			expect(items.map((s) => s.replace(/\s+/g, ' ').trim()), result.kernel).toEqual(expected);
		}
		await page.goto(`${server.url}en/kernels/`);
		for (const result of results) {
			const counts = Object.values(result.counts);
			const card = page.locator('.kernel-card', { has: page.locator('.kc-id', { hasText: result.kernel }) });
			await expect(card.locator('.kc-verified').textContent(), result.kernel).resolves.toBe(
				`verifier: ${num(counts.reduce((n, c) => n + c.passed, 0))} of ${num(counts.reduce((n, c) => n + c.events, 0))} programs load and attach`,
			);
		}
		await page.close();
	});

	readingTests(() => ({ server, browser, data, siteDir }));

	it('writes the Pagefind index, the per-event data the island fetches and the companion files pages link to', () => {
		expect(existsSync(join(siteDir, 'pagefind', 'pagefind.js'))).toBe(true);
		for (const file of ['Makefile', 'tp_helpers.h', '.gitignore']) expect(existsSync(join(siteDir, 'companion', file)), file).toBe(true);
		const data = JSON.parse(readFileSync(join(siteDir, 'data', 'events', 'syscalls', 'sys_enter_connect.json'), 'utf8')) as { events: object };
		expect(Object.keys(data.events).sort()).toEqual(['sys_enter_connect', 'sys_exit_connect']);
	});
});
