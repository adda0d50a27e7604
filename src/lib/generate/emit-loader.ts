/** `<prog>.c`: the libbpf loader. Checks the machine, opens, configures, loads and attaches, then prints records. */
import { describeKernel } from './kernel.ts';
import { cCommentText, cString } from './names.ts';
import type { DecodeTable } from './decode-tables.ts';
import { cUnsigned } from './emit-header.ts';
import { cIdentifierFromData, moduleNameFromData, tracefsNameFromData } from './guard.ts';
import type { EventPlan, FieldPlan, ProgramPlan } from './plan.ts';
import type { CapturedOn } from './plan.ts';

type Lines = string[];

/** A field printed by the names in a table of the header, as the kernel's print fmt prints it. */
function printDecoded(f: FieldPlan, table: DecodeTable): string {
	const name = cString(f.field.name);
	const v = `(unsigned long long)r->${f.name}`;
	const t = cIdentifierFromData(table.name, 'table name');
	const count = `sizeof(${t}) / sizeof(${t}[0])`;
	const d = table.decoder;
	// A signed record member converts with its sign, as the kernel's unsigned long table holds a negative value.
	const affix = (fn: string | null) => (fn === null ? 'NULL' : cIdentifierFromData(fn, 'affix function name'));
	const affixes = `${affix(table.before)}, ${affix(table.after)}`;
	if (d.kind === 'symbolic') return `tp_print_symbolic(${name}, ${v}, ${f.type.startsWith('__s') ? 1 : 0}, ${t}, ${count}, ${affixes});`;
	return `tp_print_flags(${name}, ${v}, ${t}, ${count}, ${cString(d.delimiter)}, ${d.mask === null ? '~0ULL' : cUnsigned(d.mask)}, ${d.zeroName === null ? 'NULL' : cString(d.zeroName)}, ${affixes});`;
}

/** A struct the kernel filled: its shown members as `statbuf.st_size=…`, or `(unfilled)` when the call failed. */
function printStruct(f: FieldPlan, layout: NonNullable<FieldPlan['layout']>): Lines {
	const members = layout.members.flatMap((m) => (m.show ? [`\t${printValue(m.show, cString(`${f.field.name}.${m.name}`), `r->${f.name}.${m.name}`)}`] : []));
	return [`if (r->${f.lengthName}) {`, ...members, '} else {', `\tprintf(" %s=(unfilled)", ${cString(f.field.name)});`, '}'];
}

type ScalarShow = Extract<FieldPlan['show'], 'signed' | 'unsigned' | 'hex' | 'address' | 'octal' | 'bool' | 'dev' | 'errno'>;

/** A scalar by how it is shown. */
function printValue(show: ScalarShow, name: string, v: string): string {
	switch (show) {
		case 'signed':
			return `tp_print_signed(${name}, ${v});`;
		case 'unsigned':
			return `tp_print_unsigned(${name}, ${v});`;
		case 'hex':
		case 'address':
			return `tp_print_hex(${name}, ${v});`;
		case 'octal':
			return `tp_print_octal(${name}, ${v});`;
		case 'bool':
			return `tp_print_bool(${name}, ${v});`;
		case 'dev':
			return `tp_print_dev(${name}, ${v});`;
		case 'errno':
			return `tp_print_errno(${name}, ${v});`;
	}
}

function printField(f: FieldPlan, table: DecodeTable | undefined): string | Lines {
	if (table) return printDecoded(f, table);
	const name = cString(f.field.name);
	const v = `r->${f.name}`;
	const captured = f.lengthName ? `tp_min(r->${f.lengthName}, sizeof(${v}))` : `sizeof(${v})`;
	switch (f.show) {
		case 'signed':
		case 'unsigned':
		case 'hex':
		case 'address':
		case 'octal':
		case 'bool':
		case 'dev':
		case 'errno':
			return printValue(f.show, name, v);
		case 'struct':
			return printStruct(f, f.layout as NonNullable<FieldPlan['layout']>);
		case 'string':
		case 'chars':
			if (f.read === 'user-string') return `tp_print_user_string(${name}, ${v}, sizeof(${v}), r->${f.lengthName});`;
			return `tp_print_string(${name}, ${v}, sizeof(${v}));`;
		case 'argv':
			return `tp_print_argv(${name}, &${v}[0][0], ${f.dims[0]}, sizeof(${v}[0]));`;
		case 'ipv4':
			return `tp_print_ipv4(${name}, ${v});`;
		case 'ipv6':
			return `tp_print_ipv6(${name}, ${v});`;
		case 'mac':
			return `tp_print_mac(${name}, ${v});`;
		case 'sockaddr':
			return `tp_print_sockaddr(${name}, ${v}, ${captured});`;
		case 'bytes':
			return `tp_print_bytes(${name}, ${v}, ${captured});`;
		case 'buffer':
			return `tp_print_buffer(${name}, ${v}, ${captured}, r->${f.totalName});`;
		case 'array': {
			const count = f.read === 'loc-bytes' ? `${captured} / ${f.elementSize}` : `sizeof(${v}) / sizeof(${v}[0])`;
			return `tp_print_array(${name}, ${v}, ${count}, ${f.elementSize}, ${f.elementSigned ? 1 : 0});`;
		}
	}
}

