/**
 * The plan of a generated program: for every event, which ctx type it uses and, for every recorded
 * field, how the BPF side reads it, how it is stored in the record and how the loader shows it.
 * The emitters (.bpf.c, .c, .h, README) only render this plan, so they cannot disagree.
 */
import type { ContextStruct, Event, EventFormat, Field, Provenance, StructMember } from '../../schemas/snapshot.ts';
import { hasRingBuffer } from './kernel.ts';
import { cIdentifier, RESERVED_PROGRAM_NAMES, scopeNamer } from './names.ts';
import { planDecodeTables, type DecodeTable } from './decode-tables.ts';
import { GenerateError, type GeneratorOptions } from './options.ts';
import { outStructLayout, type OutStructLayout } from './out-structs.ts';
import { readAtExit, syscallArgRoles, type ArgRole } from './syscall-roles.ts';

/** How the BPF program reads a field. */
export type Read =
	/** A scalar loaded straight from ctx (`r->fd = (int)ctx->args[0]`). */
	| 'value'
	/** Bytes copied out of the record with bpf_probe_read_kernel (odd sizes, unaligned scalars, arrays of structs). */
	| 'copy'
	/** A fixed array of the record, copied element by element with loads at ctx + a constant offset (the only ctx reads the verifier allows). */
	| 'ctx-array'
	/** A `__data_loc`/`__rel_loc` char[]: a string stored inside the record itself. */
	| 'loc-string'
	/** Another `__data_loc`/`__rel_loc` array: its length and its first bytes. */
	| 'loc-bytes'
	/** A syscall's `char *` argument: a string in user memory. */
	| 'user-string'
	/** A `char *` of a kernel event: a string in kernel memory (usually a constant like a function name). */
	| 'kernel-string'
	/** A syscall's `struct sockaddr *` argument, read as many bytes as its length argument says. */
	| 'sockaddr'
	/** A syscall's `argv`: the first few argument strings. */
	| 'argv'
	/** Bytes a syscall is given with their count (write's `buf`): at most that many, NULs and all. */
	| 'user-buffer'
	/** Bytes the kernel writes during the call (read's `buf`): read at sys_exit through the pointer saved at sys_enter. */
	| 'out-buffer'
	/** A socket address the kernel writes (accept's `upeer_sockaddr`): read at sys_exit, as long as the length it wrote back. */
	| 'out-sockaddr'
	/** An `int *` the kernel writes a length through (accept's `upeer_addrlen`): the int, read at sys_exit. */
	| 'out-int'
	/** A struct the kernel fills (stat's `statbuf`): its first members, read at sys_exit once the call succeeded. */
	| 'out-struct';

/** How the loader shows a value. */
export type Show =
	| 'signed' | 'unsigned' | 'hex' | 'octal' | 'bool' | 'dev' | 'errno' | 'address'
	| 'string' | 'chars' | 'argv' | 'buffer'
	| 'ipv4' | 'ipv6' | 'mac' | 'sockaddr' | 'bytes' | 'array' | 'struct';

/** One recorded field. */
export interface FieldPlan {
	/** The field as the format file gives it. */
	field: Field;
	/** Member name in the record. */
	name: string;
	read: Read;
	show: Show;
	/** C type of the record member, or of its elements for an array: `__s64`, `char`, `__u8`. */
	type: string;
	/** Array dimensions of the record member: [] for a scalar, [n], or [entries, bytes] for argv. */
	dims: number[];
	/** Where the field sits in ctx as a member path (`fd`, `args[1]`, `__data_loc_filename`), or null to read it at its offset. */
	path: string | null;
	/** A cast applied to a 'value' read: the declared C type of a syscall argument (`int` for `int fd`). */
	cast: string | null;
	/** Record member holding a byte count ('sockaddr', 'loc-bytes'). */
	lengthName: string | null;
	/** Where the syscall argument that holds a 'sockaddr' field's length sits in ctx. */
	length: { path: string | null; field: Field } | null;
	/** 'exit' for output arguments: read in the sys_exit handler, once the kernel has filled them. */
	when: 'enter' | 'exit';
	/** Record member that keeps the user pointer from sys_enter until sys_exit ('out-*' reads). */
	pointerName: string | null;
	/** Record member that keeps the pointer to the length the kernel writes back ('out-sockaddr', 'out-buffer' filled through one). */
	lengthPointerName: string | null;
	/** Where the syscall argument holding that length pointer sits in ctx. */
	lengthPointer: { path: string | null; field: Field } | null;
	/** Record member with a buffer's whole length — the count passed, or the bytes filled — of which `lengthName` bytes were kept. */
	totalName: string | null;
	/** Element size in bytes for 'array' (and 'loc-bytes' shown element by element); 1 otherwise. */
	elementSize: number;
	/** Whether array elements are signed. */
	elementSigned: boolean;
	/** The members an 'out-struct' record member holds (the struct's ABI layout); null otherwise. */
	layout: OutStructLayout | null;
}

