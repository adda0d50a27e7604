/**
 * The committed verification results (data/verify/) as the Markdown table docs/verify.md and the README
 * quote: per kernel, events, the pass count of each context and variant, headline lines and wall time.
 * Reads only; `npm run verify` makes the results. Usage: node scripts/report-verify.ts [--data DIR]
 */
import { join } from 'node:path';
import { listVerifiedKernels, readVerifyResult } from '../src/data/verify.ts';
import { VariantNameSchema, VerifiedContextSchema, type CheckName, type VerifyResult } from '../src/schemas/verify.ts';
import { dataFolder, parseCommandLine, runCli } from './lib/cli.ts';

const HELP = "Usage: node scripts/report-verify.ts [--data DIR]\n\nPrints the committed verification results as a Markdown table (DIR: default the repository's data/).";
const checks: CheckName[] = [...VerifiedContextSchema.options, ...VariantNameSchema.options];

await runCli('report-verify', () => {
	const { values } = parseCommandLine('report-verify', HELP, { data: { type: 'string' } });
	const dataDir = dataFolder(values.data, join(import.meta.dirname, '..', 'data'));
	printTable(listVerifiedKernels(dataDir).map((id) => readVerifyResult(dataDir, id)!));
});

function printTable(results: VerifyResult[]): void {
	const cell = (r: VerifyResult, check: CheckName) => {
		const c = r.counts[check];
		return c ? `${c.passed} / ${c.events}` : 'not run';
	};
	/** download (while compiling) / compile / boot / headline runs / load and attach, in seconds. */
	const phases = (r: VerifyResult) => {
		const p = r.seconds.phases;
		if (!p) return 'not timed';
		const load = r.seconds.hostLoad === undefined ? '' : ` (host load ${r.seconds.hostLoad.toFixed(1)})`;
		return `${[p.download, p.compile, p.boot, p.headline, p.load].map((x) => Math.round(x)).join(' / ')}${load}`;
	};
	const rows = results.map((r) =>
		[
			`${r.kernel} (${r.release})`,
			String(r.events.length),
			...checks.map((check) => cell(r, check)),
			`${r.headline.filter((h) => h.passed).length} of ${r.headline.length}`,
			`${Math.round(r.seconds.total)} s (${Math.round(r.seconds.build)} / ${Math.round(r.seconds.vm)})`,
			phases(r),
		].join(' | '),
	);
	const total = (check: CheckName) => results.reduce((n, r) => n + (r.counts[check]?.passed ?? 0), 0);
	const of = (check: CheckName) => results.reduce((n, r) => n + (r.counts[check]?.events ?? 0), 0);
	console.log(`| kernel | events | ${checks.join(' | ')} | headline lines | total (build / VM) | download / compile / boot / headline / load |`);
	console.log(`| --- | ${['---', ...checks.map(() => '---'), '---', '---', '---'].join(' | ')} |`);
	for (const row of rows) console.log(`| ${row} |`);
	const programs = checks.reduce((n, c) => n + of(c), 0);
	console.log(`\nprograms loaded and attached, every kernel and check: ${checks.reduce((n, c) => n + total(c), 0)} of ${programs}`);
}
