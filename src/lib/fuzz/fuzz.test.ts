import { describe, expect, it } from 'vitest';
import { cpuMilliseconds, fuzz, mutateBytes, mutateText, seededRandom, type FuzzTarget } from './fuzz.ts';

describe('the fuzz harness', () => {
	it('gives the same inputs for the same seed', () => {
		const inputs = (seed: number) => {
			const random = seededRandom(seed);
			return Array.from({ length: 50 }, () => mutateText('name: x\nID: 1\nformat:\n', random));
		};
		expect(inputs(7)).toEqual(inputs(7));
		expect(inputs(7)).not.toEqual(inputs(8));
		const bytes = (seed: number) => mutateBytes(new Uint8Array(64).fill(1), seededRandom(seed));
		expect(bytes(3)).toEqual(bytes(3));
	});

	it('reports a reader that throws an unclean error or is slow, by run number', () => {
		const target: FuzzTarget<string> = {
			name: 'picky',
			seeds: ['abc'],
			mutate: (s, random) => mutateText(s, random),
			read: (s) => {
				if (s.includes(';')) throw new TypeError('not handled');
				if (s.includes('(')) {
					const until = cpuMilliseconds() + 30;
					while (cpuMilliseconds() < until);
				}
				if (s.length > 3) throw new RangeError('clean');
			},
			isClean: (error) => error instanceof RangeError,
		};
		const report = fuzz(target, { runs: 500, seed: 1, timeBoundMs: 20 });
		expect(report.failures.some((f) => f.kind === 'error' && f.detail === 'TypeError: not handled')).toBe(true);
		expect(report.failures.some((f) => f.kind === 'slow')).toBe(true);
		expect(report.refused).toBeGreaterThan(0);
		expect(report.accepted + report.refused + report.failures.filter((f) => f.kind === 'error').length).toBe(500);
	});
});
