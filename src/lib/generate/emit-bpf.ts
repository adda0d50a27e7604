/** `<prog>.bpf.c`: the kernel side. One handler per tracepoint that fills a record and sends it on. */
import { describeKernel } from './kernel.ts';
import { cIdentifierFromData, memberPathFromData, tracefsNameFromData } from './guard.ts';
import { cCommentText, cString } from './names.ts';
import type { Field } from '../../schemas/snapshot.ts';
import { scalarType, type CtxPlan, type EventPlan, type FieldPlan, type ProgramPlan } from './plan.ts';

/** Lines of C, indented with tabs. */
type Lines = string[];

const indent = (lines: Lines, depth = 1): Lines => lines.map((l) => (l === '' ? l : `${'\t'.repeat(depth)}${l}`));

/** The address of a field in ctx: its member's address, or ctx plus the byte offset. */
const addressOf = (path: string | null, field: Field) => (path === null ? `(void *)ctx + ${field.offset}` : `&ctx->${memberPathFromData(path)}`);

/** A field's value in ctx: its member, or a load of `type` at its offset (a valid ctx access when aligned). */
const valueOf = (path: string | null, field: Field, type = scalarType(field.size, field.signed && !field.type.includes('*'))) =>
	path === null ? `*(${type} *)((void *)ctx + ${field.offset})` : `ctx->${memberPathFromData(path)}`;

/** A pointer held in a field (a portable struct holds it as an integer). */
const pointerIn = (path: string | null, field: Field) => `(const void *)(unsigned long)${valueOf(path, field, '__u64')}`;

function readField(f: FieldPlan): Lines {
	const dst = `r->${f.name}`;
	switch (f.read) {
		case 'value':
			if (f.show === 'address') return [`${dst} = (unsigned long)${valueOf(f.path, f.field)};`];
			return [`${dst} = ${f.cast ? `(${f.cast})` : ''}${valueOf(f.path, f.field)};`];
		case 'copy':
			return [`bpf_probe_read_kernel(&${dst}, sizeof(${dst}), ${addressOf(f.path, f.field)});`];
		case 'ctx-array':
			return ctxCopies(dst, `ctx->${memberPathFromData(f.path as string)}`, f.dims[0] as number);
		case 'loc-string':
		case 'loc-bytes': {
			// The locator holds (length << 16 | offset); __rel_loc offsets count from the end of the locator.
			const locator = valueOf(f.path, f.field, '__u32');
			const start = f.field.dynamic === 'rel_loc' ? `${addressOf(f.path, f.field)} + 4` : '(void *)ctx';
			const from = `${start} + (${locator} & 0xffff)`;
			if (f.read === 'loc-string') return [`bpf_probe_read_kernel_str(${dst}, sizeof(${dst}), ${from});`];
			return [
				`r->${f.lengthName} = ${locator} >> 16;`,
				`bpf_probe_read_kernel(${dst}, bounded(r->${f.lengthName}, sizeof(${dst})), ${from});`,
			];
		}
		case 'user-string':
			return [
				'{',
				`\tlong n = bpf_probe_read_user_str(${dst}, sizeof(${dst}), ${pointerIn(f.path, f.field)});`,
				'',
				'\t/* Negative when the pointer cannot be read (bad, or its page not in memory yet): recorded as 0. */',
				`\tr->${f.lengthName} = n > 0 ? n : 0;`,
				'}',
			];
		case 'kernel-string':
			return [`bpf_probe_read_kernel_str(${dst}, sizeof(${dst}), ${pointerIn(f.path, f.field)});`];
		case 'sockaddr': {
			const length = f.length as NonNullable<FieldPlan['length']>;
			return [
				'{',
				`\t__u64 len = bounded(${valueOf(length.path, length.field, '__u64')}, sizeof(${dst}));`,
				'',
				`\tif (bpf_probe_read_user(${dst}, len, ${pointerIn(f.path, f.field)}))`,
				'\t\tlen = 0;',
				`\tr->${f.lengthName} = len;`,
				'}',
			];
		}
		case 'user-buffer': {
			const length = f.length as NonNullable<FieldPlan['length']>;
			return [
				'{',
				`\t/* At most ${f.field.name}'s own length: bytes past it were never passed, and NULs are data. */`,
				`\t__u64 total = ${valueOf(length.path, length.field, '__u64')};`,
				`\t__u64 len = bounded(total, sizeof(${dst}));`,
				'',
				`\tif (bpf_probe_read_user(${dst}, len, ${pointerIn(f.path, f.field)}))`,
				'\t\tlen = 0;',
				`\tr->${f.lengthName} = len;`,
				`\tr->${f.totalName} = total;`,
				'}',
			];
		}
		case 'out-buffer':
		case 'out-sockaddr':
		case 'out-int':
		case 'out-struct': {
			// Saved for the sys_exit handler, which reads what the kernel wrote there (readOutput).
			const saved = [`r->${f.pointerName} = (unsigned long)${valueOf(f.path, f.field, '__u64')};`];
			if (f.lengthPointer) saved.push(`r->${f.lengthPointerName} = (unsigned long)${valueOf(f.lengthPointer.path, f.lengthPointer.field, '__u64')};`);
			return saved;
		}
		case 'argv': {
			const [entries] = f.dims as [number, number];
			return [
				'{',
				'\t/* A NULL-terminated array of pointers into user memory: read its first entries. */',
				`\tconst char *const *argv = ${pointerIn(f.path, f.field)};`,
				'\tint more = 1;',
				'',
				`\tfor (int i = 0; i < ${entries}; i++) {`,
				'\t\tconst char *arg = NULL;',
				'',
				`\t\t${dst}[i][0] = '\\0';`,
				'\t\tif (more && !bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) && arg)',
				`\t\t\tbpf_probe_read_user_str(${dst}[i], sizeof(${dst}[i]), arg);`,
				'\t\telse',
				'\t\t\tmore = 0;',
				'\t}',
				'}',
			];
		}
	}
}

