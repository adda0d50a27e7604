/**
 * How much of each captured kernel's print fmt the decoder reads (src/lib/printfmt/): per kernel, fields
 * decoded by kind, fields left raw and why, and the expressions it could not read by category. `--all`
 * lists every such expression with its event. Usage: node scripts/report-decode.ts [--data DIR] [--kernel ID] [--all]
 */
import { join } from 'node:path';
import { listKernelIds, readSnapshot } from '../src/data/store.ts';
import { kernelCoverage } from '../src/lib/printfmt/coverage.ts';
import { CONDITIONAL_TEXT_KINDS, DECODER_KINDS, UNREAD_CATEGORIES, type ConditionalTextKind, type Unread, type UnreadCategory } from '../src/lib/printfmt/decode.ts';
import { dataFolder, parseCommandLine, runCli } from './lib/cli.ts';

const HELP = `Usage: node scripts/report-decode.ts [--data DIR] [--kernel ID] [--all]

Prints, per captured kernel, the fields whose values the kernel's print fmt decodes (flags, symbolic,
hex, array, string), the conditional texts decoded with the field they test (openat's O_RDONLY|), the
fields left raw and why, and the expressions the reader could not take apart, by category (conditional
text by kind) with examples (--all: every one).`;

await runCli('report-decode', () => {
	const { values } = parseCommandLine('report-decode', HELP, { data: { type: 'string' }, kernel: { type: 'string' }, all: { type: 'boolean' } });
	const dataDir = dataFolder(values.data, join(import.meta.dirname, '..', 'data'));
	const ids = values.kernel ? [values.kernel] : listKernelIds(dataDir);
	const rows: string[] = [
		'| kernel | events | fields | decoded (flags / symbolic / hex / array / string) | conditional texts decoded with their field | raw: plain / not printed / unread | expressions not read |',
		'| --- | ---: | ---: | --- | ---: | --- | ---: |',
	];
	const examples = (list: (Unread & { event: string })[], indent: string) => {
		for (const u of values.all ? list : list.slice(0, 3)) details.push(`${indent}${u.event} arg ${u.argument}: ${u.detail} — ${u.expression}`);
		if (!values.all && list.length > 3) details.push(`${indent}… ${list.length - 3} more (--all lists them)`);
	};
	const details: string[] = [];
	for (const id of ids) {
		const c = kernelCoverage(readSnapshot(dataDir, id).events);
		const decoded = DECODER_KINDS.reduce((n, k) => n + c.decoded[k], 0);
		rows.push(`| ${id} | ${c.events} | ${c.fields} | ${decoded} (${DECODER_KINDS.map((k) => c.decoded[k]).join(' / ')}) | ${c.affixes} | ${c.raw.plain} / ${c.raw['not-printed']} / ${c.raw.unread} | ${c.unread.length} |`);
		details.push('', `${id}: expressions not read, by category`);
		for (const [category, count] of Object.entries(c.byCategory).sort((a, b) => b[1] - a[1]) as [UnreadCategory, number][]) {
			details.push(`  ${category} (${count}): ${UNREAD_CATEGORIES[category]}`);
			const list = c.unread.filter((u) => u.category === category);
			if (category !== 'conditional-text') {
				examples(list, '    ');
				continue;
			}
			for (const kind of Object.keys(CONDITIONAL_TEXT_KINDS) as ConditionalTextKind[]) {
				const ofKind = list.filter((u) => u.textKind === kind);
				if (ofKind.length === 0) continue;
				details.push(`    ${kind} (${ofKind.length}): ${CONDITIONAL_TEXT_KINDS[kind]}`);
				examples(ofKind, '      ');
			}
		}
	}
	console.log([...rows, ...details].join('\n'));
});
