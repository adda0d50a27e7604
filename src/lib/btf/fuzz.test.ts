import { describe, expect, it } from 'vitest';
import { realBtf } from '../../../scripts/lib/fuzz-seeds.ts';
import { fuzz } from '../fuzz/fuzz.ts';
import { btfReaderTarget, readAllTypes } from './fuzz-target.ts';
import { parseBtf } from './read.ts';

const real = realBtf();
const base = parseBtf(real.base, 'base.btf');

describe('fuzzing the BTF reader with mutated real BTF', () => {
	it('reads the unmutated fixtures completely', () => {
		readAllTypes(base);
		readAllTypes(parseBtf(real.module, 'module.btf', base));
	});

	it('refuses every broken base BTF with a BtfError, each within 2 s of CPU', { timeout: 600_000 }, () => {
		const report = fuzz(btfReaderTarget([real.base]), { runs: 3_000, seed: 0xb7f, timeBoundMs: 2_000 });
		console.log(`parseBtf (base): ${report.runs} mutated inputs, ${report.accepted} read, ${report.refused} refused, slowest ${report.slowestMs.toFixed(1)} ms`);
		expect(report.failures).toEqual([]);
		expect(report.accepted).toBeGreaterThan(100);
		expect(report.refused).toBeGreaterThan(100);
	});

	it('refuses every broken split BTF with a BtfError, each within 2 s of CPU', { timeout: 600_000 }, () => {
		const report = fuzz(btfReaderTarget([real.module], base), { runs: 1_000, seed: 0x5b1, timeBoundMs: 2_000 });
		console.log(`parseBtf (split): ${report.runs} mutated inputs, ${report.accepted} read, ${report.refused} refused, slowest ${report.slowestMs.toFixed(1)} ms`);
		expect(report.failures).toEqual([]);
	});
});