/** Powers of two, largest first, that add up to `count`: the CTX_COPY_<n> calls that copy that many elements. */
const copyChunks = (count: number) => [...count.toString(2)].flatMap((bit, i, bits) => (bit === '1' ? [2 ** (bits.length - 1 - i)] : []));

/** `CTX_COPY_16(r->comm, ctx->comm, 0);`, and more calls for a count that is not a power of two. */
function ctxCopies(dst: string, src: string, count: number): Lines {
	let start = 0;
	return copyChunks(count).map((n) => {
		const call = `CTX_COPY_${n}(${dst}, ${src}, ${start});`;
		start += n;
		return call;
	});
}

/** The CTX_COPY_<n> macros up to the largest chunk the program uses. */
function ctxCopyMacros(plan: ProgramPlan): Lines {
	const counts = plan.events.flatMap((p) => p.fields.filter((f) => f.read === 'ctx-array').map((f) => f.dims[0] as number));
	if (counts.length === 0) return [];
	const largest = Math.max(...counts.flatMap(copyChunks));
	const out: Lines = [
		'/*',
		' * Copy elements [i, i + n) of an array inside the record: one load per element at ctx + a constant offset.',
		' * The record is ctx memory, read directly (no bpf_probe_read_kernel), but the verifier accepts a ctx read only',
		' * as a load at ctx + a constant: a loop or memcpy that moves a pointer into ctx is refused ("dereference of',
		' * modified ctx ptr"). With vmlinux.h, CO-RE relocates each element\'s offset to the running kernel\'s;',
		' * `src` stays unparenthesized, as clang relocates `ctx->member[i]` but not `(ctx->member)[i]`.',
		' */',
		'#define CTX_COPY_1(dst, src, i) ((dst)[i] = src[i])',
	];
	for (let n = 2; n <= largest; n *= 2) out.push(`#define CTX_COPY_${n}(dst, src, i) (CTX_COPY_${n / 2}(dst, src, i), CTX_COPY_${n / 2}(dst, src, (i) + ${n / 2}))`);
	return [...out, ''];
}

