import { describe, expect, it } from 'vitest';
import { committedCatalog } from '../../tests/site/data.ts';
import { packEventIndex, unpackEventIndex } from './event-index.ts';
import { createEventSearch } from './search.ts';

describe('fuzzy event search over the committed kernels', () => {
	const index = unpackEventIndex(packEventIndex(committedCatalog()));
	const search = createEventSearch(index.entries);
	const names = (query: string, limit = 5) => search(query, {}, limit).entries.map((e) => `${e.category}:${e.name}`);

	it('finds sched_process_exec from sched_proc and from procexec', () => {
		expect(names('sched_proc')).toContain('sched:sched_process_exec');
		expect(names('procexec')[0]).toBe('sched:sched_process_exec');
	});

	it('puts an exact name first, then prefixes', () => {
		expect(names('sys_enter_connect')[0]).toBe('syscalls:sys_enter_connect');
		expect(names('syscalls:sys_enter_accept')[0]).toBe('syscalls:sys_enter_accept');
		expect(names('sys_enter_accept', 2)).toEqual(['syscalls:sys_enter_accept', 'syscalls:sys_enter_accept4']);
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
	});

	it('answers an empty result for nonsense', () => {
		expect(search('zzzqqqxxx').total).toBe(0);
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
