/**
 * `npm run bench`: the site's figures, measured and printed (never asserted in tests).
 *
 *   build       full `astro build` of data/ and content/: time and pages written
 *   dist        size and file count against free static hosts' limits (scripts/lib/host-limits.ts),
 *               and what one more kernel adds: the site built again without the newest kernel
 *               (and without the guides, which name every kernel; their pages are taken out of
 *               the full figure too), the difference projected to PLANNED_KERNELS kernels
 *   weight      what home, an event page and the my-kernel page transfer before any interaction (HTML + CSS + JS, gzip);
 *               what the my-kernel feature adds to the other pages (its code found in their built scripts)
 *   island      the JS an event page loads on first interaction (generator, shiki, grammars), gzip
 *   options     option change → regenerated, highlighted code in the page (ms)
 *   search      hit rate of the search table (src/site/search-queries.ts) over data/ and content/;
 *               one explorer keystroke → results redrawn (ms)
 *   lighthouse  mobile scores (performance, accessibility, best practices, SEO) for home, explorer, an event page and a guide
 *
 *   my-kernel   as root: this machine's archive imported on the my-kernel page (time, JS loaded on use, the worker's peak heap; scripts/bench-my-kernel.ts)
 *   capture     as root: atlas-capture.sh on this machine (time, archive size) and the archive's import (scripts/bench-capture.ts)
 *
 * Options: --dist DIR measures an existing build of data/ instead of building; --base /sub/ serves
 * it under a sub-path; --no-growth skips the second build; --capture-only measures only the capture script;
 * --my-kernel-only [--runs N] only the my-kernel figures (N imports, default 5: the machine is shared).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import lighthouse from 'lighthouse';
import { computeMedianRun } from 'lighthouse/core/lib/median-run.js';
import { chromium, type Page } from 'playwright-core';
import { packEventIndex, unpackEventIndex } from '../src/site/event-index.ts';
import { featuredEvents } from '../src/site/featured.ts';
import { dataDir, loadCatalog } from '../src/site/data.ts';
import { caseRank, SEARCH_CASES } from '../src/site/search-queries.ts';
import { createEventSearch } from '../src/site/search.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/site/browser.ts';
import { buildSite } from '../tests/site/build.ts';
import { readGuideDocs } from '../tests/site/guide-docs.ts';
import { listKernelIds, readSnapshot, writeSnapshot } from '../src/data/store.ts';
import { listVerifiedKernels, readVerifyResult, writeVerifyResult } from '../src/data/verify.ts';
import { budgetLine, count, HOST_LIMITS, hostViolations, measureDist, measureFiles, PLANNED_KERNELS, size } from './lib/host-limits.ts';
import { serveStatic } from '../tests/site/serve.ts';
import { benchCapture } from './bench-capture.ts';
import { benchMyKernel, benchMyKernelElsewhere } from './bench-my-kernel.ts';
import { callerPath, fail, parseCommandLine } from './lib/cli.ts';

const HELP = `Usage: npm run bench [-- --dist DIR] [--base /sub/] [--no-growth] [--capture-only] [--my-kernel-only [--runs N]]

Builds the site (or measures the build in DIR) and prints its figures: build time, size against
static hosts' limits and growth per kernel, page weight, island size, latencies, Lighthouse scores.
As root it also prints the capture script's time and archive size and the archive's import time
(--capture-only: only those; --my-kernel-only: only the import, N times, default 5).`;
const { values } = parseCommandLine('bench', HELP, {
	dist: { type: 'string' },
	base: { type: 'string', default: '/' },
	'no-growth': { type: 'boolean' },
	'capture-only': { type: 'boolean' },
	'my-kernel-only': { type: 'boolean' },
	runs: { type: 'string', default: '5' },
});
if (values['capture-only']) {
	await benchCapture();
	process.exit(0);
}
const EVENT_PAGE = 'events/syscalls/sys_enter_connect/';
/** Chromium's DevTools port (Lighthouse, the worker's heap): a free one, as other benches on this machine may hold any fixed port. */
const LIGHTHOUSE_PORT = await new Promise<number>((resolve, reject) => {
	const probe = createServer().listen(0, '127.0.0.1', () => {
		const { port } = probe.address() as AddressInfo;
		probe.close(() => resolve(port));
	});
	probe.on('error', reject);
});

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const stats = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
	return `median ${at(0.5).toFixed(2)} ms, p90 ${at(0.9).toFixed(2)} ms, max ${s.at(-1)!.toFixed(2)} ms (n=${s.length})`;
};

