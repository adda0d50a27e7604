/** `<prog>.h`: the records the BPF side sends and the loader prints, shared by both. */
import type { Condition } from '../printfmt/condition.ts';
import type { Affix } from '../printfmt/decode.ts';
import type { DecodeTable } from './decode-tables.ts';
import { cIdentifierFromData } from './guard.ts';
import { cCommentText, cString } from './names.ts';
import type { EventPlan, FieldPlan, ProgramPlan } from './plan.ts';

/** `__s32 fd`, `char filename[256]`, `char argv[4][128]`; an 'out-struct' as its ABI members (`struct { __u64 st_dev; … } statbuf`). */
export function recordDeclaration(f: FieldPlan): string {
	if (f.layout) return `struct {\n${f.layout.members.map((m) => `\t\t${m.type} ${m.name};\n`).join('')}\t} ${f.name}`;
	return `${f.type} ${f.name}${f.dims.map((d) => `[${d}]`).join('')}`;
}

const READ_NOTES: Partial<Record<FieldPlan['read'], string>> = {
	'user-string': 'the string it points to (user memory)',
	'kernel-string': 'the string it points to',
	'loc-string': 'the string stored in the record',
	'loc-bytes': 'the first bytes of the array stored in the record',
	sockaddr: 'the address it points to',
	argv: 'the first arguments it points to',
	'user-buffer': 'the bytes it points to, at most its length argument',
	'out-buffer': 'the bytes the kernel wrote there, read at exit',
	'out-sockaddr': 'the address the kernel wrote there, read at exit',
	'out-int': 'the int the kernel wrote there, read at exit',
	'out-struct': 'members the kernel filled, read at exit',
};

/** What a field's length member counts. */
function lengthNote(f: FieldPlan): string {
	switch (f.read) {
		case 'loc-bytes':
			return `length of ${f.name} in the record; ${f.name} keeps at most sizeof(${f.name}) bytes`;
		case 'user-string':
			return `bytes of ${f.name} read with its NUL; 0 when the pointer could not be read`;
		case 'out-struct':
			return `sizeof(${f.name}) once read; 0 when the call failed or the pointer could not be read`;
		default:
			return `bytes of ${f.name} read, at most sizeof(${f.name})`;
	}
}

function recordMembers(p: EventPlan): string[] {
	const lines = ['\tstruct record_header header;'];
	for (const f of p.fields) {
		const note = READ_NOTES[f.read];
		const layout = f.layout ? ` (${cCommentText(f.layout.source)})` : '';
		lines.push(`\t${recordDeclaration(f)};\t/* ${cCommentText(f.field.declaration)}${note ? `: ${note}` : ''}${layout} */`);
		if (f.lengthName) {
			lines.push(`\t__u32 ${f.lengthName};\t/* ${lengthNote(f)} */`);
		}
		if (f.totalName) lines.push(`\t__u64 ${f.totalName};\t/* bytes ${f.read === 'user-buffer' ? 'passed' : 'filled'} in all; ${f.name} keeps the first ${f.lengthName} */`);
		if (f.pointerName) lines.push(`\t__u64 ${f.pointerName};\t/* the pointer ${f.field.name}, saved at entry for the exit handler */`);
		if (f.lengthPointerName) lines.push(`\t__u64 ${f.lengthPointerName};\t/* the pointer ${f.lengthPointer?.field.name}, saved at entry for the exit handler */`);
	}
	if (p.exit) lines.push(`\t__s64 ${p.exit.retName};\t/* the return value, from ${p.exit.event.name} */`);
	return lines;
}

/** A value as a C constant of the loader's `unsigned long long`. */
export const cUnsigned = (value: bigint) => `0x${value.toString(16)}ULL`;

/** The tables the loader prints values by; names and delimiters come from data, so they pass through cString. */
function decodeTables(plan: ProgramPlan): string[] {
	if (plan.tables.length === 0) return [];
	const out = [
		'',
		`/* Value names from kernel ${cCommentText(plan.kernel.id)}'s print fmt (__print_flags, __print_symbolic), for ${plan.name}.c: it includes tp_helpers.h first. */`,
		'#ifdef TP_HELPERS_H',
	];
	for (const t of plan.tables) out.push(...decodeTable(t));
	out.push('#endif /* TP_HELPERS_H */');
	return out;
}

