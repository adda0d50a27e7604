import { describe, expect, it } from 'vitest';
import { realFormatTexts } from '../../../scripts/lib/fuzz-seeds.ts';
import { fuzz } from '../fuzz/fuzz.ts';
import { formatParserTarget } from './fuzz-target.ts';

describe('fuzzing the format parser with mutated real format files', () => {
	it('refuses every broken input with a FormatParseError, each within 2 s of CPU', { timeout: 600_000 }, () => {
		const seeds = realFormatTexts();
		const report = fuzz(formatParserTarget(seeds), { runs: 3_000, seed: 0x5eed_f0, timeBoundMs: 2_000 });
		console.log(`parseFormat: ${report.runs} mutated inputs from ${seeds.length} real ones, ${report.accepted} parsed, ${report.refused} refused, slowest ${report.slowestMs.toFixed(1)} ms`);
		expect(report.failures).toEqual([]);
		// The mutations must exercise both paths, or the test proves nothing.
		expect(report.accepted).toBeGreaterThan(100);
		expect(report.refused).toBeGreaterThan(100);
	});
});
