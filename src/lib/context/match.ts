/**
 * Which `struct trace_event_raw_*` a tracepoint program's ctx points to, for one event. Pure.
 *
 * The kernel's TRACE_EVENT macros lay out every record as `struct trace_event_raw_<class>`: the
 * common header `ent`, then one member per field (a dynamic field `f` becomes the 4-byte locator
 * `__data_loc_f` or `__rel_loc_f`), then the flexible `__data[0]`. So a struct fits an event when its
 * members between `ent` and `__data` are the event's fields, name for name, at the same offsets and
 * sizes. In order:
 *   1. `syscall`: syscalls:sys_enter_… and sys_exit_… records are laid out like raw_syscalls' events:
 *      trace_event_raw_sys_enter (args[] from offset 16) / trace_event_raw_sys_exit (ret at 16).
 *   2. `event`: trace_event_raw_<event name> fits.
 *   3. `class`: another struct fits (the event is a DEFINE_EVENT of that class).
 *   4. `none`, with a note that says why.
 * A module's event is looked up in the module's BTF first, then in vmlinux.
 */
import type { Context, ContextStruct, EventFormat, Field, StructMember } from '../../schemas/snapshot.ts';

/** The context structs of one BTF object, indexed for matching. */
export interface StructIndex {
	/** `vmlinux` or the module's name, as written in notes. */
	btf: string;
	byName: ReadonlyMap<string, ContextStruct>;
	/** Structs by their fields' layout key (see layoutKey). */
	byLayout: ReadonlyMap<string, readonly ContextStruct[]>;
}

/** Where to look: vmlinux's structs (null when the kernel has no BTF) and each module's. */
export interface ContextSources {
	vmlinux: StructIndex | null;
	modules: ReadonlyMap<string, StructIndex>;
	/** Names of all the kernel's events: a struct named after one of them is that event's own, not a shared class. */
	eventNames: ReadonlySet<string>;
}

export interface EventToMatch {
	category: string;
	name: string;
	/** The module that defines the event, or null for a built-in event. */
	module: string | null;
	format: EventFormat;
}

/** The member name a field becomes in the struct: a dynamic field's locator is `__data_loc_<f>`/`__rel_loc_<f>`. */
function memberNameOf(field: Field): string {
	return field.dynamic ? `__${field.dynamic}_${field.name}` : field.name;
}

const slot = (name: string, offset: number, size: number) => `${name}@${offset}+${size}`;

/** The event's fields as the struct members they must be, e.g. `prev_comm@8+16 prev_pid@24+4`. */
function fieldsKey(fields: readonly Field[]): string {
	return fields.map((f) => slot(memberNameOf(f), f.offset, f.size)).join(' ');
}

/** The struct's members without the common header `ent` and the trailing flexible `__data[0]`. */
function payload(struct: ContextStruct): StructMember[] {
	const members = struct.members.slice();
	if (members[0]?.name === 'ent' && members[0].type === 'struct trace_entry') members.shift();
	const last = members.at(-1);
	if (last?.name === '__data' && last.arrayLength === 0) members.pop();
	return members;
}

function layoutKey(struct: ContextStruct): string {
	return payload(struct)
		.map((m) => slot(m.name, m.offset, m.size))
		.join(' ');
}

export function indexStructs(btf: string, structs: readonly ContextStruct[]): StructIndex {
	const byName = new Map<string, ContextStruct>();
	const byLayout = new Map<string, ContextStruct[]>();
	for (const s of structs) {
		byName.set(s.name, s);
		const key = layoutKey(s);
		byLayout.set(key, [...(byLayout.get(key) ?? []), s]);
	}
	return { btf, byName, byLayout };
}

const PREFIX = 'trace_event_raw_';

/** How many of the struct's members have the same C type text as the event's field in their place. */
function typeAgreement(struct: ContextStruct, fields: readonly Field[]): number {
	const members = payload(struct);
	return fields.filter((f, i) => !f.dynamic && members[i]?.type === f.type).length;
}

/** Words of a name split at `_`: `block_rq_issue` → block, rq, issue. */
const words = (name: string) => name.split('_');

/** How many leading words two names share. */
function sharedWords(a: string[], b: string[]): number {
	let i = 0;
	while (i < a.length && i < b.length && a[i] === b[i]) i++;
	return i;
}

