/**
 * The guides as readers get them: the site built (from a slice of the committed snapshots that holds
 * every event the guides show), each guide page in both languages with all its steps, real format
 * text and generated code in it, no component left unrendered, and every event link landing on a page.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot, writeSnapshot } from '../../src/data/store.ts';
import { dataDir } from '../../src/site/data.ts';
import { DEFAULT_LANG, LANGS } from '../../src/site/i18n.ts';
import { syscallFamily } from '../../src/site/related.ts';
import type { Event } from '../../src/schemas/snapshot.ts';
import { GUIDE_MACHINE } from '../../src/components/guide/data.ts';
import { NEWER_LAYOUT } from '../../src/components/guide/presets.ts';
import { HELLO, PROBES } from '../../src/components/guide/probes.ts';
import { buildSite } from '../site/build.ts';
import { guideSlugs, readOutline } from './outline.ts';

/** Syscall families the guides draw from (SyscallFamilies, AvailableEvents, presets). */
const FAMILIES = new Set(['accept', 'connect', 'open', 'dup', 'pipe', 'rename', 'clone', 'eventfd', 'epoll_pwait']);

/**
 * sched and raw_syscalls whole, the syscalls of those families, the syscalls the oldest kernel lacks
 * (for the "kernel too old" table), the events of the module with the fewest events (for the
 * module table) and the build guide's example of a record that grew: every event a guide renders, and few enough pages to build in seconds.
 */
function writeGuideData(): string {
	const source = dataDir();
	const ids = listKernelIds(source);
	const snapshots = ids.map((id) => readSnapshot(source, id));
	// The guides' oldest and newest kernels are of their own architecture (GUIDE_MACHINE).
	const guides = snapshots.filter((s) => s.provenance.arch === GUIDE_MACHINE);
	const oldest = new Set(guides.reduce((a, b) => (a.provenance.release < b.provenance.release ? a : b)).events.map((e) => `${e.category}:${e.name}`));
	const moduleCounts = new Map<string, number>();
	for (const e of guides.at(-1)!.events) if (e.origin.kind === 'module') moduleCounts.set(e.origin.module, (moduleCounts.get(e.origin.module) ?? 0) + 1);
	const smallestModule = [...moduleCounts].sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1))[0]?.[0];
	const keep = (e: Event) => {
		if (e.category === 'sched' || e.category === 'raw_syscalls' || `${e.category}:${e.name}` === NEWER_LAYOUT.event) return true;
		if (e.origin.kind === 'module') return e.origin.module === smallestModule;
		const syscall = /^sys_(?:enter|exit)_(\w+)$/.exec(e.name)?.[1];
		return e.category === 'syscalls' && syscall !== undefined && (FAMILIES.has(syscallFamily(syscall)) || !oldest.has(`${e.category}:${e.name}`));
	};
	const dir = mkdtempSync(join(tmpdir(), 'atlas-guide-data-'));
	for (const snapshot of snapshots) writeSnapshot(dir, { ...snapshot, events: snapshot.events.filter(keep) });
	return dir;
}

let site: string;

beforeAll(() => {
	site = buildSite({ ATLAS_DATA: writeGuideData() }).dir;
}, 600_000);

const pagePath = (lang: string, path: string) => join(site, lang === DEFAULT_LANG ? '' : lang, path, 'index.html');

describe('the guides, built', () => {
	for (const slug of guideSlugs('zh')) {
		for (const lang of LANGS) {
			it(`${lang}/${slug}: every step rendered, no component left raw, event links resolve`, () => {
				const file = pagePath(lang, `guides/${slug}`);
				expect(existsSync(file), `${file} was not built`).toBe(true);
				const html = readFileSync(file, 'utf8');
				const steps = readOutline(lang, slug).steps;
				expect(html.match(/<section class="step guide-step[^"]*" id="step-\d+"/g)?.length, 'rendered steps').toBe(steps.length);
				for (const step of steps) expect(html).toContain(`id="step-${step.n}"`);
				// A component the page does not know would be written out as an unknown tag.
				expect(html).not.toMatch(/<(Step|FormatFile|FieldTable|ContextStruct|Skeleton|Snippet|AvailableEvents|EventLink|ProbeRun|ProbeBuild|CapsOnly|LockdownRun|StringCopyCount|BufferCopies)[\s>]/);
				for (const [, href] of html.matchAll(/href="\/((?:en\/)?events\/[^"?#]+)/g)) {
					expect(existsSync(join(site, href!, 'index.html')), `${lang}/${slug} links to /${href}, which was not built`).toBe(true);
				}
			});
		}
	}

	it('the connect guide shows the real format file and the generated program', () => {
		const html = readFileSync(pagePath('zh', 'guides/trace-connect'), 'utf8');
		expect(html).toMatch(/name:<\/span> sys_enter_connect\n/);
		expect(html).toMatch(/field:<\/span>struct sockaddr \* uservaddr;/);
		expect(html).toContain('handle_sys_exit_connect');
		expect(html).toContain('uservaddr=127.0.0.1:8081 addrlen=16 ret=-ECONNREFUSED');
	});

	it('the probe guide shows each example, its section and the line its test read back; the connect guide its ten-line step 0', () => {
		for (const lang of LANGS) {
			const html = readFileSync(pagePath(lang, 'guides/which-probe'), 'utf8');
			expect(html).toContain('bpf_program__attach');
			for (const p of PROBES) {
				expect(html).toContain(`bpf_trace_printk: ${p.message()}`);
				expect(html).toContain(`attached ${p.program} at ${p.section}`);
			}
			expect(readFileSync(pagePath(lang, 'guides/trace-connect'), 'utf8')).toContain(`bpf_trace_printk: ${HELLO.message()}`);
		}
	});
});
