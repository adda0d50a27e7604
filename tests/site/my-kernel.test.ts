/**
 * The my-kernel page in Chromium, as root on this machine: the script the site serves captures this
 * kernel, the page imports the archive (Web Worker, IndexedDB), sys_enter_connect opens for "your
 * kernel" from the event page's picker, and the zip downloaded there builds with make and traces a
 * real connect. Bad archives get the reader's-language message and leave the stored kernel as it
 * was; "forget" deletes it everywhere.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotFromArchive } from '../../src/lib/capture/contributed.ts';
import { num, strings, type Lang } from '../../src/site/i18n.ts';
import { makeFixtureRoot, runCaptureScript, shells } from '../capture/capture-script.ts';
import { requireTools } from '../generate/harness.ts';
import { parse, runCommand, traceWhile } from '../generate/tracing.ts';
import { launchChromium } from './browser.ts';
import { buildSite } from './build.ts';
import { writeFixtureData } from './fixture-data.ts';
import { serveStatic, type StaticServer } from './serve.ts';
import { createServer, type Server } from 'node:net';

const BASE = '/atlas/';
const work = mkdtempSync(join(tmpdir(), 'atlas-my-kernel-'));
let server: StaticServer;
let browser: Browser;
/** This machine's archive, written by the script the site serves. */
let archive: string;
let release: string;

beforeAll(async () => {
	requireTools();
	if (process.getuid?.() !== 0) throw new Error('the my-kernel test runs atlas-capture.sh on this machine and loads BPF programs: run it as root (npm test does)');
	const site = buildSite({ ATLAS_DATA: writeFixtureData(), ATLAS_BASE: BASE, ATLAS_PAGEFIND: '0' });
	server = await serveStatic(site.dir, BASE);
	browser = await launchChromium();
	// Step 1 of the page, as a reader runs it: download the script from the site's root, run it as root.
	const response = await fetch(`${server.url}atlas-capture.sh`);
	expect(response.status).toBe(200);
	const cwd = join(work, 'capture');
	mkdirSync(cwd);
	writeFileSync(join(cwd, 'atlas-capture.sh'), Buffer.from(await response.arrayBuffer()));
	const run = spawnSync('dash', ['atlas-capture.sh'], { cwd, encoding: 'utf8' });
	if (run.status !== 0) throw new Error(`atlas-capture.sh failed: ${run.stderr}`);
	release = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
	archive = join(cwd, readdirSync(cwd).find((f) => f.endsWith('.tar.gz'))!);
	expect(archive).toBe(join(cwd, `atlas-${release}.tar.gz`));
}, 600_000);
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

type Tracked = Page & { errors: string[] };
async function open(context: BrowserContext, path: string): Promise<Tracked> {
	const page = (await context.newPage()) as Tracked;
	page.errors = [];
	page.on('pageerror', (error) => page.errors.push(error.message));
	await page.goto(server.url + path);
	return page;
}
const myKernelPage = async (context: BrowserContext, lang: Lang = 'zh') => {
	const page = await open(context, `${lang === 'en' ? 'en/' : ''}my-kernel/`);
	await page.waitForSelector('atlas-my-kernel[data-ready]');
	return page;
};
/** Picks a file on the page and waits for the outcome: the stored kernel's report, or a message. */
async function pick(page: Page, file: string | { name: string; buffer: Buffer }): Promise<void> {
	let path = file;
	if (typeof file !== 'string') {
		// Through a file, as a reader picks one (playwright takes buffers only up to 50 MB).
		path = join(mkdtempSync(join(work, 'pick-')), file.name);
		writeFileSync(path, file.buffer);
	}
	await page.locator('[data-file]').setInputFiles(path as string);
	await page.waitForFunction(() => {
		const root = document.querySelector<HTMLElement>('atlas-my-kernel')!;
		return root.dataset.importMs !== undefined && document.querySelector('[data-compare] .mk-compare, [data-compare] .notice') !== null || document.querySelector<HTMLElement>('[data-status]')!.dataset.problem !== undefined;
	}, undefined, { timeout: 120_000 });
}