/** Part of a bpf_printk format with its arguments. */
interface Piece {
	text: string;
	args: string[];
	strings: number;
}

/** How bpf_printk shows a field (it knows only integers and strings: arrays show their first elements, structs their members). */
function printkPieces(f: FieldPlan): Piece[] {
	if (!f.layout) return [printkPiece(f, f.show, `r->${f.name}`, f.field.name)];
	return f.layout.members.flatMap((m) => (m.show ? [printkPiece(f, m.show, `r->${f.name}.${m.name}`, `${f.field.name}.${m.name}`)] : []));
}

function printkPiece(f: FieldPlan, show: FieldPlan['show'], v: string, n: string): Piece {
	switch (show) {
		case 'signed':
		case 'errno':
			return { text: `${n}=%lld`, args: [`(long long)${v}`], strings: 0 };
		case 'unsigned':
		case 'bool':
			return { text: `${n}=%llu`, args: [`(unsigned long long)${v}`], strings: 0 };
		case 'hex':
		case 'octal':
		case 'address':
			return { text: `${n}=0x%llx`, args: [`(unsigned long long)${v}`], strings: 0 };
		case 'dev':
			return { text: `${n}=%u:%u`, args: [`${v} >> 20`, `${v} & 0xfffff`], strings: 0 };
		case 'string':
		case 'chars':
			if (f.read === 'user-string') return { text: `${n}=%s`, args: [`r->${f.lengthName} ? ${v} : "(unreadable)"`], strings: 1 };
			return { text: `${n}=%s`, args: [v], strings: 1 };
		case 'argv':
			return { text: `${n}[0]=%s`, args: [`${v}[0]`], strings: 1 };
		case 'sockaddr':
			// sa_family in host order, then the port in network order (at the same place for IPv4 and IPv6).
			return { text: `${n}.family=%u port=%u`, args: [`${v}[0] | ${v}[1] << 8`, `${v}[2] << 8 | ${v}[3]`], strings: 0 };
		default: {
			const elementSize = f.read === 'loc-bytes' ? f.elementSize : 1;
			const count = (f.dims[0] as number) / elementSize;
			const shown = Math.min(3, count);
			const elements = elementSize > 1 ? `((__u${elementSize * 8} *)${v})` : v;
			const [spec, cast] = f.elementSigned ? ['%lld', '(long long)'] : ['%llu', '(unsigned long long)'];
			const text = `${n}=[${Array(shown).fill(spec).join(' ')}${count > shown ? ' ...' : ''}]`;
			return { text, args: Array.from({ length: shown }, (_, i) => `${cast}${elements}[${i}]`), strings: 0 };
		}
	}
}

/** bpf_printk takes at most three values, and kernels before 5.13 at most one %s: split a record into such lines. */
function printkLines(p: EventPlan): Lines {
	const pieces = p.fields.flatMap(printkPieces);
	if (p.exit) pieces.push({ text: 'ret=%lld', args: [`(long long)r->${p.exit.retName}`], strings: 0 });
	const calls: Lines = [];
	let text: string[] = [];
	let args: string[] = [];
	let strings = 0;
	const flush = () => {
		if (text.length === 0) return;
		calls.push(`bpf_printk(${cString(`${p.event.name}: ${text.join(' ')}`)}${args.map((a) => `, ${a}`).join('')});`);
		text = [];
		args = [];
		strings = 0;
	};
	for (const piece of pieces) {
		if (args.length + piece.args.length > 3 || strings + piece.strings > 1) flush();
		text.push(piece.text);
		args.push(...piece.args);
		strings += piece.strings;
	}
	flush();
	if (calls.length === 0) calls.push(`bpf_printk(${cString(`${p.event.name}`)});`);
	// Fixed char arrays need not end in NUL; %s must stop inside them.
	const terminate = p.fields.filter((f) => f.show === 'chars').map((f) => `r->${f.name}[sizeof(r->${f.name}) - 1] = '\\0';`);
	return [...terminate, ...calls];
}