function printFunction(p: EventPlan, tables: Map<string, DecodeTable>): Lines {
	return [
		`static void print_${p.ident}(const struct ${p.recordStruct} *r)`,
		'{',
		`\ttp_print_header(r->header.pid, r->header.comm, ${cString(p.event.name)});`,
		...p.fields.flatMap((f) => [printField(f, tables.get(p.decoded[f.name] ?? ''))].flat().map((line) => `\t${line}`)),
		...(p.exit ? [`\ttp_print_errno("ret", r->${p.exit.retName});`] : []),
		'\tputchar(\'\\n\');',
		'}',
		'',
	];
}

function recordHandler(plan: ProgramPlan): Lines {
	const cases = plan.events.flatMap((p) => [
		`\tcase ${p.kind}:`,
		`\t\tif (size >= sizeof(struct ${p.recordStruct}))`,
		`\t\t\tprint_${p.ident}(data);`,
		'\t\tbreak;',
	]);
	const out: Lines = [
		'/* Called for every record: prints it by its kind. */',
		'static int handle_record(void *ctx, void *data, size_t size)',
		'{',
		'\tconst struct record_header *h = data;',
		'',
		'\tif (size < sizeof(*h))',
		'\t\treturn 0;',
		'\tswitch (h->kind) {',
		...cases,
		'\t}',
		'\treturn 0;',
		'}',
		'',
	];
	if (plan.transport === 'perfbuf') {
		out.push(
			'static void handle_perf_record(void *ctx, int cpu, void *data, __u32 size)',
			'{',
			'\thandle_record(ctx, data, size);',
			'}',
			'',
			'static void handle_lost_records(void *ctx, int cpu, __u64 count)',
			'{',
			'\tfprintf(stderr, "lost %llu records on CPU %d\\n", (unsigned long long)count, cpu);',
			'}',
			'',
		);
	}
	return out;
}

/** The tracepoints the program attaches to, with the captured kernels that have each (for the "missing event" message). */
function tracepointTable(plan: ProgramPlan, capturedOn: CapturedOn | undefined): Lines {
	const rows = plan.events.flatMap((p) => [p.event, ...(p.exit ? [p.exit.event] : [])]).map((e) => {
		const kernels = [...new Set([plan.kernel.id, ...(capturedOn?.(e.category, e.name) ?? []).map((k) => k.kernel)])].sort();
		// tp_helpers.h prints these into a path and a `sudo modprobe <module>` hint.
		const module = e.origin.kind === 'module' ? cString(moduleNameFromData(e.origin.module)) : 'NULL';
		return `\t{ ${cString(tracefsNameFromData(e.category))}, ${cString(tracefsNameFromData(e.name))}, ${cString(kernels.join(', '))}, ${module} },`;
	});
	return ['/* The tracepoints this program attaches to; checked before loading. */', 'static const struct tp_event tracepoints[] = {', ...rows, '};', ''];
}

function usage(plan: ProgramPlan): string[] {
	const { filterPid, filterComm } = plan.options;
	const flags = [filterPid ? ' [-p PID]' : '', filterComm ? ' [-c COMM]' : ''].join('');
	const what = plan.events.map((p) => `${p.event.category}:${p.event.name}`).join(', ');
	return [
		`Usage: ${plan.name}${flags} [-v]`,
		plan.transport === 'printk' ? `Attaches to ${what} and copies its bpf_printk lines from trace_pipe.` : `Prints one line per ${what} event.`,
		'',
		...(filterPid ? ['  -p PID   only events of process PID'] : []),
		...(filterComm ? ['  -c COMM  only events of tasks whose command name is COMM'] : []),
		'  -v       show libbpf\'s debug output (the verifier log when loading fails)',
	];
}

