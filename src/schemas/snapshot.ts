/**
 * The snapshot schema: what one capture of one kernel's tracepoints holds.
 *
 * One schema serves the capture script (validated before anything is written to data/) and the
 * site and generator (validated again when data/ is read), so a malformed file fails loudly at
 * either end instead of rendering wrong. The packed on-disk layout lives in src/data/store.ts.
 */
import { z } from 'zod';

/** One `field:` line of an event's format file. */
export const FieldSchema = z.strictObject({
	/** The declaration as tracefs printed it, e.g. `__data_loc char[] filename` or `char comm[16]`. */
	declaration: z.string().min(1),
	/** The field's name, e.g. `filename`. */
	name: z.string().min(1),
	/** The C type without name or array suffix: `const char *`, `char` (for `char comm[16]`), `u8` (for `__data_loc u8[]`). */
	type: z.string().min(1),
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
	name: z.string().min(1),
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
	name: z.string(),
	/** C type of the member without its name or array suffix, e.g. `long unsigned int`, `struct trace_entry`. */
	type: z.string().min(1),
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
	name: z.string().regex(/^trace_event_raw_\w+$/),
	/** sizeof(struct) in bytes. */
	size: z.number().int().nonnegative(),
	/** Members in offset order, as BTF lists them. */
	members: z.array(StructMemberSchema),
	/** The BTF object that defines it: `vmlinux`, or the module's name for a module's event. */
	btf: z.string().min(1),
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
	z.strictObject({ kind: z.literal('module'), module: z.string().min(1) }),
]);
export type Origin = z.output<typeof OriginSchema>;

/** One tracepoint of one kernel. */
export const EventSchema = z.strictObject({
	/** The subsystem directory under events/, e.g. `syscalls`. */
	category: z.string().regex(/^[\w.-]+$/),
	/** The event directory, e.g. `sys_enter_connect`. */
	name: z.string().regex(/^[\w.-]+$/),
	origin: OriginSchema,
	/** The format file exactly as tracefs printed it. */
	formatText: z.string().min(1),
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
		suite: z.string().min(1),
		/** The kernel image package, e.g. `linux-image-6.1.0-37-amd64-unsigned`. */
		package: z.string().min(1),
		/** The package version, e.g. `6.1.140-1`. */
		version: z.string().min(1),
	}),
	z.strictObject({
		/** The kernel that ran the capture script. */
		kind: z.literal('running'),
		/** `/proc/version` of that kernel. */
		procVersion: z.string().min(1),
	}),
	z.strictObject({
		/** A reader's machine: the archive public/atlas-capture.sh wrote there (src/lib/capture/archive.ts). */
		kind: z.literal('contributed'),
		/** `/proc/version` of that kernel. */
		procVersion: z.string().min(1),
		/** From the machine's os-release (`NAME`, `VERSION_ID`); null when it has none (e.g. Android). */
		os: z.strictObject({ name: z.string().regex(/^[^\p{Cc}]{1,100}$/u), version: z.string().regex(/^[^\p{Cc}]{1,100}$/u).nullable() }).nullable(),
		/** Where the script found the events: tracefs, or tracing under debugfs (older kernels). */
		traceSource: z.enum(['tracefs', 'debugfs']),
	}),
]);
export type KernelSource = z.output<typeof KernelSourceSchema>;

/** Where, when and how a snapshot was taken. */
export const ProvenanceSchema = z.strictObject({
	/** Stable id used in data/ file names and URLs, e.g. `6.1-amd64`. */
	id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
	/** `uname -r`, e.g. `6.1.0-37-amd64`. */
	release: z.string().min(1),
	/** `uname -m`, e.g. `x86_64`, `aarch64`. */
	arch: z.string().min(1),
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
	modulesLoaded: z.array(z.string()),
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
