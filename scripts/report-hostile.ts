/**
 * Figures for hostile input (issue 10): how the readers of untrusted input fare against mutated real
 * inputs (the fuzz targets `npm test` runs, here with any run count and seed), and how long the inputs
 * that used to hang or crash take now. Reads only. Usage: node scripts/report-hostile.ts [--runs N] [--seed N]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { btfReaderTarget } from '../src/lib/btf/fuzz-target.ts';
import { parseBtf } from '../src/lib/btf/read.ts';
import { formatParserTarget } from '../src/lib/format/fuzz-target.ts';
import { parseDeclaration, parseFormat } from '../src/lib/format/parse.ts';
import { fuzz, type FuzzReport } from '../src/lib/fuzz/fuzz.ts';
import { nearest } from '../src/site/nearest.ts';
import { parseCommandLine } from './lib/cli.ts';
import { realBtf, realFormatTexts } from './lib/fuzz-seeds.ts';

const HELP = `Usage: node scripts/report-hostile.ts [--runs N] [--seed N]

Fuzzes the format parser and the BTF reader with N mutated real inputs each (default 3000, seed 1),
then times the hostile inputs of issue 10. Prints a Markdown table of each.`;
const { values } = parseCommandLine('report-hostile', HELP, { runs: { type: 'string', default: '3000' }, seed: { type: 'string', default: '1' } });
const runs = Number(values.runs);
const seed = Number(values.seed);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
	console.error(`report-hostile: --runs and --seed take whole numbers (got ${JSON.stringify(values.runs)}, ${JSON.stringify(values.seed)})`);
	process.exit(1);
}

const real = realBtf();
const base = parseBtf(real.base, 'base.btf');
const reports: FuzzReport[] = [
	await fuzz(formatParserTarget(realFormatTexts()), { runs, seed, timeBoundMs: 1_000 }),
	await fuzz(btfReaderTarget([real.base]), { runs, seed, timeBoundMs: 1_000 }),
	await fuzz(btfReaderTarget([real.module], base), { runs, seed, timeBoundMs: 1_000 }),
];
console.log(`Fuzzing (seed ${seed})\n\n| target | inputs | read | refused cleanly | other errors or slow | slowest |\n| --- | --- | --- | --- | --- | --- |`);
for (const r of reports) console.log(`| ${r.target} | ${r.runs} | ${r.accepted} | ${r.refused} | ${r.failures.length} | ${r.slowestMs.toFixed(1)} ms |`);

/** Milliseconds one call takes, and how it ended. */
function timed(run: () => unknown): string {
	const start = performance.now();
	let outcome = 'returned';
	try {
		run();
	} catch (error) {
		outcome = `${(error as Error).name}`;
	}
	return `${(performance.now() - start).toFixed(1)} ms (${outcome})`;
}
const keys = (JSON.parse(readFileSync(join(resolve(import.meta.dirname, '..'), 'data/kernels/6.12-amd64.json'), 'utf8')) as { events: { category: string; name: string }[] }).events.map((e) => `${e.category}:${e.name}`);
const sysEnter = realFormatTexts().find((t) => t.startsWith('name: sys_enter\n')) as string;
const name = (length: number) => Array.from({ length }, (_, i) => 'abc_ de:f'[i % 9]).join('');
const rows: [string, string, () => unknown][] = [
	['a 160,000-character declaration', '3.9 s', () => parseFormat(sysEnter.replace('long id;', `long ${'i'.repeat(160_000)};`), 'x')],
	['a 320,000-character declaration, parsed alone', '116 s', () => parseDeclaration(`${'a'.repeat(320_000)} b`)],
	['80,000 blanks in a field line', '3 s', () => parseFormat(sysEnter.replace('offset:8;', `offset:8;${' '.repeat(80_000)}`), 'x')],
	['nearest names to a 1,000-character unknown name', '65 s', () => nearest(keys, name(1_000))],
	['nearest names to a 2,000-character unknown name', 'crashed Node', () => nearest(keys, name(2_000))],
	['nearest names to a 10,000-character unknown name', 'out of memory', () => nearest(keys, name(10_000))],
];
console.log('\nInputs that hung or crashed (issue 10)\n\n| input | before | now |\n| --- | --- | --- |');
for (const [what, before, run] of rows) console.log(`| ${what} | ${before} | ${timed(run)} |`);