function parseArgs(plan: ProgramPlan): Lines {
	const { filterPid, filterComm } = plan.options;
	const optstring = `${filterPid ? 'p:' : ''}${filterComm ? 'c:' : ''}vh`;
	return [
		'static int parse_args(int argc, char **argv)',
		'{',
		'\tint opt;',
		'',
		`\twhile ((opt = getopt(argc, argv, ${cString(optstring)})) != -1) {`,
		'\t\tswitch (opt) {',
		...(filterPid
			? [
					"\t\tcase 'p': {",
					'\t\t\tchar *end;',
					'\t\t\tlong pid = strtol(optarg, &end, 10);',
					'',
					'\t\t\tif (*optarg == \'\\0\' || *end != \'\\0\' || pid <= 0 || pid > 0x7fffffff) {',
					'\t\t\t\tfprintf(stderr, "-p needs a process id, not \\"%s\\"\\n", optarg);',
					'\t\t\t\treturn -1;',
					'\t\t\t}',
					'\t\t\tenv.pid = pid;',
					'\t\t\tbreak;',
					'\t\t}',
				]
			: []),
		...(filterComm
			? [
					"\t\tcase 'c':",
					'\t\t\tif (strlen(optarg) >= 16) {',
					'\t\t\t\tfprintf(stderr, "-c: a command name has at most 15 characters; \\"%s\\" is longer\\n", optarg);',
					'\t\t\t\treturn -1;',
					'\t\t\t}',
					'\t\t\tenv.comm = optarg;',
					'\t\t\tbreak;',
				]
			: []),
		"\t\tcase 'v':",
		'\t\t\tenv.verbose = 1;',
		'\t\t\tbreak;',
		"\t\tcase 'h':",
		'\t\t\tfputs(usage, stdout);',
		'\t\t\texit(0);',
		'\t\tdefault:',
		'\t\t\tfputs(usage, stderr);',
		'\t\t\treturn -1;',
		'\t\t}',
		'\t}',
		'\tif (optind < argc) {',
		'\t\tfprintf(stderr, "unexpected argument \\"%s\\"\\n", argv[optind]);',
		'\t\tfputs(usage, stderr);',
		'\t\treturn -1;',
		'\t}',
		'\treturn 0;',
		'}',
		'',
	];
}

function mainFunction(plan: ProgramPlan): Lines {
	const skel = `${plan.name}_bpf`;
	const { filterPid, filterComm } = plan.options;
	const what = plan.events.map((p) => `${p.event.category}:${p.event.name}`).join(', ');
	const consumer =
		plan.transport === 'ringbuf'
			? { decl: 'struct ring_buffer *rb = NULL;', create: ['rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_record, NULL, NULL);', 'if (!rb) {'], poll: 'ring_buffer__poll(rb, 100 /* ms */)', free: 'ring_buffer__free(rb);' }
			: plan.transport === 'perfbuf'
				? { decl: 'struct perf_buffer *pb = NULL;', create: ['pb = perf_buffer__new(bpf_map__fd(skel->maps.events), 16 /* pages per CPU */, handle_perf_record, handle_lost_records, NULL, NULL);', 'if (!pb) {'], poll: 'perf_buffer__poll(pb, 100 /* ms */)', free: 'perf_buffer__free(pb);' }
				: null;
	const body: Lines = [
		`struct ${skel} *skel = NULL;`,
		...(consumer ? [consumer.decl] : []),
		'int err;',
		'',
		'if (parse_args(argc, argv))',
		'\treturn 1;',
		'/* Line-buffered, so each record shows up at once even when stdout is a pipe. */',
		'setvbuf(stdout, NULL, _IOLBF, 0);',
		'libbpf_set_print(print_libbpf);',
		`if (tp_check_environment(tracepoints, sizeof(tracepoints) / sizeof(tracepoints[0]), ${plan.usesVmlinux ? 1 : 0}))`,
		'\treturn 1;',
		'',
		`skel = ${skel}__open();`,
		'if (!skel) {',
		'\tfprintf(stderr, "cannot open the BPF object: %s\\n", strerror(errno));',
		'\treturn 1;',
		'}',
		...(filterPid ? ['skel->rodata->target_tgid = env.pid;'] : []),
		...(filterComm ? ['if (env.comm)', '\tstrncpy((char *)skel->rodata->target_comm, env.comm, sizeof(skel->rodata->target_comm) - 1);'] : []),
		'',
		`err = ${skel}__load(skel);`,
		'if (err) {',
		'\tfprintf(stderr, "the kernel refused to load the BPF program (%s); run with -v to see the verifier\'s log\\n", strerror(-err));',
		'\tgoto cleanup;',
		'}',
		`err = ${skel}__attach(skel);`,
		'if (err) {',
		'\tfprintf(stderr, "cannot attach to the tracepoints: %s\\n", strerror(-err));',
		'\tgoto cleanup;',
		'}',
	];
	if (consumer) {
		body.push(
			...consumer.create,
			'\terr = -errno;',
			'\tfprintf(stderr, "cannot open the buffer that brings the records: %s\\n", strerror(errno));',
			'\tgoto cleanup;',
			'}',
			'',
			'signal(SIGINT, on_signal);',
			'signal(SIGTERM, on_signal);',
			`fprintf(stderr, ${cString(`Tracing ${what}. Press Ctrl-C to stop.\n`)});`,
			'tp_print_columns();',
			'while (!exiting) {',
			`\terr = ${consumer.poll};`,
			'\tif (err == -EINTR) {',
			'\t\terr = 0;',
			'\t\tbreak;',
			'\t}',
			'\tif (err < 0) {',
			'\t\tfprintf(stderr, "reading records failed: %s\\n", strerror(-err));',
			'\t\tbreak;',
			'\t}',
			'\terr = 0;',
			'}',
		);
	} else {
		body.push(
			'',
			'signal(SIGINT, on_signal);',
			'signal(SIGTERM, on_signal);',
			`fprintf(stderr, ${cString(`Tracing ${what}: copying bpf_printk lines from trace_pipe. Press Ctrl-C to stop.\n`)});`,
			'err = tp_copy_trace_pipe(&exiting, tracepoints, sizeof(tracepoints) / sizeof(tracepoints[0]));',
		);
	}
	body.push('', 'cleanup:', ...(consumer ? [consumer.free] : []), `${skel}__destroy(skel);`, 'return err ? 1 : 0;');
	return ['int main(int argc, char **argv)', '{', ...body.map((l) => (l === '' || l === 'cleanup:' ? l : `\t${l}`)), '}', ''];
}