/** A member of a ctx struct built from a format file. */
export interface PortableMember {
	/** The C declaration without `;`, e.g. `__s64 fd`, `__u8 __pad_12[4]`. */
	declaration: string;
	/** Member name (for offset checks); null for padding. */
	name: string | null;
	offset: number;
	/** The format file's declaration, shown beside the member; null for padding. */
	source: string | null;
}

/** The type of a program's ctx argument. */
export type CtxPlan =
	| { kind: 'vmlinux'; struct: string; match: 'event' | 'class' | 'syscall' }
	| {
			kind: 'portable';
			struct: string;
			members: PortableMember[];
			/** Captured kernels whose format file has exactly this layout (this kernel included). */
			sameLayoutOn: string[];
			/** Why a vmlinux.h struct was not used although asked for; null when portable was asked for. */
			fallback: string | null;
	  };

/** The `sys_exit_*` half of a paired syscall. */
export interface ExitPlan {
	event: Event;
	handler: string;
	section: string;
	ctx: CtxPlan;
	/** ctx path of the return value (null: read at its offset). */
	retPath: string | null;
	retField: Field;
	/** Record member that holds the return value. */
	retName: string;
	/** Hash map that keeps the enter record until the exit. */
	pendingMap: string;
}

export interface EventPlan {
	event: Event;
	/** C identifier for the event, unique in the program. */
	ident: string;
	/** Enumerator that tags its records, e.g. RECORD_SYS_ENTER_CONNECT. */
	kind: string;
	/** Its record type without `struct`. */
	recordStruct: string;
	/** Per-CPU map in which the record is assembled. */
	scratchMap: string;
	handler: string;
	section: string;
	ctx: CtxPlan;
	fields: FieldPlan[];
	/** Fields left out of the record, with the reason. */
	omitted: { name: string; reason: string }[];
	/** Recorded arguments the kernel writes during the call ('out-*' roles), read at sys_exit when it is paired. */
	outputs: string[];
	exit: ExitPlan | null;
	/** Record members the loader prints by name: member → table of ProgramPlan.tables. */
	decoded: Record<string, string>;
}

export interface ProgramPlan {
	name: string;
	kernel: Provenance;
	options: GeneratorOptions;
	transport: 'ringbuf' | 'perfbuf' | 'printk';
	/** Whether any event's ctx comes from vmlinux.h. */
	usesVmlinux: boolean;
	events: EventPlan[];
	/** Tables from the events' print fmt by which the loader prints values (empty when decoding is off). */
	tables: DecodeTable[];
	/** Decisions the reader should know about (fallbacks, substitutions), one sentence each. */
	notes: string[];
}

/** Other captured kernels' copies of an event: used to say where a layout holds and where the event exists. */
export type CapturedOn = (category: string, name: string) => { kernel: string; format: EventFormat }[];

export interface PlanInput {
	kernel: Provenance;
	events: Event[];
	lookup?: ((category: string, name: string) => Event | undefined) | undefined;
	capturedOn?: CapturedOn | undefined;
}

/**
 * Record member names the loader cannot use: the header, and object-like macros of the C library
 * headers a loader includes (`errno`, `sa_handler` from <signal.h>, gcc's `linux` and `unix`).
 */
const RESERVED_RECORD_MEMBERS = [
	'header', 'errno', 'stdin', 'stdout', 'stderr', 'linux', 'unix', 'sa_handler', 'sa_sigaction', 's6_addr',
	'si_pid', 'si_uid', 'si_status', 'si_utime', 'si_stime', 'si_value', 'si_int', 'si_ptr', 'si_addr', 'si_band',
	'si_fd', 'si_timerid', 'si_overrun', 'si_addr_lsb', 'si_lower', 'si_upper', 'si_pkey', 'si_call_addr',
	'si_syscall', 'si_arch', 'st_atime', 'st_mtime', 'st_ctime',
];

/** Integer types a ctx member may be assigned from without a cast; other names (typedefs) may hide a pointer. */
const PLAIN_INTEGERS = new Set([
	'char', 'signed char', 'unsigned char', 'short', 'unsigned short', 'int', 'unsigned int', 'unsigned', 'long', 'unsigned long',
	'long long', 'unsigned long long', 'bool', '_Bool', 'u8', 's8', 'u16', 's16', 'u32', 's32', 'u64', 's64',
	'__u8', '__s8', '__u16', '__s16', '__u32', '__s32', '__u64', '__s64', 'int8_t', 'uint8_t', 'int16_t', 'uint16_t',
	'int32_t', 'uint32_t', 'int64_t', 'uint64_t', 'pid_t', 'size_t',
]);
/** File-scope names the .bpf.c uses itself. */
const BPF_GLOBALS = ['events', 'LICENSE', 'target_tgid', 'target_comm', 'fill_header', 'bounded'];