function sendRecord(plan: ProgramPlan, p: EventPlan): Lines {
	switch (plan.transport) {
		case 'ringbuf':
			return ['bpf_ringbuf_output(&events, r, sizeof(*r), 0);'];
		case 'perfbuf':
			return ['bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, r, sizeof(*r));'];
		case 'printk':
			return printkLines(p);
	}
}

/** The SEC() name, `tracepoint/<category>/<name>`: libbpf splits it at `/`, so both parts must be plain tracefs names. */
function sectionOf(p: { section: string; event: { category: string; name: string } }): string {
	tracefsNameFromData(p.event.category);
	tracefsNameFromData(p.event.name);
	return p.section;
}

const ctxType = (ctx: CtxPlan) => `struct ${cIdentifierFromData(ctx.struct, 'struct name')}`;

function portableStruct(p: { event: EventPlan['event'] }, ctx: Extract<CtxPlan, { kind: 'portable' }>): Lines {
	const e = p.event;
	const why = ctx.fallback ? [` * Declared here because ${cCommentText(ctx.fallback)}.`] : [];
	return [
		'/*',
		` * The record of ${e.category}:${e.name} as its format file lays it out, so no vmlinux.h is needed.`,
		` * Kernels with exactly this layout: ${ctx.sameLayoutOn.join(', ')}.`,
		...why,
		' * A tracepoint program may not read the common_* header (the first 8 bytes); it is here for the offsets.',
		' */',
		`struct ${ctx.struct} {`,
		...ctx.members.map((m) => `\t${m.declaration};${m.source ? `\t/* ${cCommentText(m.source)} */` : ''}`),
		'};',
		...ctx.members
			.filter((m) => m.name !== null)
			.map((m) => `_Static_assert(__builtin_offsetof(struct ${ctx.struct}, ${m.name}) == ${m.offset}, ${cString(`${m.name} must sit at offset ${m.offset}`)});`),
	];
}

function enterHandler(plan: ProgramPlan, p: EventPlan): Lines {
	const e = p.event;
	const body: Lines = [
		'__u32 zero = 0;',
		`struct ${p.recordStruct} *r = bpf_map_lookup_elem(&${p.scratchMap}, &zero);`,
		'',
		`if (!r || !fill_header(&r->header, ${p.kind}))`,
		'\treturn 0;',
		...p.fields.flatMap(readField),
	];
	if (p.exit) {
		body.push(
			`/* Keep the arguments until ${p.exit.event.name} brings the return value. */`,
			'__u64 id = bpf_get_current_pid_tgid();',
			`bpf_map_update_elem(&${p.exit.pendingMap}, &id, r, BPF_ANY);`,
		);
	} else {
		body.push(...sendRecord(plan, p));
	}
	body.push('return 0;');
	return [
		`/* ${cCommentText(`${e.category}:${e.name}`)}: ${p.fields.length} of ${e.format.fields.length} fields recorded. */`,
		`SEC(${cString(sectionOf(p))})`,
		`int ${p.handler}(${ctxType(p.ctx)} *ctx)`,
		'{',
		...indent(body),
		'}',
	];
}

/** A user pointer kept in the record since sys_enter. */
const savedPointer = (name: string | null) => `(const void *)(unsigned long)r->${name}`;