export function emitLoader(plan: ProgramPlan, capturedOn?: CapturedOn): string {
	const { filterPid, filterComm } = plan.options;
	const usageText = usage(plan).map((l) => `\t${cString(`${l}\n`)}`);
	const out: Lines = [
		'// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)',
		'/*',
		` * ${plan.name}.c: loads ${plan.name}.bpf.c, attaches it and ${plan.transport === 'printk' ? 'copies its trace_pipe lines' : 'prints one line per record'}.`,
		` * Generated by Tracepoint Atlas for kernel ${cCommentText(describeKernel(plan.kernel))}.`,
		` * Run it as root: sudo ./${plan.name}${filterPid ? ' [-p PID]' : ''}${filterComm ? ' [-c COMM]' : ''} [-v]`,
		' */',
		'#include <errno.h>',
		'#include <signal.h>',
		'#include <stdio.h>',
		'#include <stdlib.h>',
		'#include <string.h>',
		'#include <unistd.h>',
		'#include <linux/types.h>',
		'#include <bpf/libbpf.h>',
		'#include "tp_helpers.h"',
		`#include "${plan.name}.h"`,
		`#include "${plan.name}.skel.h"`,
		'',
		...tracepointTable(plan, capturedOn),
		'static struct {',
		'\tint verbose;',
		...(filterPid ? ['\t__u32 pid;'] : []),
		...(filterComm ? ['\tconst char *comm;'] : []),
		'} env;',
		'',
		'static const char usage[] =',
		...usageText.slice(0, -1),
		`${usageText.at(-1)};`,
		'',
		...parseArgs(plan),
		'static int print_libbpf(enum libbpf_print_level level, const char *format, va_list args)',
		'{',
		'\tif (level == LIBBPF_DEBUG && !env.verbose)',
		'\t\treturn 0;',
		'\treturn vfprintf(stderr, format, args);',
		'}',
		'',
		'static volatile sig_atomic_t exiting;',
		'',
		'static void on_signal(int sig)',
		'{',
		'\texiting = 1;',
		'}',
		'',
	];
	if (plan.transport !== 'printk') {
		const tables = new Map(plan.tables.map((t) => [t.name, t]));
		out.push(...plan.events.flatMap((p) => printFunction(p, tables)), ...recordHandler(plan));
	}
	out.push(...mainFunction(plan));
	return out.join('\n');
}
