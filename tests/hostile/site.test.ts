/**
 * A site built from hostile data: the free text the schema lets through (a print fmt, a context
 * struct's note, a kernel's /proc/version) carries script elements, event handlers and shell
 * substitutions. Built with Astro from a few real events and driven in Chromium: no injected script
 * runs, no injected element is live, and no command on a page carries the payload.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot, writeSnapshot } from '../../src/data/store.ts';
import { archOfKernelId } from '../../src/lib/capture/arch-names.ts';
import { parseFormat } from '../../src/lib/format/parse.ts';
import { DEFAULT_ARCH } from '../../src/site/arches.ts';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';
import { launchChromium } from '../site/browser.ts';
import { buildSite } from '../site/build.ts';
import { serveStatic, type StaticServer } from '../site/serve.ts';

/** Markup and shell that must never come alive; each sets window.__pwned or touches a file if it does. */
const HTML_PAYLOAD = `PWN</script><script>window.__pwned='script'</script><img src=x onerror="window.__pwned='img'"><svg onload="window.__pwned='svg'">'"><iframe srcdoc="<script>parent.__pwned='iframe'</script>">`;
const SHELL_PAYLOAD = '$(touch /tmp/atlas-PWN) `touch /tmp/atlas-PWN`; touch /tmp/atlas-PWN';
const PAYLOAD = `${HTML_PAYLOAD} ${SHELL_PAYLOAD}`;

const KEEP = new Set(['sched:sched_switch', 'sched:sched_process_exec', 'syscalls:sys_enter_openat', 'syscalls:sys_exit_openat']);

/** Two committed kernels cut to four events, with the payload in every free-text field the schema allows. */
function hostileData(): { dir: string; kernel: string } {
	const dir = mkdtempSync(join(tmpdir(), 'atlas-hostile-site-data-'));
	const ids = listKernelIds('data');
	// The newest amd64 kernel stays clean: event pages open on it (amd64 is the default architecture) and the links switch to the hostile one.
	const [first, last] = [ids[0] as string, ids.filter((id) => archOfKernelId(id) === DEFAULT_ARCH).at(-1) as string];
	for (const id of [first, last]) {
		const snapshot = readSnapshot('data', id);
		const events = snapshot.events.filter((e) => KEEP.has(`${e.category}:${e.name}`));
		const hostile: Snapshot = id !== first ? { ...snapshot, events } : {
			provenance: { ...snapshot.provenance, source: { kind: 'running', procVersion: `Linux version ${PAYLOAD}` }, method: 'running-kernel' },
			events: events.map((e): Event => {
				if (e.name === 'sched_switch') {
					const formatText = `${e.formatText.trimEnd()}, "${PAYLOAD}"\n`;
					return { ...e, formatText, format: parseFormat(formatText, 'hostile') };
				}
				if (e.name === 'sys_enter_openat') return { ...e, context: { match: 'none', note: PAYLOAD } };
				return e;
			}),
		};
		writeSnapshot(dir, hostile);
	}
	return { dir, kernel: first };
}

/** Every file under `dir`. */
const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
const unescapeHtml = (s: string) => s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('a site built from hostile data', () => {
	let siteDir: string;
	let dataDir: string;
	let kernel: string;
	let server: StaticServer;
	let browser: Browser;

	beforeAll(async () => {
		({ dir: dataDir, kernel } = hostileData());
		const site = buildSite({ ATLAS_DATA: dataDir, ATLAS_BASE: '/', ATLAS_PAGEFIND: '0', ATLAS_CONTENT: mkdtempSync(join(tmpdir(), 'atlas-no-guides-')) });
		siteDir = site.dir;
		server = await serveStatic(siteDir, '/');
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
		await server?.close();
		for (const dir of [siteDir, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('has the payload on its pages only as text: no raw markup, and in no command', () => {
		const pages = walk(siteDir).filter((f) => f.endsWith('.html'));
		const shown = pages.filter((f) => readFileSync(f, 'utf8').includes('PWN'));
		// The payload must reach the pages (as escaped text), or the test proves nothing.
		expect(shown.length).toBeGreaterThan(0);
		for (const file of pages) {
			const html = readFileSync(file, 'utf8');
			for (const raw of ["<script>window.__pwned", '<img src=x onerror', '<svg onload', '<iframe srcdoc']) expect(html, file).not.toContain(raw);
			for (const [, command] of html.matchAll(/<pre class="cmd"><code>([\s\S]*?)<\/code><\/pre>/g)) expect(unescapeHtml(command as string), file).not.toContain('PWN');
		}
	});

	it('runs none of it in Chromium: event pages, kernel page, lists, the generator and the 404 page', async () => {
		const paths = [
			'',
			'en/',
			'events/',
			`events/sched/sched_switch/?kernel=${kernel}`,
			`en/events/sched/sched_switch/?kernel=${kernel}`,
			`events/syscalls/sys_enter_openat/?kernel=${kernel}`,
			`en/events/syscalls/sys_enter_openat/?kernel=${kernel}`,
			`kernels/${kernel}/`,
			`en/kernels/${kernel}/`,
			'kernels/',
			'events/x/%E0%A4%A',
			`events/sched/${encodeURIComponent(HTML_PAYLOAD)}`,
		];
		let sawPayload = 0;
		for (const path of paths) {
			const page = await browser.newPage();
			const problems: string[] = [];
			page.on('dialog', (d) => problems.push(`dialog: ${d.message()}`));
			page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
			await page.goto(server.url + path, { waitUntil: 'load' });
			await page.waitForTimeout(300);
			const state = await page.evaluate(() => ({
				pwned: (window as unknown as { __pwned?: string }).__pwned,
				liveElements: [...document.querySelectorAll('script, img, svg, iframe')].filter((el) => (el.outerHTML.includes('PWN') || el.outerHTML.includes('__pwned'))).map((el) => el.outerHTML.slice(0, 120)),
				handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on') && a.value.includes('__pwned'))).length,
				shown: document.body.innerText.includes('PWN'),
			}));
			await page.close();
			expect(state.pwned, path).toBeUndefined();
			expect(state.liveElements, path).toEqual([]);
			expect(state.handlers, path).toBe(0);
			expect(problems, path).toEqual([]);
			if (state.shown) sawPayload++;
		}
		expect(sawPayload, 'the payload must show as text on some pages').toBeGreaterThan(1);
	});
});
