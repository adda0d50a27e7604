/**
 * The site in a real browser: built once from real captured data (a slice of data/) and the real
 * guides under a sub-path, served statically, and driven with Debian's Chromium. The downloaded
 * project must build with make; every kind of page must read on a 390 px phone (reading.ts);
 * search must land where src/site/search-queries.ts says.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKernelIds, readProvenance, readSnapshot } from '../../src/data/store.ts';
import { listVerifiedKernels, readVerifyResult } from '../../src/data/verify.ts';
import { nearestKernel } from '../../src/lib/capture/nearest.ts';
import { archMask, archOf, defaultKernel } from '../../src/site/arches.ts';
import { num, strings } from '../../src/site/i18n.ts';
import { orderKernels } from '../../src/site/kernels.ts';
import { shardOf } from '../../src/site/shards.ts';
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

	it('shows an event page without JavaScript: seven steps, the default BPF program and how to get the rest', async () => {
		const page = await open('events/syscalls/sys_enter_connect/', { javaScriptEnabled: false });
		await expect(page.locator('h1').textContent()).resolves.toContain('sys_enter_connect');
		await expect(page.locator('.step-title').count()).resolves.toBe(7);
		await expect(code(page, 4)).resolves.toContain('SEC("tp/syscalls/sys_enter_connect")');
		await expect(page.locator('#fields tbody tr').count()).resolves.toBeGreaterThan(2);
		// The loader is not in the page: step 5 names the command that writes the whole project.
		await expect(page.locator('[data-step-files="5"] .code-file').count()).resolves.toBe(0);
		await expect(page.locator('[data-step-files="5"]').textContent()).resolves.toMatch(/npm run generate -- syscalls:sys_enter_connect --kernel \S+ --out/);
		await page.close();
	});

	it('draws the options, the header, the loader and the README from the shared shard as the reader nears them', async () => {
		const page = await open('events/syscalls/sys_enter_connect/');
		const shards: string[] = [];
		page.on('request', (r) => {
			if (/\/data\/events\//.test(r.url())) shards.push(new URL(r.url()).pathname);
		});
		await page.locator('#step-5').scrollIntoViewIfNeeded();
		await expect(code(page, 5)).resolves.toContain('ring_buffer__new');
		await page.waitForFunction(() => document.querySelectorAll('[data-step-files="4"] .code-file').length === 2);
		await page.waitForFunction(() => document.querySelectorAll('[data-step-files="6"] .code-file').length > 0);
		await expect(page.locator('input[name="context"][value="vmlinux"]').isChecked()).resolves.toBe(true);
		await page.waitForFunction(() => document.querySelectorAll('[data-step-files="4"] pre code .k').length > 10);
		// One shard of the category, holding the event and its sys_exit partner, is all the page fetched.
		expect(shards).toHaveLength(1);
		expect(shards[0]).toMatch(/^\/atlas\/data\/events\/syscalls\/\d+\.json$/);
		expect((page as Page & { errors: string[] }).errors).toEqual([]);
		await page.close();
	});

	it("shows sched_switch's prev_state names in the field table, and the loader prints by them until the reader turns names off", async () => {
		const page = await open('events/sched/sched_switch/');
		const row = page.locator('#fields tbody tr', { has: page.locator('th', { hasText: /^prev_state$/ }) });
		await expect(row.locator('details.names summary').textContent()).resolves.toContain('0 显示为 R');
		await expect(row.locator('details.names').getAttribute('open')).resolves.not.toBeNull();
		await page.locator('#step-5').scrollIntoViewIfNeeded();
		const step5 = async () => (await page.locator('[data-step-files="5"] .code-file pre code').allTextContents()).join('\n');
		await page.waitForFunction(() => document.querySelectorAll('[data-step-files="5"] .code-file').length > 0);
		await expect(step5()).resolves.toContain('tp_print_flags("prev_state"');
		await page.locator('input[name="decode"]').uncheck();
		await urlMatches(page, /names=0/);
		await page.waitForFunction(() => !document.querySelector('[data-step-files="5"]')?.textContent?.includes('tp_print_flags'));
		await expect(step5()).resolves.not.toContain('decode_prev_state');
		expect((page as Page & { errors: string[] }).errors).toEqual([]);
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

	it('opens on amd64, switches to arm64 with its data, says when an event exists on amd64 only, and filters the explorer by architecture', async () => {
		const en = strings('en');
		const kernels = listKernelIds(data).map((id) => readProvenance(data, id));
		const amd64 = defaultKernel(orderKernels(kernels))!;
		expect(archOf(amd64)).toBe('amd64');
		const arm64Kernels = kernels.filter((k) => archOf(k) === 'arm64');
		expect(arm64Kernels.length, 'the fixture data must hold arm64 kernels').toBeGreaterThan(0);
		const formatOf = (id: string, name: string) => readSnapshot(data, id).events.find((e) => e.category === 'syscalls' && e.name === name)?.format;
		const visibleKernels = (page: Page) => page.locator('.kp-options .kp:visible').evaluateAll((kps) => kps.map((kp) => (kp as HTMLElement).dataset.kernel));
		const step2 = (page: Page) => page.locator('#step-2').textContent();

		const page = await open('en/events/syscalls/sys_enter_openat/');
		await expect(page.locator('.kp-arch[aria-checked="true"] .kp-id').textContent()).resolves.toBe('amd64');
		await expect(page.locator('.kp-options .kp[aria-checked="true"]').getAttribute('data-kernel')).resolves.toBe(amd64.id);
		expect((await visibleKernels(page)).every((id) => id?.endsWith('-amd64'))).toBe(true);
		await expect(step2(page)).resolves.toContain(amd64.release);
		await expect(page.locator('.kp-only').count()).resolves.toBe(0);

		// arm64: the same series there, its kernels listed, its own format file (release and event ID) in step 2.
		await page.locator('.kp-arch[data-arch="arm64"]').click();
		const arm64 = orderKernels(arm64Kernels).find((k) => k.release.split('.').slice(0, 2).join('.') === amd64.release.split('.').slice(0, 2).join('.')) ?? orderKernels(arm64Kernels).at(-1)!;
		await urlMatches(page, new RegExp(`kernel=${arm64.id}`));
		await page.waitForFunction((release) => document.querySelector('#step-2')?.textContent?.includes(release), arm64.release);
		const onArm64 = formatOf(arm64.id, 'sys_enter_openat')!;
		await expect(step2(page)).resolves.toContain(`ID: ${onArm64.id}`);
		if (onArm64.id !== formatOf(amd64.id, 'sys_enter_openat')!.id) await expect(step2(page)).resolves.not.toContain(`ID: ${formatOf(amd64.id, 'sys_enter_openat')!.id}\n`);
		await expect(page.locator('.kp-arch[aria-checked="true"] .kp-id').textContent()).resolves.toBe('arm64');
		expect(await visibleKernels(page)).toEqual(orderKernels(arm64Kernels).map((k) => k.id));
		// The generated program is for that kernel too.
		await page.locator('#step-5').scrollIntoViewIfNeeded();
		await page.waitForFunction(() => document.querySelectorAll('[data-step-files="5"] .code-file').length > 0);
		await expect(page.locator('[data-step-files="5"]').textContent()).resolves.toContain(arm64.release);
		// Back to amd64 by the keyboard, as in any radio group.
		await page.locator('.kp-arch[data-arch="arm64"]').focus();
		await page.keyboard.press('ArrowLeft');
		await page.waitForFunction(() => document.querySelector('.kp-arch[aria-checked="true"]')?.getAttribute('data-arch') === 'amd64');
		expect((await visibleKernels(page)).every((id) => id?.endsWith('-amd64'))).toBe(true);
		expect((page as Page & { errors: string[] }).errors).toEqual([]);
		await page.close();

		// sys_enter_open: amd64 only, said in plain words from the data; arm64 cannot be picked.
		const open64 = await open('en/events/syscalls/sys_enter_open/');
		await expect(open64.locator('.kp-only').textContent()).resolves.toBe(en.eventOnlyOnArch('amd64', ['arm64'], arm64Kernels.length));
		await expect(open64.locator('.kp-arch[data-arch="arm64"]').getAttribute('aria-disabled')).resolves.toBe('true');
		await open64.locator('.kp-arch[data-arch="arm64"]').click({ force: true });
		await open64.waitForTimeout(300);
		expect(new URL(open64.url()).searchParams.get('kernel')).toBeNull();
		await open64.close();

		// The explorer lists amd64's events by default; arm64 has openat but no open.
		const explorer = await open('en/events/?q=sys_enter_open');
		const names = () => explorer.locator('.finder-results .ev-name').allTextContents();
		await explorer.waitForFunction(() => document.querySelector('.finder-results .ev-name')?.textContent === 'sys_enter_open');
		await expect(explorer.locator('select[name="arch"]').inputValue()).resolves.toBe('amd64');
		await explorer.locator('select[name="arch"]').selectOption('arm64');
		await urlMatches(explorer, /arch=arm64/);
		await explorer.waitForFunction(() => document.querySelector('.finder-results .ev-name')?.textContent !== 'sys_enter_open');
		expect(await names()).toContain('sys_enter_openat');
		expect(await names()).not.toContain('sys_enter_open');
		// Its kernel filter now offers arm64's kernels only, and its chips are arm64's.
		const offered = await explorer.locator('select[name="kernel"] optgroup:not([disabled]) option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
		expect(offered).toEqual(orderKernels(arm64Kernels).map((k) => k.id));
		const chipTitles = await explorer.locator('.finder-results .event-row').first().locator('.chip').evaluateAll((cs) => cs.map((c) => c.getAttribute('title')!.split(' ')[0]));
		expect(chipTitles).toEqual(orderKernels(arm64Kernels).map((k) => k.id));
		expect((explorer as Page & { errors: string[] }).errors).toEqual([]);
		await explorer.close();
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

	it('draws a few rows at build time; a search lists a whole page, and Show more continues from the drawn rows', async () => {
		// The explorer lists amd64's events until the reader picks another architecture.
		const index = JSON.parse(readFileSync(join(siteDir, 'data', 'events.json'), 'utf8')) as { kernels: { id: string; arch: string }[]; events: [number, string, number][] };
		const total = index.events.filter(([, , kernels]) => kernels & archMask(index.kernels, 'amd64')).length;
		expect(total).toBeLessThan(index.events.length);
		// Without JavaScript: the drawn rows and every category, by link.
		const still = await open('events/', { javaScriptEnabled: false });
		const drawn = await still.locator('.finder-results > li').allTextContents();
		const pageSize = Number(await still.locator('atlas-event-finder').getAttribute('data-page-size'));
		expect(drawn.length).toBeGreaterThan(10);
		expect(drawn.length).toBeLessThan(pageSize);
		await still.locator('.no-js-categories a').click();
		await still.waitForURL(/\/kernels\/[^/]+\/#categories$/, { waitUntil: 'domcontentloaded' });
		expect(await still.locator('.categories details.category').count()).toBeGreaterThan(2);
		await still.close();

		const page = await open('events/');
		const rows = page.locator('.finder-results > li');
		await expect(page.locator('.finder-status').textContent()).resolves.toBe(strings('zh').explorerShowing(drawn.length, total));
		await page.locator('.finder-more').click();
		await page.waitForFunction((n) => document.querySelectorAll('.finder-results > li').length > n, drawn.length);
		const more = await rows.allTextContents();
		expect(more).toHaveLength(drawn.length + pageSize);
		expect(more.slice(0, drawn.length)).toEqual(drawn);
		await expect(page.locator('.finder-status').textContent()).resolves.toBe(strings('zh').explorerShowing(drawn.length + pageSize, total));

		await page.locator('atlas-event-finder input[type="search"]').fill('sys_enter');
		await urlMatches(page, /q=sys_enter/);
		await page.waitForFunction((n) => document.querySelectorAll('.finder-results > li').length === n, pageSize);
		expect((await page.locator('.finder-results .ev-name').allTextContents()).every((name) => name.includes('sys_enter'))).toBe(true);
		await expect(page.locator('.finder-more').isVisible()).resolves.toBe(true);
		expect((page as Page & { errors: string[] }).errors).toEqual([]);
		await page.close();

		// The home picker lists a few results and leads to all of them in the explorer.
		const home = await open('en/');
		await home.locator('atlas-event-finder input[type="search"]').fill('sys_enter');
		const all = home.locator('atlas-event-finder a.finder-all');
		await home.waitForFunction(() => document.querySelector('atlas-event-finder a.finder-all')?.getAttribute('href')?.includes('q=sys_enter'));
		const homeRows = await home.locator('.finder-results > li').count();
		await expect(all.textContent()).resolves.toMatch(/^All [\d,]+ results for “sys_enter” in the explorer/);
		await all.click();
		await urlMatches(home, /en\/events\/\?q=sys_enter$/);
		await home.waitForFunction((n) => document.querySelectorAll('.finder-results > li').length === n, pageSize);
		expect(homeRows).toBeLessThan(pageSize);
		await home.close();
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

	/**
	 * Output arguments, by what the system call does: accept4 fills the peer's address and its length, newfstatat
	 * the struct stat; connect only reads what it is given. The page must pair the first two with their exit and
	 * say why, and leave connect alone.
	 */
	const KERNEL_WRITES: Record<string, string[]> = { sys_enter_accept4: ['upeer_sockaddr', 'upeer_addrlen'], sys_enter_newfstatat: ['statbuf'], sys_enter_connect: [] };
	/** What a program's code uses (the markers) and the feature the minimum-kernel line must name for it. */
	const USES = [
		{ marker: 'BPF_MAP_TYPE_RINGBUF', feature: { en: 'BPF ring buffer 5.8', zh: 'BPF ring buffer 5.8' }, since: '5.8' },
		{ marker: 'bpf_probe_read_user(', feature: { en: 'bpf_probe_read_user() 5.5', zh: 'bpf_probe_read_user() 5.5' }, since: '5.5' },
		{ marker: 'const volatile', feature: { en: 'read-only global data (the -p/-c filters) 5.2', zh: '只读全局变量（-p/-c 过滤） 5.2' }, since: '5.2' },
		{ marker: '#include "vmlinux.h"', feature: { en: 'kernel BTF (/sys/kernel/btf/vmlinux, for CO-RE) 5.4', zh: '内核 BTF（/sys/kernel/btf/vmlinux，CO-RE 用） 5.4' }, since: '5.4' },
	] as const;

	for (const [event, written] of Object.entries(KERNEL_WRITES)) {
		it(`${event}, both languages: ${written.length ? `pairs itself with its exit and says why (${written.join(', ')})` : 'not paired'}; the minimum kernel on the page and in the README follows the code`, async () => {
			const exit = event.replace(/^sys_enter_/, 'sys_exit_');
			for (const lang of ['zh', 'en'] as const) {
				const page = await open(`${lang === 'en' ? 'en/' : ''}events/syscalls/${event}/`);
				// Built into the page: step 7's line, against the default program shown in step 4.
				const program = (await code(page, 4))!;
				const line = (await page.locator('[data-run] p.muted.small').first().textContent())!;
				const used = USES.filter((u) => program.includes(u.marker));
				expect(used.map((u) => u.marker), 'the default program uses the ring buffer and reads user memory').toEqual(expect.arrayContaining(['BPF_MAP_TYPE_RINGBUF', 'bpf_probe_read_user(']));
				for (const u of USES) expect(line.includes(u.feature[lang]), `${lang} ${event}: "${line}" and ${u.marker} in the code`).toBe(program.includes(u.marker));
				const newest = used.map((u) => u.since).sort().at(-1)!;
				expect(line).toMatch(lang === 'en' ? new RegExp(`^Needs Linux ${newest} or newer: `) : new RegExp(`^需要 Linux ${newest} 或更新：`));

				// Drawn by the island: the options, with the pairing sentence, and the project's README.
				await page.locator('#step-5').scrollIntoViewIfNeeded();
				await page.waitForFunction(() => document.querySelector('input[name="pairExit"]') !== null);
				await page.waitForFunction(() => document.querySelector('[data-step-files="6"] [data-path="README.md"]') !== null);
				const options = (await page.locator('form.gen-options').textContent())!;
				const step4 = (await page.locator('[data-step-files="4"]').textContent())!;
				if (written.length) {
					expect(options, `${lang} ${event}`).toContain(strings(lang).genPairsItself(written.join(', '), exit));
					expect(step4).toContain(`SEC("tp/syscalls/${exit}")`);
				} else {
					expect(options).not.toContain(exit);
					expect(step4).not.toContain(exit);
				}
				const readme = (await page.locator('[data-step-files="6"] [data-path="README.md"]').textContent())!;
				expect(readme, `${lang} ${event}: the README states the page's line`).toContain(line.trim());
				expect((page as Page & { errors: string[] }).errors).toEqual([]);
				await page.close();
			}
		});
	}

	it('the strings guide, both languages: the copies it counts are those of the data (tests/guides/copies.test.ts checks those against the formats)', async () => {
		const { stringCopyEventCount, bufferCopies } = await import('../../src/components/guide/data.ts');
		const previous = process.env.ATLAS_DATA;
		process.env.ATLAS_DATA = data;
		try {
			for (const lang of ['zh', 'en'] as const) {
				const html = readFileSync(join(siteDir, lang === 'en' ? 'en' : '', 'guides', 'strings-pointers', 'index.html'), 'utf8');
				for (const kernel of ['6.12-amd64', '7.2-amd64']) {
					const shown = new RegExp(`<span data-string-copies="${kernel}"[^>]*>(\\d+)</span>`).exec(html);
					expect(shown?.[1], `${lang}: the count for ${kernel}`).toBe(String(stringCopyEventCount(kernel)));
				}
				const bytes = /<span data-buffer-copies="7.2-amd64"[^>]*>(.*?)<\/span>/.exec(html)?.[1] ?? '';
				expect([...bytes.matchAll(/<code[^>]*>([^<]+)<\/code>/g)].map((m) => m[1])).toEqual(bufferCopies('7.2-amd64'));
			}
		} finally {
			if (previous === undefined) delete process.env.ATLAS_DATA;
			else process.env.ATLAS_DATA = previous;
		}
	});

	readingTests(() => ({ server, browser, data, siteDir }));

	it('points a pasted uname -r to the nearest captured kernel, and serves the capture script at the site root', async () => {
		const page = await open('en/kernels/');
		const kernels = listKernelIds(data).map((id) => readProvenance(data, id));
		for (const pasted of ['6.8.0-45-generic', 'Linux pi 6.6.31+rpt-rpi-v8 #1 SMP PREEMPT aarch64 GNU/Linux', '5.4.0-1']) {
			const expected = nearestKernel(pasted, kernels);
			if (!expected.ok) throw new Error(`no nearest kernel for ${pasted} in the fixture data`);
			await page.fill('#nearest-release', pasted);
			await page.click('.nearest-form button');
			const link = page.locator('.nearest-result a');
			await expect(link.textContent(), pasted).resolves.toBe(expected.kernel.id);
			await expect(link.getAttribute('href')).resolves.toBe(`${BASE}en/kernels/${expected.kernel.id}/`);
			await expect(page.locator('.nearest-result').textContent()).resolves.toContain(strings('en').nearestRelation(expected.relation, expected.releasesApart));
		}
		const hostile = '<img src=x onerror=alert(1)>';
		await page.fill('#nearest-release', hostile);
		await page.click('.nearest-form button');
		await expect(page.locator('.nearest-result').textContent()).resolves.toBe(strings('en').nearestNoVersion(hostile));
		await expect(page.locator('.nearest-result img').count()).resolves.toBe(0);
		await expect(page.locator('code[data-script-href]').textContent()).resolves.toBe(`curl -fLO ${server.url}atlas-capture.sh && sudo sh atlas-capture.sh`);
		const served = await fetch(`${server.url}atlas-capture.sh`);
		expect(served.status).toBe(200);
		expect(await served.text()).toBe(readFileSync(new URL('../../public/atlas-capture.sh', import.meta.url), 'utf8'));
		expect((page as Page & { errors: string[] }).errors).toEqual([]);
		await page.close();
	});

	it('writes the Pagefind index, the event shards the island fetches and the companion files pages link to', () => {
		expect(existsSync(join(siteDir, 'pagefind', 'pagefind.js'))).toBe(true);
		for (const file of ['Makefile', 'tp_helpers.h', '.gitignore']) expect(existsSync(join(siteDir, 'companion', file)), file).toBe(true);
		const index = JSON.parse(readFileSync(join(siteDir, 'data', 'events.json'), 'utf8')) as { categories: string[]; shards: number[]; events: [number, string][] };
		const names = (category: string) => index.events.filter(([c]) => index.categories[c] === category).map(([, n]) => n);
		for (const category of ['sched', 'syscalls']) {
			const count = index.shards[index.categories.indexOf(category)]!;
			const held = readdirSync(join(siteDir, 'data', 'events', category)).flatMap((file) => {
				const shard = JSON.parse(readFileSync(join(siteDir, 'data', 'events', category, file), 'utf8')) as { events: object };
				return Object.keys(shard.events).map((name) => [name, file] as const);
			});
			// Every event of the category in exactly one of its shards, the one its name hashes to.
			expect(held.map(([n]) => n).sort()).toEqual(names(category).sort());
			for (const [name, file] of held) expect(file, name).toBe(`${shardOf(name, count)}.json`);
		}
	});
});