let dist = values.dist === undefined ? undefined : callerPath(values.dist);
if (!dist) {
	console.log('building the site (data/ and content/)…');
	const build = buildSite({ ATLAS_BASE: values.base! });
	dist = build.dir;
	console.log(`build: ${build.seconds.toFixed(1)} s, ${build.pages} pages written (${dist})`);
}
if (!existsSync(join(dist, 'index.html'))) fail('bench', `--dist ${dist} has no index.html: pass the output folder of astro build`);

/** The built file the server sent for a URL, or null. */
const fileOf = (url: string) => {
	const path = decodeURIComponent(new URL(url).pathname).slice(values.base!.length);
	const file = join(dist!, path.endsWith('/') || path === '' ? `${path}index.html` : path);
	return existsSync(file) ? file : null;
};
/** gzip size of a file the server sent, read from the build (the server compresses on the fly). */
const gzipOf = (url: string) => {
	const file = fileOf(url);
	return file ? gzipSync(readFileSync(file), { level: 9 }).length : 0;
};
/** Pages other than the my-kernel page, for what that feature adds to them. */
const OTHER_PAGES = [
	['home', ''],
	['explorer', 'en/events/'],
	['event page', EVENT_PAGE],
	['guide', 'guides/trace-connect/'],
	['kernel page', `kernels/${loadCatalog().kernels.at(-1)!.id}/`],
] as const;

const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) fail('bench', `--runs ${JSON.stringify(values.runs)} is not a positive whole number`);
if (values['my-kernel-only']) {
	const server = await serveStatic(dist, values.base);
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, `--remote-debugging-port=${LIGHTHOUSE_PORT}`] });
	await benchMyKernelElsewhere({ browser, url: server.url, fileOf, pages: OTHER_PAGES });
	await benchMyKernel({ browser, url: server.url, gzipOf, debugPort: LIGHTHOUSE_PORT, runs });
	await browser.close();
	await server.close();
	process.exit(0);
}
await benchCapture();

// Search quality: where the table's queries land, over the real data and guides.
{
	const guides = readGuideDocs();
	const index = unpackEventIndex(packEventIndex(loadCatalog(), featuredEvents(guides)));
	const search = createEventSearch(index.entries, index);
	const ranks = SEARCH_CASES.map((c) => ({ c, rank: caseRank(c, search, guides) }));
	const hits = ranks.filter((r) => r.rank !== null && r.rank <= r.c.within);
	const first = ranks.filter((r) => r.rank === 1);
	console.log(`search hit rate: ${hits.length} of ${ranks.length} queries land where the table says (${((100 * hits.length) / ranks.length).toFixed(1)}%), ${first.length} ranked first`);
	for (const r of ranks.filter((r) => !hits.includes(r))) console.log(`  missed: ${r.c.query} (${r.c.lang}) → ${r.c.event ?? r.c.guide}: rank ${r.rank ?? 'none'}`);
}