/** In the sys_exit handler: what the kernel wrote through an output argument, read through the pointer saved at sys_enter. */
function readOutput(f: FieldPlan, retName: string): Lines {
	const dst = `r->${f.name}`;
	const ret = `r->${retName}`;
	switch (f.read) {
		case 'out-int':
			return [
				`/* ${f.field.name}: the int the kernel wrote back (0 when the pointer was NULL). */`,
				`if (bpf_probe_read_user(&${dst}, sizeof(${dst}), ${savedPointer(f.pointerName)}))`,
				`\t${dst} = 0;`,
			];
		case 'out-struct':
			return [
				`/* ${f.field.name}: the struct ${f.layout?.struct} the kernel filled, once the call succeeded (0); its first members only. */`,
				`if (${ret} == 0 && !bpf_probe_read_user(&${dst}, sizeof(${dst}), ${savedPointer(f.pointerName)}))`,
				`\tr->${f.lengthName} = sizeof(${dst});`,
				'else',
				`\tr->${f.lengthName} = 0;`,
			];
		case 'out-buffer':
		case 'out-sockaddr': {
			const filled = f.lengthPointerName
				? [
						// Unsigned: with an int, clang bounds a sign-extended copy and passes the other to the helper.
						'\t__u32 filled = 0;',
						'',
						`\tif (${ret} >= 0 && !bpf_probe_read_user(&filled, sizeof(filled), ${savedPointer(f.lengthPointerName)}))`,
						`\t\tlen = bounded(filled, sizeof(${dst}));`,
					]
				: ['', `\tif (${ret} > 0)`, `\t\tlen = bounded(${ret}, sizeof(${dst}));`];
			const total = f.totalName ? [`\tr->${f.totalName} = ${f.lengthPointerName ? 'filled' : `${ret} > 0 ? ${ret} : 0`};`] : [];
			return [
				'{',
				`\t/* ${f.field.name}: filled by the kernel during the call, ${f.lengthPointerName ? 'as many bytes as the length it wrote back' : 'as many bytes as the call returns'}. */`,
				'\t__u64 len = 0;',
				...filled,
				`\tif (bpf_probe_read_user(${dst}, len, ${savedPointer(f.pointerName)}))`,
				'\t\tlen = 0;',
				`\tr->${f.lengthName} = len;`,
				...total,
				'}',
			];
		}
		default:
			return [];
	}
}

function exitHandler(plan: ProgramPlan, p: EventPlan): Lines {
	const x = p.exit;
	if (!x) return [];
	const ret = valueOf(x.retPath, x.retField);
	const outputs = p.fields.filter((f) => f.when === 'exit').flatMap((f) => readOutput(f, x.retName));
	return [
		`/* ${x.event.category}:${x.event.name}: completes the record kept by ${p.handler}. */`,
		`SEC(${cString(sectionOf(x))})`,
		`int ${x.handler}(${ctxType(x.ctx)} *ctx)`,
		'{',
		...indent([
			'__u64 id = bpf_get_current_pid_tgid();',
			`struct ${p.recordStruct} *r = bpf_map_lookup_elem(&${x.pendingMap}, &id);`,
			'',
			'if (!r)',
			'\treturn 0;',
			`r->${x.retName} = ${ret};`,
			...outputs,
			...sendRecord(plan, p),
			`bpf_map_delete_elem(&${x.pendingMap}, &id);`,
			'return 0;',
		]),
		'}',
	];
}

function maps(plan: ProgramPlan): Lines {
	const out: Lines = [];
	if (plan.transport === 'ringbuf') {
		out.push('/* Records travel to the loader through this ring buffer. */', 'struct {', '\t__uint(type, BPF_MAP_TYPE_RINGBUF);', '\t__uint(max_entries, 256 * 1024);', '} events SEC(".maps");', '');
	} else if (plan.transport === 'perfbuf') {
		out.push(
			'/* Records travel to the loader through per-CPU perf buffers (BPF ring buffers need Linux 5.8). */',
			'struct {',
			'\t__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);',
			'\t__uint(key_size, sizeof(__u32));',
			'\t__uint(value_size, sizeof(__u32));',
			'} events SEC(".maps");',
			'',
		);
	}
	for (const p of plan.events) {
		out.push(
			'/* A record may be larger than the 512-byte BPF stack, so it is assembled in this per-CPU slot. */',
			'struct {',
			'\t__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);',
			'\t__uint(max_entries, 1);',
			'\t__type(key, __u32);',
			`\t__type(value, struct ${p.recordStruct});`,
			`} ${p.scratchMap} SEC(".maps");`,
			'',
		);
		if (p.exit) {
			out.push(
				`/* Records of ${p.event.name} waiting for their return value, by pid_tgid (one call in progress per thread). */`,
				'struct {',
				'\t__uint(type, BPF_MAP_TYPE_HASH);',
				'\t__uint(max_entries, 10240);',
				'\t__type(key, __u64);',
				`\t__type(value, struct ${p.recordStruct});`,
				`} ${p.exit.pendingMap} SEC(".maps");`,
				'',
			);
		}
	}
	return out;
}

