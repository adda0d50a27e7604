import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boundedNeedle, MAX_NEEDLE_LENGTH, nearest } from './nearest.ts';

// Every category:name of a committed kernel, read straight from its data file.
const kernel = JSON.parse(readFileSync(new URL('../../data/kernels/6.12-amd64.json', import.meta.url), 'utf8')) as { events: { category: string; name: string }[] };
const keys = kernel.events.map((e) => `${e.category}:${e.name}`);

describe('nearest names', () => {
	it('finds the names near a typo', () => {
		expect(nearest(keys, 'sched:sched_proces_exec')).toContain('sched:sched_process_exec');
		expect(nearest(keys, 'connect sys_enter')).toContain('syscalls:sys_enter_connect');
	});

	// Unbounded, 1,000 characters took 65 s, 2,000 crashed Node and 10,000 ran out of memory.
	it.each([1_000, 2_000, 10_000, 100_000])('returns for a %d-character unknown name', { timeout: 10_000 }, (length) => {
		const name = Array.from({ length }, (_, i) => 'abc_ de:f'[i % 9]).join('');
		expect(Array.isArray(nearest(keys, name))).toBe(true);
		expect(boundedNeedle(name).length).toBeLessThanOrEqual(MAX_NEEDLE_LENGTH);
	});

	it('has nothing near an empty or blank name', () => {
		expect(nearest(keys, '')).toEqual([]);
		expect(nearest(keys, ' \n\t ')).toEqual([]);
	});
});