/**
 * Struct and enum tags the generated header declares itself. Every tag the generator makes starts with
 * `record_` or `format_`: vmlinux.h shares the tag namespace, and where the kernel has 17 tags ending in
 * `_record` (6.12 has `struct cxl_poison_record`, the very name `cxl:cxl_poison`'s record once had),
 * none of 5.10–7.2 starts one with `record_`, and only `format_type` and `format_state` with `format_`.
 */
const GENERATED_TAGS = ['record_header', 'record_kind'];

/** Size and signedness of C types that syscall arguments are declared with (the record holds every argument as 8 bytes). */
const DECLARED_TYPES: Record<string, [size: number, signed: boolean]> = {
	char: [1, true], 'unsigned char': [1, false], short: [2, true], 'unsigned short': [2, false], umode_t: [2, false],
	int: [4, true], unsigned: [4, false], 'unsigned int': [4, false], u32: [4, false], __u32: [4, false], __s32: [4, true],
	pid_t: [4, true], uid_t: [4, false], gid_t: [4, false], qid_t: [4, false], key_t: [4, true], key_serial_t: [4, true],
	mqd_t: [4, true], clockid_t: [4, true], timer_t: [4, true], rwf_t: [4, true],
	long: [8, true], 'unsigned long': [8, false], size_t: [8, false], ssize_t: [8, true], loff_t: [8, true], off_t: [8, true],
	u64: [8, false], __u64: [8, false], __s64: [8, true], aio_context_t: [8, false],
};

/** Element sizes of `__data_loc` array types (`__data_loc u64[] ips` → 8). */
const ELEMENT_SIZES: Record<string, number> = {
	u8: 1, __u8: 1, 'unsigned char': 1, s8: 1, u16: 2, __u16: 2, u32: 4, __u32: 4, 'unsigned int': 4, int: 4,
	u64: 8, __u64: 8, 'unsigned long': 8, long: 8,
};

export const scalarType = (size: number, signed: boolean) => `__${signed ? 's' : 'u'}${size * 8}`;
const isPointer = (type: string) => type.includes('*');
const isCharPointer = (type: string) => /^(const )?char \*$/.test(type);
const isSyscallEnter = (e: Event) => e.category === 'syscalls' && e.name.startsWith('sys_enter_');
const isSyscallExit = (e: Event) => e.category === 'syscalls' && e.name.startsWith('sys_exit_');

/** The ctx member a field is read through, for a struct from BTF; null when the struct has none that fits. */
export function memberPath(field: Field, struct: ContextStruct): { path: string | null; member: StructMember } | null {
	const wanted = field.dynamic === 'data_loc' ? `__data_loc_${field.name}` : field.dynamic === 'rel_loc' ? `__rel_loc_${field.name}` : field.name;
	const named = struct.members.find((m) => m.name === wanted && m.offset === field.offset && m.bitfieldSize === null);
	if (named) return { path: named.name, member: named };
	// A syscall's arguments live in `args[]` and its number in `id`: find the member covering the field's offset.
	const covering = struct.members.find((m) => m.bitfieldSize === null && m.offset <= field.offset && field.offset < m.offset + m.size);
	if (!covering) return null;
	if (covering.arrayLength) {
		const elementSize = covering.size / covering.arrayLength;
		const index = (field.offset - covering.offset) / elementSize;
		if (Number.isInteger(index) && elementSize === field.size) return { path: `${covering.name}[${index}]`, member: covering };
		return null;
	}
	if (covering.offset === field.offset && covering.size === field.size) return { path: covering.name, member: covering };
	// A wider member at the same offset (`long id` over `int __syscall_nr`): read the field's own bytes by offset.
	if (covering.offset === field.offset && covering.size > field.size) return { path: null, member: covering };
	return null;
}

/** Same field layout (names, offsets, sizes, kinds) in two format files. */
function sameLayout(a: EventFormat, b: EventFormat): boolean {
	const key = (f: EventFormat) => JSON.stringify([...f.commonFields, ...f.fields].map((x) => [x.name, x.offset, x.size, x.signed, x.arrayLength, x.dynamic]));
	return key(a) === key(b);
}