/**
 * The class struct for an event among several with the same layout. Any of them describes the
 * record's bytes; we want the one the kernel used, chosen deterministically by, in order:
 *   - most members whose C type text equals the field's (the TRACE_EVENT source spells both alike);
 *   - a pure class (DECLARE_EVENT_CLASS) before a struct named after another event (a TRACE_EVENT's own);
 *   - most leading words shared with the event's name (block_rq_issue → block_rq);
 *   - fewest words beyond those (dma_fence_emit → dma_fence rather than dma_fence_unsignaled);
 *   - the smallest name.
 */
function pickClass(candidates: readonly ContextStruct[], event: EventToMatch, eventNames: ReadonlySet<string>): ContextStruct {
	const eventWords = words(event.name);
	const ranked = candidates.map((s) => {
		const className = s.name.slice(PREFIX.length);
		const classWords = words(className);
		const shared = sharedWords(classWords, eventWords);
		return { s, types: typeAgreement(s, event.format.fields), otherEvent: eventNames.has(className) ? 1 : 0, shared, extra: classWords.length - shared };
	});
	ranked.sort(
		(a, b) =>
			b.types - a.types ||
			a.otherEvent - b.otherEvent ||
			b.shared - a.shared ||
			a.extra - b.extra ||
			(a.s.name < b.s.name ? -1 : a.s.name > b.s.name ? 1 : 0),
	);
	return (ranked[0] as (typeof ranked)[number]).s;
}

const SYSCALL_RECORD = { enter: 'trace_event_raw_sys_enter', exit: 'trace_event_raw_sys_exit' } as const;

/** A syscalls:sys_enter_… or sys_exit_… event's struct, when the event's fields sit where that struct has room for them. */
function matchSyscall(event: EventToMatch, vmlinux: StructIndex): Context | null {
	const kind = /^sys_(enter|exit)_/.exec(event.name)?.[1] as 'enter' | 'exit' | undefined;
	if (event.category !== 'syscalls' || !kind) return null;
	const struct = vmlinux.byName.get(SYSCALL_RECORD[kind]);
	if (!struct) return null;
	// __syscall_nr sits where the struct has `id`; each argument (or `ret`) must fall inside args[] (or `ret`).
	const data = struct.members.find((m) => m.name === (kind === 'enter' ? 'args' : 'ret'));
	if (!data) return null;
	const fits = event.format.fields.every(
		(f) => f.name === '__syscall_nr' || (f.offset >= data.offset && f.offset + f.size <= data.offset + data.size),
	);
	return fits ? { match: 'syscall', struct } : null;
}

function matchIn(index: StructIndex, event: EventToMatch, eventNames: ReadonlySet<string>): Context | null {
	const key = fieldsKey(event.format.fields);
	const own = index.byName.get(`${PREFIX}${event.name}`);
	if (own && layoutKey(own) === key) return { match: 'event', struct: own };
	const candidates = index.byLayout.get(key);
	if (candidates?.length) return { match: 'class', struct: pickClass(candidates, event, eventNames) };
	return null;
}

/** The context struct of one event, or why there is none. */
export function matchContext(event: EventToMatch, sources: ContextSources): Context {
	const vmlinux = sources.vmlinux;
	if (!vmlinux) {
		return {
			match: 'none',
			note: 'This kernel has no BTF (/sys/kernel/btf/vmlinux is missing), so there is no trace_event_raw_* struct to use; declare the record yourself from the offsets in the format file.',
		};
	}
	const syscall = matchSyscall(event, vmlinux);
	if (syscall) return syscall;

	const moduleIndex = event.module === null ? undefined : sources.modules.get(event.module);
	for (const index of [moduleIndex, vmlinux]) {
		const found = index && matchIn(index, event, sources.eventNames);
		if (found) return found;
	}

	const where = event.module === null ? 'vmlinux BTF' : `BTF of module ${event.module}${moduleIndex ? '' : ' (which has none)'} or of vmlinux`;
	const own = moduleIndex?.byName.get(`${PREFIX}${event.name}`) ?? vmlinux.byName.get(`${PREFIX}${event.name}`);
	const fields = fieldsKey(event.format.fields) || 'none';
	const why = own
		? `${own.name} exists but its members (name@offset+size: ${layoutKey(own) || 'none'}) differ from the event's fields (${fields})`
		: `no trace_event_raw_* struct in the ${where} has exactly this event's fields (name@offset+size: ${fields})`;
	return { match: 'none', note: `${why}; declare the record yourself from the offsets in the format file.` };
}
