import { describe, expect, it } from 'vitest';
import { realFormatTexts } from '../../../scripts/lib/fuzz-seeds.ts';
import { fuzz } from '../fuzz/fuzz.ts';
import { parseFormat } from '../format/parse.ts';
import { printFmtTarget } from './fuzz-target.ts';

describe('fuzzing the print fmt reader with mutated real print fmt lines', () => {
	it('decodes or refuses every input with a PrintFmtError, each within 2 s of CPU', { timeout: 600_000 }, () => {
		const seeds = realFormatTexts().map((text) => parseFormat(text, 'seed').printFmt);
		const report = fuzz(printFmtTarget(seeds), { runs: 3_000, seed: 0x9f_ce, timeBoundMs: 2_000 });
		console.log(`decodePrintFmt: ${report.runs} mutated inputs from ${seeds.length} real ones, ${report.accepted} parsed, ${report.refused} refused, slowest ${report.slowestMs.toFixed(1)} ms`);
		expect(report.failures).toEqual([]);
		expect(report.accepted).toBeGreaterThan(100);
		expect(report.refused).toBeGreaterThan(100);
	});
});