/** A ctx struct laid out from the format file: explicit padding, types chosen by size and signedness. */
function portableCtx(event: Event, structName: string, input: PlanInput, fallback: string | null): Extract<CtxPlan, { kind: 'portable' }> {
	const members: PortableMember[] = [];
	const namer = scopeNamer();
	let end = 0;
	for (const f of [...event.format.commonFields, ...event.format.fields]) {
		if (f.size === 0) continue; // a flexible array takes no room
		if (f.offset < end) throw new GenerateError(`${event.category}:${event.name}: field ${f.name} at offset ${f.offset} overlaps the field before it; this format file cannot be laid out as a struct`);
		if (f.offset > end) members.push({ declaration: `__u8 __pad_${end}[${f.offset - end}]`, name: null, offset: end, source: null });
		const name = namer(f.dynamic === 'data_loc' ? `__data_loc_${f.name}` : f.dynamic === 'rel_loc' ? `__rel_loc_${f.name}` : f.name);
		members.push({ declaration: portableDeclaration(f, name), name, offset: f.offset, source: f.declaration });
		end = f.offset + f.size;
	}
	const others = input.capturedOn?.(event.category, event.name) ?? [];
	const sameLayoutOn = [...new Set([input.kernel.id, ...others.filter((o) => sameLayout(o.format, event.format)).map((o) => o.kernel)])].sort();
	return { kind: 'portable', struct: structName, members, sameLayoutOn, fallback };
}

function portableDeclaration(f: Field, name: string): string {
	if (f.dynamic) return `__u32 ${name}`;
	if (f.arrayLength) {
		const elementSize = f.size / f.arrayLength;
		if ([1, 2, 4, 8].includes(elementSize) && f.offset % elementSize === 0) {
			const type = elementSize === 1 && /^(signed )?char$/.test(f.type) ? 'char' : scalarType(elementSize, f.signed);
			return `${type} ${name}[${f.arrayLength}]`;
		}
		return `__u8 ${name}[${f.size}]`;
	}
	if ([1, 2, 4, 8].includes(f.size) && f.offset % f.size === 0) return `${scalarType(f.size, f.signed && !isPointer(f.type))} ${name}`;
	return `__u8 ${name}[${f.size}]`;
}

/** Where a field sits in ctx: its member path (null: read it by offset) and whether that member is a struct or union. */
interface CtxAccess {
	path: string | null;
	aggregate: boolean;
	/** Whether the member comes from vmlinux.h, whose typedefs may be pointers (`fl_owner_t`). */
	vmlinux: boolean;
	/** Element size of the member when it is an array of integers (each element one load from ctx); null otherwise. */
	elementSize: number | null;
}

const NO_ACCESS: CtxAccess = { path: null, aggregate: false, vmlinux: false, elementSize: null };

/** The element size a portable member of `f` is declared with (portableDeclaration): typed when aligned, bytes otherwise. */
function portableElementSize(f: Field): number | null {
	if (!f.arrayLength || f.dynamic) return null;
	const elementSize = f.size / f.arrayLength;
	return [1, 2, 4, 8].includes(elementSize) && f.offset % elementSize === 0 ? elementSize : 1;
}

/** The ctx access of each field: from the BTF struct in vmlinux mode, the portable member otherwise. */
function ctxPaths(event: Event, ctx: CtxPlan): Map<string, CtxAccess> | null {
	const paths = new Map<string, CtxAccess>();
	if (ctx.kind === 'portable') {
		const byOffset = new Map(ctx.members.filter((m) => m.name !== null).map((m) => [m.offset, m.name]));
		for (const f of event.format.fields) paths.set(f.name, { path: f.size === 0 ? null : (byOffset.get(f.offset) ?? null), aggregate: false, vmlinux: false, elementSize: portableElementSize(f) });
		return paths;
	}
	if (event.context.match === 'none') return null;
	for (const f of event.format.fields) {
		if (f.size === 0) continue;
		const found = memberPath(f, event.context.struct);
		// No member for it (7.x syscall records carry string copies after args[]): read it at its offset.
		if (!found) {
			paths.set(f.name, { ...NO_ACCESS, vmlinux: true });
			continue;
		}
		// A packed enum (1 or 2 bytes in BTF) comes out of older bpftool's vmlinux.h as a 4-byte enum, and
		// libbpf cannot relocate a field whose size differs: read its bytes at the format file's offset instead.
		if (found.path !== null && /^enum /.test(found.member.type) && found.member.size !== 4 && found.member.arrayLength === null) {
			paths.set(f.name, { ...NO_ACCESS, vmlinux: true });
			continue;
		}
		const { member } = found;
		const aggregate = /^(struct|union) /.test(member.type) && !member.type.includes('*') && member.arrayLength === null;
		const elementSize = member.arrayLength && found.path === member.name && !/^(struct|union) /.test(member.type) ? member.size / member.arrayLength : null;
		paths.set(f.name, { path: found.path, aggregate, vmlinux: true, elementSize });
	}
	return paths;
}

