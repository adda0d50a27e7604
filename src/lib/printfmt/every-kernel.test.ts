/**
 * The decoder on every print fmt of every captured kernel: prints the coverage `npm run report:decode`
 * prints, and fails when an expression is left unread without a category and a reason, or when a
 * print fmt that is not empty fails to parse.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot } from '../../data/store.ts';
import { kernelCoverage } from './coverage.ts';
import { UNREAD_CATEGORIES } from './decode.ts';

const DATA = join(import.meta.dirname, '../../../data');

describe('decoding every print fmt of every captured kernel', () => {
	it.each(listKernelIds(DATA))('%s', { timeout: 120_000 }, (id) => {
		const c = kernelCoverage(readSnapshot(DATA, id).events);
		console.log(`${id}: ${c.events} events, ${c.fields} fields; decoded ${JSON.stringify(c.decoded)}; raw ${JSON.stringify(c.raw)}; not read ${JSON.stringify(c.byCategory)}`);
		for (const u of c.unread) {
			expect(Object.keys(UNREAD_CATEGORIES), `${u.event}`).toContain(u.category);
			expect(u.detail.length, `${u.event}: ${u.expression}`).toBeGreaterThan(0);
		}
		// Only an empty print fmt (applespi's irq event) is not C: everything else parses.
		expect(c.unread.filter((u) => u.category === 'syntax' && !u.detail.startsWith('the print fmt is empty'))).toEqual([]);
		// Every field is either decoded or raw with its reason, none lost.
		expect(Object.values(c.decoded).reduce((a, b) => a + b, 0) + Object.values(c.raw).reduce((a, b) => a + b, 0)).toBe(c.fields);
		expect(c.decoded.flags).toBeGreaterThan(500);
		expect(c.decoded.symbolic).toBeGreaterThan(500);
		expect(c.decoded.hex + c.decoded.array).toBeGreaterThan(30);
	});
});