describe('the my-kernel page, this machine’s kernel', () => {
	let context: BrowserContext;
	beforeAll(async () => {
		context = await browser.newContext({ acceptDownloads: true });
	});
	afterAll(async () => context?.close());

	it('imports the archive in the browser and reports its release, its events by category and origin, and the nearest captured kernel', async () => {
		const page = await myKernelPage(context);
		// The command to run names this site's own address, with a copy button.
		await expect(page.locator('pre.cmd code').textContent()).resolves.toBe(`curl -fLO ${server.url}atlas-capture.sh && sudo sh atlas-capture.sh`);
		await expect(page.locator('pre.cmd .copy-cmd').count()).resolves.toBe(1);
		await pick(page, archive);
		await expect(page.locator('.mk-release').textContent()).resolves.toBe(release);
		const inNode = await snapshotFromArchive(readFileSync(archive), 'archive');
		const builtin = inNode.events.filter((e) => e.origin.kind === 'builtin').length;
		const t = strings('zh');
		await expect(page.locator('.mk-event-count').textContent()).resolves.toBe(`${num(inNode.events.length)} (${t.originBuiltin} ${num(builtin)} · ${t.originModule} ${num(inNode.events.length - builtin)})`);
		const syscalls = inNode.events.filter((e) => e.category === 'syscalls').length;
		await expect(page.locator('.mk-counts tbody tr', { hasText: /^syscalls/ }).locator('td').nth(1).textContent()).resolves.toBe(num(syscalls));
		// Compared with a captured kernel: the page names it and links events both ways.
		await expect(page.locator('#mk-compare-title').textContent()).resolves.toMatch(/\d+\.\d+-amd64/);
		expect(await page.locator('.mk-added a[href*="my-kernel/event/?e="]').count()).toBeGreaterThan(0);
		expect(page.errors).toEqual([]);

		// An event none of the captured kernels here has gets its page, drawn from this kernel.
		await page.locator('.mk-added summary').click();
		const added = page.locator('.mk-added a').first();
		const key = (await added.textContent())!;
		await added.click();
		await page.waitForSelector('atlas-event[data-ready]');
		await expect(page.locator('h1').textContent()).resolves.toBe(key);
		const [category, name] = key.split(':') as [string, string];
		const format = readFileSync(`/sys/kernel/tracing/events/${category}/${name}/format`, 'utf8');
		await expect(page.locator('#step-2').textContent()).resolves.toContain(/^ID: \d+$/m.exec(format)![0]);
		await expect(page.locator('.kp-options a.kp').count()).resolves.toBe(0);
		await page.waitForFunction(() => document.querySelector('[data-step-files="4"] pre code')?.textContent?.includes('SEC('));
		expect(page.errors).toEqual([]);
		await page.close();
	});

	it('offers "your kernel" in the explorer, its rows leading to the pages drawn for it', async () => {
		const page = await open(context, 'en/events/?kernel=mine&q=sys_enter_connect');
		await page.waitForFunction(() => document.querySelector('.finder-results a')?.getAttribute('href')?.includes('my-kernel/event/'));
		await expect(page.locator('select[name="kernel"] option[value="mine"]').textContent()).resolves.toBe(`Your kernel (${release})`);
		await expect(page.locator('.finder-results a').first().getAttribute('href')).resolves.toBe(`${BASE}en/my-kernel/event/?e=syscalls%3Asys_enter_connect`);
		expect(page.errors).toEqual([]);
		await page.close();
	});

	it('opens sys_enter_connect for "your kernel" from the event page’s picker; its zip builds with make and traces a real connect', async () => {
		const eventPage = await open(context, 'events/syscalls/sys_enter_connect/');
		const mine = eventPage.locator('.kp-options a.kp-mine');
		await expect(mine.locator('.kp-rel').textContent()).resolves.toBe(release);
		await mine.click();
		await eventPage.waitForURL(/my-kernel\/event\/\?e=syscalls%3Asys_enter_connect/, { waitUntil: 'domcontentloaded' });
		const page = eventPage as Tracked;
		await page.waitForSelector('atlas-event[data-ready]');
		await expect(page.locator('h1').textContent()).resolves.toBe('syscalls:sys_enter_connect');
		await expect(page.locator('.kp[aria-checked="true"] .kp-rel').textContent()).resolves.toBe(release);
		// Steps 1–3 for this kernel: its format file, byte for byte, and its context struct.
		const format = readFileSync('/sys/kernel/tracing/events/syscalls/sys_enter_connect/format', 'utf8').trim();
		await expect(page.locator('#step-2').textContent()).resolves.toContain(format.split('\n').find((l) => l.includes('uservaddr'))!.trim());
		await expect(page.locator('[data-kernel-view]').textContent()).resolves.toContain('trace_event_raw_sys_enter');

		await page.locator('input[name="pairExit"]').check();
		await page.waitForFunction(() => document.querySelector('[data-step-files="4"]')?.textContent?.includes('sys_exit_connect'));
		const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download-zip]').click()]);
		const program = download.suggestedFilename().replace(/\.zip$/, '');
		const dir = mkdtempSync(join(work, 'zip-'));
		await download.saveAs(join(dir, 'project.zip'));
		execFileSync('unzip', ['-q', 'project.zip'], { cwd: dir });
		const project = join(dir, program);
		// The project is for this kernel: its generated files name it.
		const generated = readdirSync(project).filter((f) => f.startsWith(program)).map((f) => readFileSync(join(project, f), 'utf8'));
		expect(generated.some((text) => text.includes(`(${release}, x86_64)`))).toBe(true);
		execFileSync('make', [], { cwd: project, stdio: 'pipe' });

		const servers: Server[] = [];
		const listener = createServer((socket) => socket.end());
		servers.push(listener);
		await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
		const port = (listener.address() as { port: number }).port;
		let pid = 0;
		const lines = await traceWhile({ dir: project, name: program }, ['-c', 'bash'], async () => {
			pid = await runCommand('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
		});
		for (const s of servers) s.close();
		const record = parse(lines).find((l) => l.event === 'sys_enter_connect' && l.pid === pid);
		expect(record, lines.join('\n')).toMatchObject({ comm: 'bash', fields: { uservaddr: `127.0.0.1:${port}`, ret: '0', addrlen: '16' } });
		expect(page.errors).toEqual([]);
		await page.close();
	}, 300_000);
});