/** Chooses the ctx type of one event: the BTF struct when asked for and usable, else a portable struct (with the reason). */
function chooseCtx(event: Event, ident: string, input: PlanInput, options: GeneratorOptions, tagNamer: (raw: string) => string): { ctx: CtxPlan; paths: Map<string, CtxAccess> } {
	let fallback: string | null = null;
	if (options.context === 'vmlinux') {
		if (!input.kernel.btf) fallback = `kernel ${input.kernel.id} was captured without BTF, so its trace_event_raw_* structs are unknown`;
		else if (event.context.match === 'none') fallback = event.context.note;
		// vmlinux.h is dumped from /sys/kernel/btf/vmlinux alone; a module's structs are in /sys/kernel/btf/<module>.
		else if (event.context.struct.btf !== 'vmlinux') fallback = `struct ${event.context.struct.name} is defined by module ${event.context.struct.btf}, whose types vmlinux.h does not include`;
		else {
			const ctx: CtxPlan = { kind: 'vmlinux', struct: event.context.struct.name, match: event.context.match };
			return { ctx, paths: ctxPaths(event, ctx) as Map<string, CtxAccess> };
		}
	}
	const ctx = portableCtx(event, tagNamer(`format_${ident}`), input, fallback);
	return { ctx, paths: ctxPaths(event, ctx) as Map<string, CtxAccess> };
}

function declaredType(type: string): [number, boolean] | null {
	const bare = type.replace(/^const /, '').replace(/^enum \w+$/, 'unsigned int');
	return DECLARED_TYPES[bare] ?? null;
}

/** Scalar display: errno names for syscall returns, then by type and name. */
function scalarShow(event: Event, f: Field, signed: boolean): Show {
	if (isSyscallExit(event) && f.name === 'ret') return 'errno';
	if (f.type === 'bool' || f.type === '_Bool') return 'bool';
	if (f.type === 'dev_t' && f.size === 4) return 'dev';
	if (f.type.replace(/^const /, '') === 'umode_t') return 'octal';
	if (/flags?$|mask$|(^|_)gfp|(^|_)prot$/.test(f.name) || f.type === 'gfp_t') return 'hex';
	return signed ? 'signed' : 'unsigned';
}

/** Which byte arrays hold addresses: by length and name, as the kernel's own print formats show them. */
function byteArrayShow(f: Field, length: number): Show {
	if (length === 4 && /addr|ip|key4/.test(f.name)) return 'ipv4';
	if (length === 16 && /addr|ip|v6|key6/.test(f.name)) return 'ipv6';
	if (length === 6 && /addr|mac|hw/.test(f.name)) return 'mac';
	if (length >= 16 && length <= 128 && /addr/.test(f.name)) return 'sockaddr';
	return 'bytes';
}

/**
 * A syscall pointer argument with a role (syscall-roles.ts): strings, sized buffers and addresses the
 * caller passes are read at sys_enter; what the kernel writes is read at sys_exit through the pointer
 * saved at sys_enter. Null when the role needs nothing but the pointer's value.
 */
function planArgument(base: Omit<FieldPlan, 'read' | 'show' | 'type'>, event: Event, role: ArgRole | undefined, siblings: Map<string, CtxAccess>, options: GeneratorOptions, namer: (raw: string) => string, arch: string): FieldPlan | null {
	const { name } = base;
	const argument = (argName: string) => ({ path: siblings.get(argName)?.path ?? null, field: event.format.fields.find((x) => x.name === argName) as Field });
	const buffer = () => ({ type: '__u8', dims: [options.stringSize], lengthName: namer(`${name}_len`), totalName: namer(`${name}_total`) });
	switch (role?.kind) {
		case 'string':
			// The length read tells an unreadable pointer (0) from an empty string (1: the NUL).
			return { ...base, read: 'user-string', show: 'string', type: 'char', dims: [options.stringSize], lengthName: namer(`${name}_len`) };
		case 'argv':
			return options.argvCount > 0 ? { ...base, read: 'argv', show: 'argv', type: 'char', dims: [options.argvCount, Math.min(options.stringSize, 128)] } : null;
		case 'sockaddr-in':
			return { ...base, read: 'sockaddr', show: 'sockaddr', type: '__u8', dims: [128], lengthName: namer(`${name}_len`), length: argument(role.length) };
		case 'in-buffer':
			return { ...base, ...buffer(), read: 'user-buffer', show: 'buffer', length: argument(role.length) };
		case 'out-buffer': {
			const throughPointer = role.filled === 'length-pointer';
			return {
				...base, ...buffer(), read: 'out-buffer', show: 'buffer', when: 'exit', pointerName: namer(`${name}_at`),
				lengthPointer: throughPointer ? argument(role.length) : null, lengthPointerName: throughPointer ? namer(`${name}_len_at`) : null,
			};
		}
		case 'sockaddr-out':
			return {
				...base, read: 'out-sockaddr', show: 'sockaddr', type: '__u8', dims: [128], when: 'exit', lengthName: namer(`${name}_len`),
				pointerName: namer(`${name}_at`), lengthPointer: argument(role.length), lengthPointerName: namer(`${name}_len_at`),
			};
		case 'out-length':
			return { ...base, read: 'out-int', show: 'signed', type: '__s32', when: 'exit', pointerName: namer(`${name}_at`) };
		case 'out-struct': {
			const layout = outStructLayout(role.struct, arch);
			if (!layout) return null;
			return { ...base, read: 'out-struct', show: 'struct', type: `struct ${layout.struct}`, when: 'exit', pointerName: namer(`${name}_at`), lengthName: namer(`${name}_len`), layout };
		}
		case undefined:
			return null;
	}
}