/** A condition of the print fmt on the value `v`, as C: only constants it folded and whitelisted operators. */
function conditionC(c: Condition): string {
	switch (c.k) {
		case 'value':
			return 'v';
		case 'const':
			return cUnsigned(c.value);
		case 'not':
			return `!${conditionC(c.operand)}`;
		case 'complement':
			return `~${conditionC(c.operand)}`;
		case 'binary':
			return `(${conditionC(c.left)} ${c.op} ${conditionC(c.right)})`;
	}
}

/** The function giving the text the print fmt puts before or after the names, chosen by the value as the kernel chooses it. */
function affixFunction(fn: string, field: string, where: 'before' | 'after', affixes: Affix[]): string[] {
	const texts = affixes.map((a) => `${conditionC(a.test)} ? ${cString(a.then)} : ${cString(a.else)}`);
	const longest = affixes.reduce((n, a) => n + Math.max(new TextEncoder().encode(a.then).length, new TextEncoder().encode(a.else).length), 1);
	const body =
		texts.length === 1
			? [`\treturn ${texts[0]};`]
			: [`\tstatic char text[${longest}];`, '', `\tsnprintf(text, sizeof(text), "${'%s'.repeat(texts.length)}", ${texts.join(', ')});`, '\treturn text;'];
	return [
		`/* ${cCommentText(field)}: the text its print fmt prints ${where} the names. */`,
		`static inline const char *${cIdentifierFromData(fn, 'affix function name')}(unsigned long long v)`,
		'{',
		...body,
		'}',
	];
}

function decodeTable(t: DecodeTable): string[] {
	const d = t.decoder;
	const name = cIdentifierFromData(t.name, 'table name');
	const what = d.kind === 'flags' ? `flags${d.delimiter ? ` joined by ${cCommentText(JSON.stringify(d.delimiter))}` : ''}` : 'values';
	return [
		`/* ${cCommentText(d.field)}: ${what}. */`,
		`static const struct tp_name ${name}[] = {`,
		// Flags read best in hex, enumerations in decimal, as the kernel's own tables write them.
		...d.entries.map((e) => `\t{ ${d.kind === 'flags' ? cUnsigned(e.value) : `${e.value}ULL`}, ${cString(e.name)} },`),
		'};',
		...(t.before && d.before ? affixFunction(t.before, d.field, 'before', d.before) : []),
		...(t.after && d.after ? affixFunction(t.after, d.field, 'after', d.after) : []),
	];
}

export function emitHeader(plan: ProgramPlan): string {
	const guard = `${plan.name.toUpperCase()}_H`;
	const out = [
		'/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */',
		'/*',
		` * ${plan.name}.h: the records ${plan.name}.bpf.c sends and ${plan.name}.c prints.`,
		' * Include it after vmlinux.h or <linux/bpf.h> (BPF side) or <linux/types.h> (user side): they define __u32 and the rest.',
		' */',
		`#ifndef ${guard}`,
		`#define ${guard}`,
		'',
		'/* Which event a record comes from. */',
		'enum record_kind {',
		...plan.events.map((p, i) => `\t${p.kind} = ${i + 1},`),
		'};',
		'',
		'/* The start of every record: which event, and the task it happened in. */',
		'struct record_header {',
		'\t__u32 kind;\t/* enum record_kind */',
		'\t__u32 pid;\t/* process id (the kernel calls it tgid) */',
		'\t__u32 tid;\t/* thread id (the kernel calls it pid) */',
		'\tchar comm[16];\t/* command name, TASK_COMM_LEN bytes */',
		'};',
	];
	for (const p of plan.events) {
		const paired = p.exit ? `, with the return value of ${p.exit.event.category}:${p.exit.event.name}` : '';
		out.push('', `/* ${p.event.category}:${p.event.name}${paired}. */`, `struct ${p.recordStruct} {`, ...recordMembers(p), '};');
	}
	out.push(...decodeTables(plan), '', `#endif /* ${guard} */`, '');
	return out.join('\n');
}