const figures = measureDist(dist);
const kernels = loadCatalog().kernels;
console.log(
	`dist: ${size(figures.bytes)} in ${count(figures.files)} files with ${kernels.length} kernels (${budgetLine(figures, kernels.length)})`,
);
console.log(`  ${[...figures.parts].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 6).map(([part, f]) => `${part} ${size(f.bytes)} / ${count(f.files)}`).join(' · ')}`);
const violations = hostViolations(figures);
console.log(`hosts: ${violations.length ? violations.join('; ') : `fits ${HOST_LIMITS.map((l) => l.host).join(' and ')}`}`);
if (!values['no-growth'] && kernels.length > 1) {
	// What one more kernel costs: the same site without the newest kernel (the one with the most
	// events of its own). The guides name every kernel, so that build has none, and their pages
	// come out of the full figure; Pagefind's index of them stays in it, counted as growth.
	const newest = kernels.at(-1)!.id;
	const data = mkdtempSync(join(tmpdir(), 'atlas-bench-data-'));
	const noGuides = mkdtempSync(join(tmpdir(), 'atlas-bench-no-guides-'));
	for (const id of listKernelIds(dataDir()).filter((k) => k !== newest)) writeSnapshot(data, readSnapshot(dataDir(), id));
	for (const id of listVerifiedKernels(dataDir()).filter((k) => k !== newest)) writeVerifyResult(data, readVerifyResult(dataDir(), id)!);
	const fewer = buildSite({ ATLAS_BASE: values.base!, ATLAS_DATA: data, ATLAS_CONTENT: noGuides });
	const less = measureDist(fewer.dir);
	for (const dir of [data, noGuides, fewer.dir]) rmSync(dir, { recursive: true, force: true });
	const guides = [measureFiles(join(dist, 'guides')), measureFiles(join(dist, 'en', 'guides'))];
	const withoutGuides = { bytes: figures.bytes - guides[0]!.bytes - guides[1]!.bytes, files: figures.files - guides[0]!.files - guides[1]!.files };
	const growth = { bytes: withoutGuides.bytes - less.bytes, files: withoutGuides.files - less.files };
	const more = PLANNED_KERNELS - kernels.length;
	const projected = { bytes: figures.bytes + more * growth.bytes, files: figures.files + more * growth.files, largest: figures.largest };
	console.log(
		`growth per kernel (${newest} added to the ${kernels.length - 1} before it): +${size(growth.bytes)}, +${count(growth.files)} files → ` +
			`${PLANNED_KERNELS} kernels ≈ ${size(projected.bytes)} in ${count(projected.files)} files (${hostViolations(projected).join('; ') || `fits ${HOST_LIMITS.map((l) => l.host).join(' and ')}`}; ${budgetLine(projected, PLANNED_KERNELS)})`,
	);
}

const server = await serveStatic(dist, values.base);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, `--remote-debugging-port=${LIGHTHOUSE_PORT}`] });


/** Opens a page and sums what it transfers until the network is idle, by kind. */
async function weigh(page: Page, path: string): Promise<Record<string, number>> {
	const seen: Record<string, number> = { html: 0, css: 0, js: 0, other: 0 };
	const onResponse = (r: { url(): string; request(): { resourceType(): string } }) => {
		const type = r.request().resourceType();
		const kind = type === 'document' ? 'html' : type === 'stylesheet' ? 'css' : type === 'script' ? 'js' : 'other';
		seen[kind]! += gzipOf(r.url());
	};
	page.on('response', onResponse);
	await page.goto(server.url + path, { waitUntil: 'networkidle' });
	page.off('response', onResponse);
	return seen;
}

const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
for (const [label, path] of [
	['home', ''],
	['event page', EVENT_PAGE],
	['my-kernel page', 'my-kernel/'],
] as const) {
	const page = await context.newPage();
	const w = await weigh(page, path);
	console.log(`weight, ${label}: ${kb(w.html! + w.css! + w.js!)} gzip before interaction (HTML ${kb(w.html!)}, CSS ${kb(w.css!)}, JS ${kb(w.js!)})`);
	await page.close();
}
await benchMyKernelElsewhere({ browser, url: server.url, fileOf, pages: OTHER_PAGES });

// The island: what the page fetches as the reader nears step 4 (the runtime draws the form and the
// files the page leaves out), then the option-change latency once warm.
{
	const page = await context.newPage();
	await page.goto(server.url + EVENT_PAGE, { waitUntil: 'networkidle' });
	let islandJs = 0;
	let shard = 0;
	page.on('response', (r) => {
		if (r.request().resourceType() === 'script') islandJs += gzipOf(r.url());
		else if (/\/data\/events\/.+\.json$/.test(r.url())) shard += gzipOf(r.url());
	});
	await page.locator('#step-4').scrollIntoViewIfNeeded();
	await page.locator('input[name="context"][value="portable"]').check();
	await page.waitForFunction(() => document.querySelector('atlas-event')?.getAttribute('data-highlighted') === 'true');
	console.log(`island: ${kb(islandJs)} gzip of JS loaded near step 4 (generator, shiki core, C and Makefile grammars, JS regex engine), and the event's data shard: ${kb(shard)} gzip`);

	const latencies: number[] = [];
	const toggles = ['input[name="context"][value="vmlinux"]', 'input[name="context"][value="portable"]', 'input[name="output"][value="perfbuf"]', 'input[name="output"][value="ringbuf"]', 'input[name="section"][value="tracepoint"]', 'input[name="section"][value="tp"]', 'input[name="pairExit"]', 'input[name="filterComm"]'];
	for (let round = 0; round < 5; round++) {
		for (const selector of toggles) {
			// The page measures from the input event's time stamp to the highlighted code in the DOM.
			await page.evaluate(() => ((document.querySelector('atlas-event') as HTMLElement).dataset.renderMs = ''));
			await page.locator(selector).click();
			await page.waitForFunction(() => (document.querySelector('atlas-event') as HTMLElement).dataset.renderMs);
			latencies.push(Number(await page.evaluate(() => (document.querySelector('atlas-event') as HTMLElement).dataset.renderMs)));
		}
	}
	console.log(`option change → regenerated, highlighted code in the page: ${stats(latencies)}`);
	await page.close();
}