function planField(event: Event, f: Field, name: string, access: CtxAccess, siblings: Map<string, CtxAccess>, options: GeneratorOptions, lengthNamer: (raw: string) => string, role: ArgRole | undefined, arch: string): FieldPlan {
	const { path } = access;
	const base = {
		field: f, name, path, cast: null, lengthName: null, length: null, elementSize: 1, elementSigned: false, dims: [] as number[],
		when: 'enter' as const, pointerName: null, lengthPointerName: null, lengthPointer: null, totalName: null, layout: null,
	};
	// Load a scalar straight from ctx only when it is aligned and not a struct; copy its bytes otherwise.
	const direct = !access.aggregate && f.offset % Math.min(f.size, 8) === 0;
	if (f.dynamic) {
		if (f.type === 'char') return { ...base, read: 'loc-string', show: 'string', type: 'char', dims: [options.stringSize] };
		const elementSize = ELEMENT_SIZES[f.type] ?? 1;
		return {
			...base, read: 'loc-bytes', show: elementSize === 1 ? 'bytes' : 'array', type: '__u8', dims: [options.stringSize],
			lengthName: lengthNamer(`${name}_len`), elementSize, elementSigned: /^(s|int|long)/.test(f.type),
		};
	}
	if (f.arrayLength) {
		const elementSize = f.size / f.arrayLength;
		// Copied element by element when the ctx member's elements are the record's: one aligned load each.
		const read = (recordElementSize: number) => (path !== null && access.elementSize === recordElementSize && f.offset % recordElementSize === 0 ? 'ctx-array' : 'copy');
		if (elementSize === 1 && /^(signed )?char$/.test(f.type)) return { ...base, read: read(1), show: 'chars', type: 'char', dims: [f.arrayLength] };
		if (elementSize === 1) {
			const show = byteArrayShow(f, f.arrayLength);
			return { ...base, read: read(1), show, type: '__u8', dims: [f.arrayLength], lengthName: null };
		}
		if ([2, 4, 8].includes(elementSize)) {
			return { ...base, read: read(elementSize), show: 'array', type: scalarType(elementSize, f.signed), dims: [f.arrayLength], elementSize, elementSigned: f.signed };
		}
		return { ...base, read: read(1), show: 'bytes', type: '__u8', dims: [f.size] };
	}
	if (isPointer(f.type)) {
		const pointer = { ...base, read: 'value' as const, type: scalarType(f.size, false) };
		if (isSyscallEnter(event)) {
			const planned = planArgument(base, event, role, siblings, options, lengthNamer, arch);
			if (planned) return planned;
		} else if (isCharPointer(f.type)) {
			return { ...base, read: 'kernel-string', show: 'string', type: 'char', dims: [options.stringSize] };
		}
		return { ...pointer, show: 'address', read: direct ? 'value' : 'copy' };
	}
	if (![1, 2, 4, 8].includes(f.size)) return { ...base, read: 'copy', show: 'bytes', type: '__u8', dims: [f.size] };
	if (isSyscallEnter(event)) {
		// Syscall arguments are recorded as 8-byte registers; narrow them to the declared type (AT_FDCWD reads as -100).
		const declared = declaredType(f.type);
		if (declared) {
			const [size, signed] = declared;
			return { ...base, read: direct ? 'value' : 'copy', show: scalarShow(event, f, signed), type: scalarType(size, signed), cast: size < f.size ? scalarType(size, signed) : null };
		}
		return { ...base, read: direct ? 'value' : 'copy', show: 'hex', type: scalarType(f.size, false) };
	}
	const type = scalarType(f.size, f.signed);
	const needsCast = access.vmlinux && !PLAIN_INTEGERS.has(f.type) && !/^enum /.test(f.type);
	return { ...base, read: direct ? 'value' : 'copy', show: scalarShow(event, f, f.signed), type, cast: needsCast ? type : null };
}

/** Fields recorded by default: all, except a syscall's `__syscall_nr` (the same in every record of the event). */
function defaultFields(event: Event): Field[] {
	return event.format.fields.filter((f) => !(event.category === 'syscalls' && f.name === '__syscall_nr'));
}

function selectFields(event: Event, options: GeneratorOptions): Field[] {
	const key = `${event.category}:${event.name}`;
	const wanted = options.fields[key];
	if (!wanted) return defaultFields(event);
	const byName = new Map(event.format.fields.map((f) => [f.name, f]));
	const unknown = wanted.filter((n) => !byName.has(n));
	if (unknown.length > 0) {
		throw new GenerateError(`${key} has no field ${unknown.map((n) => JSON.stringify(n)).join(', ')}; its fields are: ${[...byName.keys()].join(', ')}`);
	}
	return event.format.fields.filter((f) => wanted.includes(f.name));
}