/** An archive atlas-capture.sh wrote from a fixture tree (tests/capture/capture-script.ts), as bytes. */
function fixtureArchive(options: Parameters<typeof makeFixtureRoot>[0] = {}): Buffer {
	const run = runCaptureScript(shells()[0]!, [makeFixtureRoot(options).root]);
	if (run.result.status !== 0 || !run.archive) throw new Error(`atlas-capture.sh failed: ${run.result.stderr}`);
	return readFileSync(run.archive);
}

/** `good` unpacked, changed by `edit` in its folder, packed again with tar and gzip. */
function edited(good: Buffer, edit: (dir: string) => void): Buffer {
	const dir = mkdtempSync(join(work, 'edit-'));
	execFileSync('tar', ['-xzf', '-', '-C', dir], { input: good });
	edit(dir);
	return execFileSync('tar', ['-czf', '-', '-C', dir, '.'], { maxBuffer: 64 * 1024 * 1024 });
}

describe('bad archives: a message in the reader’s language, and the stored kernel kept as it was', () => {
	let context: BrowserContext;
	let page: Tracked;
	let good: Buffer;
	const storedRelease = '6.18.44-stored';
	beforeAll(async () => {
		context = await browser.newContext();
		good = fixtureArchive({ release: storedRelease });
		page = await open(context, 'en/my-kernel/');
		await page.waitForSelector('atlas-my-kernel[data-ready]');
		await pick(page, { name: 'atlas-stored.tar.gz', buffer: good });
		await expect(page.locator('.mk-release').textContent()).resolves.toBe(storedRelease);
	}, 120_000);
	afterAll(async () => context?.close());

	const t = strings('en');
	async function refused(name: string, buffer: Buffer, problem: string): Promise<void> {
		await pick(page, { name, buffer });
		const status = page.locator('[data-status]');
		await expect(status.getAttribute('data-problem')).resolves.toBe(problem);
		await expect(status.getAttribute('role')).resolves.toBe('alert');
		const text = (await status.textContent())!;
		expect(text).toContain(t.myKernelNotUsed(name));
		expect(text).toContain(t.myKernelProblem(problem as Parameters<typeof t.myKernelProblem>[0]));
		expect(text).toContain(t.myKernelKept(storedRelease));
		await expect(page.locator('.mk-release').textContent()).resolves.toBe(storedRelease);
	}

	it('a truncated archive, one with a flipped byte', async () => {
		await refused('half.tar.gz', good.subarray(0, good.length >> 1), 'damaged');
		const flipped = Buffer.from(good);
		flipped[flipped.length >> 1]! ^= 0xff;
		await refused('flipped.tar.gz', flipped, 'damaged');
	});

	it('a tar of something else, and a file that is no archive', async () => {
		const other = execFileSync('tar', ['-czf', '-', '-C', join(process.cwd(), 'src/lib/format'), 'fixtures']);
		await refused('other.tar.gz', other, 'not-capture');
		await refused('notes.tar.gz', readFileSync(join(process.cwd(), 'README.md')), 'not-archive');
	});

	it('a file of 50 MB', async () => {
		await refused('big.tar.gz', randomBytes(50 * 1024 * 1024), 'too-big');
	});

	it('hostile names: a member leaving the archive, quotes and a newline in an event name', async () => {
		const escape = spawnSync('python3', ['-c', "import io,sys,tarfile\nb=io.BytesIO()\nt=tarfile.open(fileobj=b,mode='w:gz')\ni=tarfile.TarInfo('../../etc/cron.d/evil');i.size=1\nt.addfile(i,io.BytesIO(b'x'))\nt.close()\nsys.stdout.buffer.write(b.getvalue())"]).stdout;
		await refused('escape.tar.gz', escape, 'refused-member');
		const quoted = edited(good, (dir) => {
			mkdirSync(join(dir, 'events/evil/x"><img src=x onerror=alert(1)>'), { recursive: true });
			writeFileSync(join(dir, 'events/evil/x"><img src=x onerror=alert(1)>/format'), 'name: x\n');
			writeFileSync(join(dir, 'available_events'), `${readFileSync(join(dir, 'available_events'), 'utf8')}evil:x"><img src=x onerror=alert(1)>\n`);
		});
		await refused('quoted.tar.gz', quoted, 'malformed');
		await expect(page.locator('[data-status] img').count()).resolves.toBe(0);
		const newline = edited(good, (dir) => writeFileSync(join(dir, 'available_events'), `${readFileSync(join(dir, 'available_events'), 'utf8')}evil:na\nme\n`));
		await refused('newline.tar.gz', newline, 'malformed');
	});

	it('a second import of the same kernel changes nothing', async () => {
		await pick(page, { name: 'again.tar.gz', buffer: good });
		await expect(page.locator('[data-status]').getAttribute('data-problem')).resolves.toBe('same-kernel');
		await expect(page.locator('[data-status]').textContent()).resolves.toContain(storedRelease);
	});

	it('after all of them, the stored kernel reads back whole', async () => {
		const again = await open(context, 'en/my-kernel/');
		await again.waitForSelector('.mk-release');
		await expect(again.locator('.mk-release').textContent()).resolves.toBe(storedRelease);
		await expect(again.locator('.mk-counts tfoot').textContent()).resolves.toMatch(/Total/);
		expect([...page.errors, ...again.errors]).toEqual([]);
		await again.close();
	});

	it('an archive of a kernel without BTF is imported, and the page says what that means', async () => {
		const fresh = await browser.newContext();
		const other = (await fresh.newPage()) as Tracked;
		await other.goto(`${server.url}en/my-kernel/`);
		await other.waitForSelector('atlas-my-kernel[data-ready]');
		await pick(other, { name: 'nobtf.tar.gz', buffer: fixtureArchive({ btf: false, release: '6.18.44-nobtf' }) });
		await expect(other.locator('.mk-release').textContent()).resolves.toBe('6.18.44-nobtf');
		await expect(other.locator('.mk-summary .notice').textContent()).resolves.toBe(t.myKernelNoBtf);
		await fresh.close();
	});
});