await benchMyKernel({ browser, url: server.url, gzipOf, debugPort: LIGHTHOUSE_PORT, runs });

// Explorer: one keystroke at a time.
{
	const page = await context.newPage();
	await page.goto(`${server.url}events/`, { waitUntil: 'networkidle' });
	const box = page.locator('atlas-event-finder input[type="search"]');
	const times: number[] = [];
	for (const query of ['sched_process_exec', 'procexec', 'sys_enter_connect', 'tcp_retrans']) {
		await box.fill('');
		for (const char of query) {
			await page.evaluate(() => ((document.querySelector('atlas-event-finder') as HTMLElement).dataset.searchMs = ''));
			await box.press(char === '_' ? 'Shift+Minus' : char);
			await page.waitForFunction(() => (document.querySelector('atlas-event-finder') as HTMLElement).dataset.searchMs);
			times.push(Number(await page.evaluate(() => (document.querySelector('atlas-event-finder') as HTMLElement).dataset.searchMs)));
		}
	}
	const entries = (JSON.parse(readFileSync(join(dist, 'data', 'events.json'), 'utf8')) as { events: unknown[] }).events.length;
	console.log(`search per keystroke over ${entries} events (fuzzy match + rank + redraw): ${stats(times)}`);
	await page.close();
}
await context.close();

// Lighthouse, mobile settings (its default: emulated phone, simulated slow 4G and CPU). Its
// figures move with the machine's load, so each page is measured LIGHTHOUSE_RUNS times and the
// median run reported (Lighthouse's own choice of median, by first paint and time to interactive).
const LIGHTHOUSE_RUNS = 3;
type LighthouseResult = NonNullable<Awaited<ReturnType<typeof lighthouse>>>['lhr'];
for (const [label, path] of [
	['home', ''],
	['explorer', 'en/events/'],
	['event page', EVENT_PAGE],
	['guide', 'guides/trace-connect/'],
] as const) {
	const runs: LighthouseResult[] = [];
	for (let i = 0; i < LIGHTHOUSE_RUNS; i++) {
		const result = await lighthouse(server.url + path, { port: LIGHTHOUSE_PORT, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'] });
		if (result) runs.push(result.lhr);
	}
	const lhr = computeMedianRun(runs) as LighthouseResult;
	const categories = lhr.categories;
	const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
	const audits = lhr.audits;
	console.log(
		`lighthouse mobile (median of ${runs.length}), ${label}: performance ${score('performance')}, accessibility ${score('accessibility')}, best practices ${score('best-practices')}, SEO ${score('seo')}` +
			` (FCP ${audits['first-contentful-paint']?.displayValue}, LCP ${audits['largest-contentful-paint']?.displayValue}, TBT ${audits['total-blocking-time']?.displayValue}, CLS ${audits['cumulative-layout-shift']?.displayValue})`,
	);
	// Where the blocking time comes from: the main thread's work by kind, and the page's size in elements.
	const work = ((audits['mainthread-work-breakdown']?.details as { items?: { groupLabel: string; duration: number }[] } | undefined)?.items ?? []).filter((w) => w.duration >= 50);
	console.log(`  main thread: ${audits['mainthread-work-breakdown']?.displayValue} (${work.map((w) => `${w.groupLabel} ${Math.round(w.duration)} ms`).join(', ')}), DOM ${audits['dom-size']?.displayValue ?? '?'}`);
	const failing = Object.values(audits).filter((a) => a.score !== null && a.score < 1 && (a.scoreDisplayMode === 'binary' || a.scoreDisplayMode === 'metricSavings'));
	if (failing.length) console.log(`  to improve: ${failing.map((a) => a.id).join(', ')}`);
}

await browser.close();
await server.close();