/**
 * Whether `f` is one of the copies of string arguments that 7.x lists after a syscall's arguments
 * (`__data_loc char[] __filename_val` for `filename`). The record a BPF program gets for a sys_enter
 * event holds only the syscall number and the argument registers (perf_call_bpf_enter), so no
 * `__data_loc` field of one reaches it, whatever its name (kexec_file_load's copy of cmdline_ptr is
 * called `__flags_val`): the generator never reads these.
 */
export function isKernelCopy(event: Event, f: Field): boolean {
	return isSyscallEnter(event) && f.dynamic !== null;
}

/** The argument a kernel copy is named after, when that argument is a string: `filename` for `__filename_val`. */
export function copiedArgument(event: Event, f: Field): string | null {
	const m = /^__(\w+)_val$/.exec(f.name);
	if (!isKernelCopy(event, f) || !m) return null;
	return event.format.fields.some((x) => x.name === m[1] && isCharPointer(x.type)) ? m[1]! : null;
}

/** One namer per C namespace the program's names live in. */
interface Namers {
	/** File-scope identifiers of the .bpf.c: maps, programs, helpers. */
	global: (raw: string) => string;
	/** Enumerators of `enum record_kind`. */
	kind: (raw: string) => string;
	/** Struct tags. */
	tag: (raw: string) => string;
}

function planEvent(event: Event, input: PlanInput, options: GeneratorOptions, namers: Namers, exitAvailable: boolean): EventPlan {
	const ident = namers.global(event.name);
	// Output arguments need the sys_exit handler; without one they are shown as the pointers they are.
	const roles = new Map([...syscallArgRoles(event)].filter(([, role]) => exitAvailable || !readAtExit(role)));
	const outputs = [...syscallArgRoles(event)].filter(([name, role]) => readAtExit(role) && (options.fields[`${event.category}:${event.name}`]?.includes(name) ?? true)).map(([name]) => name);
	const { ctx, paths } = chooseCtx(event, ident, input, options, namers.tag);
	const memberNamer = scopeNamer(RESERVED_RECORD_MEMBERS);
	const fieldNames = new Map(selectFields(event, options).map((f) => [f, memberNamer(f.name)]));
	const fields: FieldPlan[] = [];
	const omitted: { name: string; reason: string }[] = [];
	for (const [f, name] of fieldNames) {
		if (f.size === 0) {
			omitted.push({ name: f.name, reason: 'a flexible array whose length the format file does not give' });
			continue;
		}
		if (isKernelCopy(event, f)) {
			const of = copiedArgument(event, f);
			const source = of ? `${of} is` : 'string arguments are';
			omitted.push({ name: f.name, reason: `the kernel fills this copy${of ? ` of ${of}` : ''} in its own trace buffer only, not in the record a BPF program gets (verified on 7.2: it reads as garbage); ${source} read from user memory instead` });
			continue;
		}
		fields.push(planField(event, f, name, paths.get(f.name) ?? NO_ACCESS, paths, options, memberNamer, roles.get(f.name), input.kernel.arch));
	}
	return {
		event, ident, kind: namers.kind(`RECORD_${ident.toUpperCase()}`), recordStruct: namers.tag(`record_${ident}`), scratchMap: namers.global(`${ident}_scratch`),
		handler: namers.global(`handle_${ident}`), section: `${options.section}/${event.category}/${event.name}`, ctx, fields, omitted, outputs, exit: null, decoded: {},
	};
}

function planExit(enter: EventPlan, input: PlanInput, options: GeneratorOptions, namers: Namers): ExitPlan {
	const exitName = enter.event.name.replace(/^sys_enter_/, 'sys_exit_');
	const exit = input.lookup?.('syscalls', exitName);
	if (!exit) {
		throw new GenerateError(
			input.lookup
				? `pairExit: kernel ${input.kernel.id} has no syscalls:${exitName} to pair with syscalls:${enter.event.name}`
				: `pairExit needs a lookup function to find syscalls:${exitName}; pass one in the input, or turn pairExit off`,
		);
	}
	const ident = namers.global(exit.name);
	const { ctx, paths } = chooseCtx(exit, ident, input, options, namers.tag);
	const ret = exit.format.fields.find((f) => f.name === 'ret');
	if (!ret) throw new GenerateError(`pairExit: syscalls:${exitName} has no "ret" field on kernel ${input.kernel.id}`);
	const retName = enter.fields.some((f) => f.name === 'ret') ? 'ret_' : 'ret';
	return {
		event: exit, handler: namers.global(`handle_${ident}`), section: `${options.section}/syscalls/${exit.name}`, ctx,
		retPath: paths.get('ret')?.path ?? null, retField: ret, retName, pendingMap: namers.global(`${enter.ident}_pending`),
	};
}