describe('forget my kernel', () => {
	it('deletes it in one click: the page, the event pages and the picker no longer know it', async () => {
		const context = await browser.newContext();
		const page = await myKernelPage(context, 'zh');
		await pick(page, { name: 'atlas-forget.tar.gz', buffer: fixtureArchive({ release: '6.18.44-forget' }) });
		await expect(page.locator('.mk-release').textContent()).resolves.toBe('6.18.44-forget');
		// A bad file in Chinese, too.
		await pick(page, { name: 'half.tar.gz', buffer: Buffer.from('not an archive at all') });
		await expect(page.locator('[data-status]').textContent()).resolves.toContain(strings('zh').myKernelProblem('not-archive'));

		await page.locator('[data-forget]').click();
		await page.waitForFunction(() => document.querySelector('[data-report]')!.childElementCount === 0);
		await expect(page.locator('[data-status]').textContent()).resolves.toBe(strings('zh').myKernelForgotten);
		await expect(page.evaluate(() => localStorage.getItem('atlas-my-kernel'))).resolves.toBeNull();
		const reopened = await myKernelPage(context, 'zh');
		await expect(reopened.locator('[data-report]').innerHTML()).resolves.toBe('');
		const hostile = await open(context, `my-kernel/event/?e=${encodeURIComponent('sched:"><img src=x onerror=alert(1)>')}`);
		await hostile.waitForSelector('[data-mine-status][role="alert"]');
		await expect(hostile.locator('[data-mine-status]').textContent()).resolves.toBe(strings('zh').myKernelEventBad);
		const event = await open(context, 'my-kernel/event/?e=sched:sched_switch');
		await event.waitForSelector('[data-mine-status][role="alert"]');
		await expect(event.locator('[data-mine-status]').textContent()).resolves.toContain(strings('zh').myKernelEventNone);
		const captured = await open(context, 'events/sched/sched_switch/');
		await captured.waitForSelector('atlas-event');
		await expect(captured.locator('.kp-mine').count()).resolves.toBe(0);
		expect([...page.errors, ...reopened.errors, ...event.errors, ...captured.errors]).toEqual([]);
		await context.close();
	}, 120_000);
});
