import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuzz, mutateText } from '../fuzz/fuzz.ts';
import { FormatParseError, parseFormat } from './parse.ts';

// Real format files: the fixtures from a 6.18 tracefs and every 20th format text stored in data/.
const fixtures = readdirSync(new URL('./fixtures/', import.meta.url)).map((f) => readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8'));
const formatsDir = new URL('../../../data/formats/', import.meta.url);
const stored = readdirSync(formatsDir)
	.sort()
	.flatMap((f) => Object.values(JSON.parse(readFileSync(new URL(f, formatsDir), 'utf8')) as Record<string, string>))
	.filter((_, i) => i % 20 === 0);

describe('fuzzing the format parser with mutated real format files', () => {
	it('refuses every broken input with a FormatParseError, each within the time bound', { timeout: 60_000 }, () => {
		const report = fuzz(
			{
				name: 'parseFormat',
				seeds: [...fixtures, ...stored],
				mutate: mutateText,
				read: (text) => parseFormat(text, 'fuzzed/format'),
				isClean: (error) => error instanceof FormatParseError,
			},
			{ runs: 3_000, seed: 0x5eed_f0, timeBoundMs: 1_000 },
		);
		console.log(`parseFormat: ${report.runs} mutated inputs from ${fixtures.length + stored.length} real ones, ${report.accepted} parsed, ${report.refused} refused, slowest ${report.slowestMs.toFixed(1)} ms`);
		expect(report.failures).toEqual([]);
		// The mutations must exercise both paths, or the test proves nothing.
		expect(report.accepted).toBeGreaterThan(100);
		expect(report.refused).toBeGreaterThan(100);
	});
});