function fillHeader(plan: ProgramPlan): Lines {
	const { filterPid, filterComm } = plan.options;
	const out: Lines = [];
	if (filterPid || filterComm) {
		out.push('/* Filters the loader sets from its command line before loading; zero means "every task". */');
		if (filterPid) out.push('const volatile __u32 target_tgid = 0;\t/* -p PID */');
		if (filterComm) out.push('const volatile char target_comm[16] = {};\t/* -c COMM */');
		out.push('');
	}
	out.push(
		`/* Fills in the header of a record; returns 0 when the current task is filtered out. */`,
		'static __always_inline int fill_header(struct record_header *h, __u32 kind)',
		'{',
		'\t__u64 pid_tgid = bpf_get_current_pid_tgid();',
		'',
		'\th->kind = kind;',
		'\th->pid = pid_tgid >> 32;',
		'\th->tid = (__u32)pid_tgid;',
		'\tbpf_get_current_comm(h->comm, sizeof(h->comm));',
	);
	if (filterPid) out.push('\tif (target_tgid && h->pid != target_tgid)', '\t\treturn 0;');
	if (filterComm) {
		out.push(
			'\tif (target_comm[0]) {',
			'\t\tfor (int i = 0; i < sizeof(h->comm); i++) {',
			'\t\t\tif (h->comm[i] != target_comm[i])',
			'\t\t\t\treturn 0;',
			'\t\t\tif (!h->comm[i])',
			'\t\t\t\tbreak;',
			'\t\t}',
			'\t}',
		);
	}
	out.push('\treturn 1;', '}', '');
	return out;
}

const needsBounded = (plan: ProgramPlan) => plan.events.some((p) => p.fields.some((f) => ['sockaddr', 'loc-bytes', 'user-buffer', 'out-buffer', 'out-sockaddr'].includes(f.read)));

export function emitBpf(plan: ProgramPlan): string {
	const events = plan.events.flatMap((p) => [`${p.event.category}:${p.event.name}${p.exit ? ` (paired with ${p.exit.event.name})` : ''}`]);
	const out: Lines = [
		'// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause',
		'/*',
		` * ${plan.name}.bpf.c: the kernel side of ${plan.name}. It records`,
		...events.map((e) => ` *   ${cCommentText(e)}`),
		` * Generated by Tracepoint Atlas from the format files of kernel ${cCommentText(describeKernel(plan.kernel))}.`,
		' */',
		plan.usesVmlinux ? '#include "vmlinux.h"' : '#include <linux/bpf.h>',
		'#include <bpf/bpf_helpers.h>',
		`#include "${plan.name}.h"`,
		'',
		'char LICENSE[] SEC("license") = "Dual BSD/GPL";',
		'',
		...fillHeader(plan),
	];
	if (needsBounded(plan)) {
		out.push(
			'/*',
			' * A length the verifier can prove is at most `max`, for helpers that copy a variable number of bytes.',
			' * 64 bits wide, so the compiler tests and passes on the same register (a 32-bit copy would lose the bound).',
			' */',
			'static __always_inline __u64 bounded(__u64 len, __u64 max)',
			'{',
			'\tif (len > max)',
			'\t\tlen = max;',
			'\treturn len;',
			'}',
			'',
		);
	}
	out.push(...ctxCopyMacros(plan), ...maps(plan));
	for (const p of plan.events) {
		for (const [ctx, owner] of [[p.ctx, p], [p.exit?.ctx, p.exit]] as const) {
			if (ctx?.kind === 'portable' && owner) out.push(...portableStruct(owner, ctx), '');
		}
		out.push(...enterHandler(plan, p), '');
		if (p.exit) out.push(...exitHandler(plan, p), '');
	}
	return out.join('\n');
}
