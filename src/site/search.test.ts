import { describe, expect, it } from 'vitest';
import { committedCatalog } from '../../tests/site/data.ts';
import { readGuideDocs } from '../../tests/site/guide-docs.ts';
import { archMask } from './arches.ts';
import { packEventIndex, unpackEventIndex } from './event-index.ts';
import { featuredEvents } from './featured.ts';
import { rankGuides } from './guide-search.ts';
import { caseRank, SEARCH_CASES } from './search-queries.ts';
import { createEventSearch, matchTier, TIER } from './search.ts';

describe('event and guide search over the committed kernels and guides', () => {
	const guides = readGuideDocs();
	const index = unpackEventIndex(packEventIndex(committedCatalog(), featuredEvents(guides)));
	const search = createEventSearch(index.entries, index);
	const names = (query: string, limit = 5) => search(query, {}, limit).entries.map((e) => `${e.category}:${e.name}`);

	it('has a table of at least 30 queries in both languages', () => {
		expect(SEARCH_CASES.length).toBeGreaterThanOrEqual(30);
		expect(new Set(SEARCH_CASES.map((c) => c.lang))).toEqual(new Set(['zh', 'en']));
	});

	it.each(SEARCH_CASES.map((c) => [c.query, c.lang, c.event ?? `guide ${c.guide}`, c] as const))('%s (%s) → %s', (_q, _l, _t, c) => {
		const rank = caseRank(c, search, guides);
		expect(rank, `${c.query}: ${c.event ? names(c.query, 8).join(', ') : rankGuides(c.query, guides, c.lang).map((g) => `${g.lang}/${g.slug}`).join(', ')}`).not.toBeNull();
		expect(rank!).toBeLessThanOrEqual(c.within);
	});

	it('ranks a whole word above a substring, and a syscall pair above other whole-word matches', () => {
		const entry = (category: string, name: string) => ({ category, name, kernels: 1, module: null });
		expect(matchTier(entry('sunrpc', 'xprt_connect'), 'connect')).toBe(TIER.word);
		expect(matchTier(entry('smb3', 'smb3_connect_done'), 'connect')).toBe(TIER.word);
		expect(matchTier(entry('x', 'mem_connected'), 'connect')).toBe(TIER.wordPrefix);
		expect(matchTier(entry('x', 'reconnect_done'), 'connect')).toBe(TIER.substring);
		expect(matchTier(entry('syscalls', 'sys_exit_connect'), 'connect')).toBe(TIER.syscall);
		expect(names('connect', 2)).toEqual(['syscalls:sys_enter_connect', 'syscalls:sys_exit_connect']);
		// Past the pair, whole-word matches from other subsystems, before any substring match.
		const tiers = search('connect', {}, 200).entries.map((e) => matchTier(e, 'connect'));
		expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
	});

	it('opens on the events people trace first when nothing is typed', () => {
		const first = search('', {}, 30).entries;
		expect(first.slice(0, 3).every((e) => index.featured.has(`${e.category}:${e.name}`))).toBe(true);
		const afterFeatured = first.filter((e) => !index.featured.has(`${e.category}:${e.name}`));
		expect(afterFeatured[0]?.category).toBe('syscalls');
	});

	it('keeps an English reader on English guides first, a Chinese reader on Chinese ones', () => {
		expect(rankGuides('trace connect', guides, 'en')[0]).toMatchObject({ lang: 'en', slug: 'trace-connect' });
		expect(rankGuides('connect', guides, 'zh')[0]).toMatchObject({ lang: 'zh', slug: 'trace-connect' });
	});

	it('filters by category, kernel and origin', () => {
		const inSched = search('', { category: 'sched' }, 10_000).entries;
		expect(inSched.length).toBeGreaterThan(10);
		expect(inSched.every((e) => e.category === 'sched')).toBe(true);
		const onFirst = search('', { kernel: 0 }, 100_000);
		expect(onFirst.total).toBe(index.entries.filter((e) => e.kernels & 1).length);
		const modules = search('', { origin: 'module' }, 100_000);
		expect(modules.entries.every((e) => e.module !== null)).toBe(true);
		expect(search('', { origin: 'builtin' }, 100_000).total + modules.total).toBe(index.entries.length);
		expect(search('connect', { category: 'sunrpc' }, 100).entries.every((e) => e.category === 'sunrpc')).toBe(true);
	});

	it("filters by architecture: an amd64-only syscall is not among arm64's events, an arm64 one is", () => {
		const onArm64 = search('sys_enter_open', { anyOf: archMask(index.kernels, 'arm64') }, 100_000).entries.map((e) => `${e.category}:${e.name}`);
		expect(onArm64).toContain('syscalls:sys_enter_openat');
		expect(onArm64).not.toContain('syscalls:sys_enter_open');
		expect(names('sys_enter_open', 1)).toEqual(['syscalls:sys_enter_open']);
		const arm64 = search('', { anyOf: archMask(index.kernels, 'arm64') }, 100_000);
		expect(arm64.total).toBe(index.entries.filter((e) => index.kernels.some((k, bit) => k.arch === 'aarch64' && e.kernels & (1 << bit))).length);
	});

	it('answers an empty result for nonsense', () => {
		expect(search('zzzqqqxxx').total).toBe(0);
		expect(search('验证器').total).toBe(0);
	});
});

describe('search with hostile queries', () => {
	const search = createEventSearch(unpackEventIndex(packEventIndex(committedCatalog())).entries);
	it('answers a 20,000-character query (it threw SyntaxError) and one of regex syntax', { timeout: 10_000 }, () => {
		expect(() => search('a'.repeat(20_000))).not.toThrow();
		expect(() => search('sched_switch '.repeat(2_000))).not.toThrow();
		expect(() => search('(((*+?[\\')).not.toThrow();
		expect(search(`sched_process_exec${'x'.repeat(20_000)}`).total).toBe(0);
	});
});