function defaultProgramName(events: Event[]): string {
	const categories = new Set(events.map((e) => e.category));
	const raw = events.length === 1 ? (events[0] as Event).name : categories.size === 1 ? `${(events[0] as Event).category}_events` : 'tracepoints';
	const name = cIdentifier(raw.toLowerCase()).slice(0, 40);
	// A program name may not start with `_` (a leading digit got one) nor take a name the project uses.
	return /^_/.test(name) || RESERVED_PROGRAM_NAMES.has(name) ? `tp_${name.replace(/^_/, '')}`.slice(0, 40) : name;
}

/** Plans a program for `input.events` with validated `options`. Throws GenerateError for input it cannot use. */
export function planProgram(input: PlanInput, options: GeneratorOptions): ProgramPlan {
	if (input.events.length === 0) throw new GenerateError('no events given: pass at least one event of the snapshot');
	const seen = new Set<string>();
	for (const e of input.events) {
		const key = `${e.category}:${e.name}`;
		if (!/^[\w.-]+$/.test(e.category) || !/^[\w.-]+$/.test(e.name)) {
			throw new GenerateError(`event ${JSON.stringify(key)} has characters a tracefs event name cannot have; use the names available_events lists`);
		}
		if (seen.has(key)) throw new GenerateError(`${key} is listed twice; list each event once`);
		seen.add(key);
	}
	for (const key of Object.keys(options.fields)) {
		if (!seen.has(key)) throw new GenerateError(`option fields names ${key}, which is not among the events: ${[...seen].join(', ')}`);
	}
	const notes: string[] = [];
	let transport: ProgramPlan['transport'] = options.output;
	if (transport === 'ringbuf' && !hasRingBuffer(input.kernel)) {
		transport = 'perfbuf';
		notes.push(`Kernel ${input.kernel.release} predates BPF ring buffers (Linux 5.8), so records go through a perf buffer.`);
	}
	const namers: Namers = { global: scopeNamer(BPF_GLOBALS), kind: scopeNamer(), tag: scopeNamer(GENERATED_TAGS) };
	const exitName = (e: Event) => e.name.replace(/^sys_enter_/, 'sys_exit_');
	// Output arguments are read at sys_exit, so an event with some is paired whenever its exit can be: found and not listed itself.
	const exitAvailable = (e: Event) => isSyscallEnter(e) && !seen.has(`syscalls:${exitName(e)}`) && input.lookup?.('syscalls', exitName(e)) !== undefined;
	const events = input.events.map((e) => planEvent(e, input, options, namers, exitAvailable(e)));
	if (options.pairExit) {
		const enters = events.filter((p) => isSyscallEnter(p.event));
		if (enters.length === 0) throw new GenerateError('pairExit pairs syscalls:sys_enter_* events with their sys_exit_*, but no sys_enter_* event was given');
		for (const p of enters) {
			const exitKey = `syscalls:${exitName(p.event)}`;
			if (seen.has(exitKey)) throw new GenerateError(`${exitKey} is listed and also paired with syscalls:${p.event.name} by pairExit; drop one of them`);
			p.exit = planExit(p, input, options, namers);
		}
	}
	for (const p of events.filter((p) => p.outputs.length > 0)) {
		const key = `${p.event.category}:${p.event.name}`;
		const list = p.outputs.join(', ');
		if (!exitAvailable(p.event)) {
			notes.push(`${key}: the kernel writes ${list} during the call, so they can only be read at ${exitName(p.event)}, which ${seen.has(`syscalls:${exitName(p.event)}`) ? 'is listed as an event of its own' : 'this kernel does not have'}; they are shown as addresses.`);
			continue;
		}
		if (!p.exit) p.exit = planExit(p, input, options, namers);
		notes.push(`${key}: paired with ${exitName(p.event)} because the kernel writes ${list} during the call: ${p.event.name} saves the pointers, ${exitName(p.event)} reads what they point to.`);
	}
	for (const p of events) {
		const ctxs = [p.ctx, p.exit?.ctx].filter((c) => c !== undefined);
		for (const c of ctxs) if (c.kind === 'portable' && c.fallback) notes.push(`${p.event.category}:${p.event.name}: ${c.fallback}; its ctx is declared from the format file instead.`);
		for (const o of p.omitted) notes.push(`${p.event.category}:${p.event.name}: field ${o.name} is not recorded: ${o.reason}.`);
	}
	const usesVmlinux = events.some((p) => p.ctx.kind === 'vmlinux' || p.exit?.ctx.kind === 'vmlinux');
	const tables = planDecodeTables(events, options);
	return { name: options.programName ?? defaultProgramName(input.events), kernel: input.kernel, options, transport, usesVmlinux, events, tables, notes };
}
