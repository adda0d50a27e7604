/**
 * The snapshot schema: what one capture of one kernel's tracepoints holds.
 *
 * One schema serves the capture script (validated before anything is written to data/) and the
 * site and generator (validated again when data/ is read), so a malformed file fails loudly at
 * either end instead of rendering wrong. The packed on-disk layout lives in src/data/store.ts.
 */
import { z } from 'zod';
import { kernelArchProblem } from '../lib/capture/arch-names.ts';

/*
 * Names the kernel produces, constrained to what it can produce. Every one of them reaches C, a shell
 * command, a file name or a URL somewhere (a member name becomes `ctx->member`, a module name
 * `sudo modprobe module`, a category a file in data/formats/), so the schema is the gate: a patched or
 * contributed data file with a `"`, `;`, `$(…)`, `../` or a newline in a name is refused here, naming the
 * value, before any emitter sees it.
 */

/** A value as an error message shows it: quoted and escaped, long ones cut. */
export function quoteValue(value: unknown): string {
	const text = JSON.stringify(typeof value === 'string' && value.length > 80 ? `${value.slice(0, 80)}…` : value) ?? String(value);
	return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/** A string of at most `max` characters matching `pattern`; the error names `what`, the value and the rule. */
function constrained(what: string, pattern: RegExp, rule: string, max: number) {
	return z
		.string({ error: (issue) => `${what} must be a string, not ${quoteValue(issue.input)}` })
		.max(max, { error: (issue) => `${what} ${quoteValue(issue.input)} is longer than ${max} characters` })
		.regex(pattern, { error: (issue) => `${what} ${quoteValue(issue.input)} is not ${rule}` });
}

/** A C identifier: what TRACE_EVENT field names, BTF member and struct names are. */
export const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const C_IDENTIFIER_RULE = 'a C identifier (letters, digits, _; not starting with a digit)';
/** Tracefs directory names: `syscalls`, `xhci-hcd`, `9p`, `802154_rdev_add_virtual_intf`. */
export const TRACEFS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const TRACEFS_RULE = 'a tracefs name (letters, digits, _, . and -; starting with a letter, digit or _)';
/** Kernel module names as modprobe and /sys/kernel/btf/ know them: `ext4`, `9pnet`, `binder_linux`; never starting with `-`. */
export const MODULE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const MODULE_RULE = 'a kernel module name (letters, digits, _ and -; not starting with -)';
/**
 * C type text as tracefs and bpftool print it: `const char *const *`, `void (*)(void *)`, `char [16]`,
 * and array lengths such as `[32 + 1]` or `[(sizeof(struct x) / 32)]`. No quotes, `;`, braces, `#`, comment
 * marks or line breaks.
 */
export const C_TYPE_TEXT = /^(?!.*(?:\/\*|\*\/|\/\/))[A-Za-z_][A-Za-z0-9_ *()[\],+/.-]*$/;
const C_TYPE_RULE = 'C type text (letters, digits, _, spaces and * ( ) [ ] , + / . -; no comment marks)';

export const CategoryNameSchema = constrained('category', TRACEFS_NAME, TRACEFS_RULE, 64);
export const EventNameSchema = constrained('event name', TRACEFS_NAME, TRACEFS_RULE, 128);
export const ModuleNameSchema = constrained('module name', MODULE_NAME, MODULE_RULE, 55);
const fieldName = constrained('field name', C_IDENTIFIER, C_IDENTIFIER_RULE, 128);
const cTypeText = (what: string) => constrained(what, C_TYPE_TEXT, C_TYPE_RULE, 256);

/** One `field:` line of an event's format file. */
export const FieldSchema = z.strictObject({
	/** The declaration as tracefs printed it, e.g. `__data_loc char[] filename` or `char comm[16]`. */
	declaration: cTypeText('field declaration'),
	/** The field's name, e.g. `filename`. */
	name: fieldName,
	/** The C type without name or array suffix: `const char *`, `char` (for `char comm[16]`), `u8` (for `__data_loc u8[]`). */
	type: cTypeText('field type'),
	/** Byte offset from the start of the record (the common header included). */
	offset: z.number().int().nonnegative(),
	/** Size in bytes; for a dynamic field, the size of its 4-byte locator. */
	size: z.number().int().nonnegative(),
	/** Whether tracefs reports the field as signed. */
	signed: z.boolean(),
	/** Element count of a fixed-size array (`char comm[16]` → 16); null when not a fixed array. */
	arrayLength: z.number().int().positive().nullable(),
	/**
	 * A dynamic field's locator: `data_loc` holds (length << 16 | offset from the record start),
	 * `rel_loc` holds (length << 16 | offset from the end of the locator itself). Null for plain fields.
	 */
	dynamic: z.enum(['data_loc', 'rel_loc']).nullable(),
});
export type Field = z.output<typeof FieldSchema>;

/** A parsed `events/<category>/<name>/format` file. */
export const EventFormatSchema = z.strictObject({
	/** The `name:` line. */
	name: EventNameSchema,
	/** The `ID:` line: the event's type number on that kernel (differs between kernels). */
	id: z.number().int().nonnegative(),
	/** Fields of the common header (`common_type`, `common_pid`, …): present in every record. */
	commonFields: z.array(FieldSchema),
	/** The event's own fields, in the order tracefs lists them. */
	fields: z.array(FieldSchema),
	/** The `print fmt:` line without its prefix: how the kernel renders a record as text. */
	printFmt: z.string(),
});
export type EventFormat = z.output<typeof EventFormatSchema>;

/** One member of a context struct as BTF describes it. */
export const StructMemberSchema = z.strictObject({
	/** Member name, e.g. `args`, `__data_loc_filename`, `ent`. */
	name: constrained('member name', C_IDENTIFIER, C_IDENTIFIER_RULE, 128),
	/** C type of the member without its name or array suffix, e.g. `long unsigned int`, `struct trace_entry`. */
	type: cTypeText('member type'),
	/** Element count when the member is an array (`args[6]` → 6; `__data[0]` → 0); null otherwise. */
	arrayLength: z.number().int().nonnegative().nullable(),
	/** Byte offset within the struct. */
	offset: z.number().int().nonnegative(),
	/** Byte size of the member (the whole array for arrays). */
	size: z.number().int().nonnegative(),
	/** Width in bits for a bitfield member; null otherwise. */
	bitfieldSize: z.number().int().positive().nullable(),
});
export type StructMember = z.output<typeof StructMemberSchema>;

/** A `struct trace_event_raw_*` from the kernel's BTF: the type a `tracepoint/` program's ctx points to. */
export const ContextStructSchema = z.strictObject({
	/** Struct name without the `struct` keyword, e.g. `trace_event_raw_sys_enter`. */
	name: constrained('struct name', /^trace_event_raw_[A-Za-z0-9_]+$/, 'trace_event_raw_ followed by a C identifier', 128),
	/** sizeof(struct) in bytes. */
	size: z.number().int().nonnegative(),
	/** Members in offset order, as BTF lists them. */
	members: z.array(StructMemberSchema),
	/** The BTF object that defines it: `vmlinux`, or the module's name for a module's event (a file in /sys/kernel/btf/). */
	btf: constrained('btf object', MODULE_NAME, MODULE_RULE, 55),
});
export type ContextStruct = z.output<typeof ContextStructSchema>;

/** How an event's context struct was found, or why none fits. */
export const ContextSchema = z.discriminatedUnion('match', [
	z.strictObject({
		/**
		 * `event`: the struct carries the event's own name (`trace_event_raw_<name>`);
		 * `class`: the event shares a class, and the class's struct has exactly the event's fields;
		 * `syscall`: a `sys_enter_*`/`sys_exit_*` event, whose record the kernel lays out as
		 * `trace_event_raw_sys_enter`/`trace_event_raw_sys_exit` (arguments in `args[]`).
		 */
		match: z.enum(['event', 'class', 'syscall']),
		struct: ContextStructSchema,
	}),
	z.strictObject({
		match: z.literal('none'),
		/** Why no struct fits, in a sentence a reader can act on. */
		note: z.string().min(1),
	}),
]);
export type Context = z.output<typeof ContextSchema>;

/** Where an event comes from. */
export const OriginSchema = z.discriminatedUnion('kind', [
	z.strictObject({ kind: z.literal('builtin') }),
	/** Defined by a loadable module, which must be loaded before the event exists. */
	z.strictObject({ kind: z.literal('module'), module: ModuleNameSchema }),
]);
export type Origin = z.output<typeof OriginSchema>;

/** The longest format file accepted: the longest real one (a print fmt of an ext4 event) is about 34,000 characters. */
export const FORMAT_TEXT_MAX = 256 * 1024;

/** One tracepoint of one kernel. */
export const EventSchema = z.strictObject({
	/** The subsystem directory under events/, e.g. `syscalls`. */
	category: CategoryNameSchema,
	/** The event directory, e.g. `sys_enter_connect`. */
	name: EventNameSchema,
	origin: OriginSchema,
	/** The format file exactly as tracefs printed it. */
	formatText: z.string().min(1).max(FORMAT_TEXT_MAX, { error: `format text is longer than ${FORMAT_TEXT_MAX} characters` }),
	/** The format file parsed. */
	format: EventFormatSchema,
	context: ContextSchema,
});
export type Event = z.output<typeof EventSchema>;

/** Where the kernel came from. */
export const KernelSourceSchema = z.discriminatedUnion('kind', [
	z.strictObject({
		kind: z.literal('debian'),
		/** Debian suite the package was taken from, e.g. `bookworm`. */
		suite: constrained('Debian suite', /^[a-z][a-z0-9-]*$/, 'a Debian suite name (a-z, 0-9, -)', 32),
		/** The kernel image package, e.g. `linux-image-6.1.0-37-amd64-unsigned`. */
		package: constrained('package', /^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name', 128),
		/** The package version, e.g. `6.1.140-1`. */
		version: constrained('package version', /^[0-9][A-Za-z0-9.+~:-]*$/, 'a Debian version', 128),
	}),
	z.strictObject({
		/** The kernel that ran the capture script. */
		kind: z.literal('running'),
		/** `/proc/version` of that kernel. */
		procVersion: constrained('procVersion', /^[^\u0000-\u001f\u007f]+$/, 'one line of printable text', 1024),
	}),
	z.strictObject({
		/** A reader's machine: the archive public/atlas-capture.sh wrote there (src/lib/capture/archive.ts). */
		kind: z.literal('contributed'),
		/** `/proc/version` of that kernel. */
		procVersion: constrained('procVersion', /^[^\u0000-\u001f\u007f]+$/, 'one line of printable text', 1024),
		/** From the machine's os-release (`NAME`, `VERSION_ID`); null when it has none (e.g. Android). */
		os: z
			.strictObject({
				name: constrained('os-release NAME', /^[^\p{Cc}]+$/u, 'one line of printable text', 100),
				version: constrained('os-release VERSION_ID', /^[^\p{Cc}]+$/u, 'one line of printable text', 100).nullable(),
			})
			.nullable(),
		/** Where the script found the events: tracefs, or tracing under debugfs (older kernels). */
		traceSource: z.enum(['tracefs', 'debugfs']),
	}),
]);
export type KernelSource = z.output<typeof KernelSourceSchema>;

/** A kernel id: data/ file names and URLs, e.g. `6.1-amd64`. */
export const KernelIdSchema = constrained('kernel id', /^[a-z0-9][a-z0-9._-]*$/, 'a kernel id (a-z, 0-9, . _ -; starting with a letter or digit)', 64);

/**
 * Where, when and how a snapshot was taken. The architecture is both in the id (`6.1-arm64`) and in
 * `arch`; the two must agree (kernelArchProblem), since pages pick kernels by the one and the generator
 * and the verifier by the other.
 */
export const ProvenanceSchema = z.strictObject({
	/** Stable id used in data/ file names and URLs, e.g. `6.1-amd64`, `6.1-arm64`. */
	id: KernelIdSchema,
	/** `uname -r`, e.g. `6.1.0-37-amd64`, `6.12.117+deb13-amd64` (at most 64 characters, as in struct utsname). */
	release: constrained('release', /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/, 'a kernel release (letters, digits and . _ + ~ -)', 64),
	/** `uname -m`, e.g. `x86_64`, `aarch64`. */
	arch: constrained('arch', /^[a-z0-9_]+$/, 'a machine name as uname -m prints it (a-z, 0-9, _)', 32),
	source: KernelSourceSchema,
	/** UTC date of the capture, `YYYY-MM-DD`. */
	capturedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
	/** `qemu-tcg`, `qemu-kvm` (a booted Debian package), `running-kernel`, or `capture-script` (a reader ran atlas-capture.sh). */
	method: z.enum(['qemu-tcg', 'qemu-kvm', 'running-kernel', 'capture-script']),
	/** Whether the kernel exposed BTF at /sys/kernel/btf/vmlinux (needed for vmlinux.h and context structs). */
	btf: z.boolean(),
	/** Whether the kernel has syscall tracepoints (CONFIG_FTRACE_SYSCALLS: a `syscalls` category exists). */
	syscallTracepoints: z.boolean(),
	/** Modules that define trace events and were loaded for the capture, sorted. */
	modulesLoaded: z.array(ModuleNameSchema),
}).superRefine((provenance, ctx) => {
	const problem = kernelArchProblem({ id: provenance.id, arch: provenance.arch, fromDebian: provenance.source.kind === 'debian' });
	if (problem) ctx.addIssue({ code: 'custom', path: ['id'], message: problem });
});
export type Provenance = z.output<typeof ProvenanceSchema>;

/** One capture of one kernel: provenance and every event, sorted by category then name. */
export const SnapshotSchema = z
	.strictObject({
		provenance: ProvenanceSchema,
		events: z.array(EventSchema),
	})
	.superRefine((snapshot, ctx) => {
		for (let i = 1; i < snapshot.events.length; i++) {
			const prev = snapshot.events[i - 1]!;
			const cur = snapshot.events[i]!;
			if (compareEvents(prev, cur) >= 0) {
				ctx.addIssue({
					code: 'custom',
					path: ['events', i],
					message: `events must be sorted and unique: ${prev.category}:${prev.name} is followed by ${cur.category}:${cur.name}`,
				});
			}
		}
	});
export type Snapshot = z.output<typeof SnapshotSchema>;

/** The order of events in a snapshot: by category, then name (plain code-unit order, locale-independent). */
export function compareEvents(a: { category: string; name: string }, b: { category: string; name: string }): number {
	if (a.category !== b.category) return a.category < b.category ? -1 : 1;
	if (a.name !== b.name) return a.name < b.name ? -1 : 1;
	return 0;
}

/**
 * A failed validation as lines a reader can act on: which event (by the `category:name` the data claims,
 * quoted), where in it, and the problem with its value, e.g.
 * `event "syscalls:sys_enter_openat" at events[12].format.fields[1].name: field name "a;b" is not a C identifier …`.
 */
export function describeIssues(error: z.ZodError, raw: unknown): string {
	return error.issues
		.map((issue) => {
			const [first, index] = issue.path;
			const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
			const event = first === 'events' && typeof index === 'number' ? eventLabel((raw as { events?: unknown[] })?.events?.[index]) : null;
			return `${event ? `event ${event} at ` : ''}${where || '(top level)'}: ${issue.message}`;
		})
		.join('\n');
}

function eventLabel(event: unknown): string | null {
	if (typeof event !== 'object' || event === null) return null;
	const { category, name } = event as { category?: unknown; name?: unknown };
	return quoteValue(`${String(category)}:${String(name)}`);
}
