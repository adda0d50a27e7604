/**
 * `data/events/<category>/<name>.json`: everything an event page needs to redraw itself for another
 * kernel and to run the generator in the browser, in one small fetch: the event on every kernel that
 * has it, and its partner (`sys_exit_*` of a `sys_enter_*`, for pairing). Format texts travel
 * unparsed (the parser runs in the browser too) and context structs are pooled.
 */
import { parseFormat } from '../lib/format/parse.ts';
import type { Context, ContextStruct, Event, Provenance } from '../schemas/snapshot.ts';

type PackedContext = { match: 'event' | 'class' | 'syscall'; struct: number } | { match: 'none'; note: string };

interface PackedVersion {
	module: string | null;
	formatText: string;
	context: PackedContext;
}

export interface PackedEventData {
	category: string;
	/** The kernels that appear below, oldest first. */
	kernels: Provenance[];
	structs: ContextStruct[];
	/** Event name → kernel id → that kernel's copy. */
	events: Record<string, Record<string, PackedVersion>>;
}

export interface EventData {
	category: string;
	kernels: Provenance[];
	/** One kernel's copy of an event of this category (the page's event or its partner). */
	event(name: string, kernel: string): Event | undefined;
	/** Every kernel's copy of an event, oldest first. */
	versions(name: string): { kernel: Provenance; event: Event }[];
}

/** The partner the generator may need: the exit of a syscall entry. */
export function partnerOf(name: string): string | null {
	return name.startsWith('sys_enter_') ? `sys_exit_${name.slice('sys_enter_'.length)}` : null;
}

export function packEventData(category: string, byName: Record<string, readonly { kernel: Provenance; event: Event }[]>): PackedEventData {
	const kernels = new Map<string, Provenance>();
	const structs: ContextStruct[] = [];
	const structIndex = new Map<string, number>();
	const pool = (struct: ContextStruct) => {
		const key = JSON.stringify(struct);
		let index = structIndex.get(key);
		if (index === undefined) {
			index = structs.push(struct) - 1;
			structIndex.set(key, index);
		}
		return index;
	};
	const events: PackedEventData['events'] = {};
	for (const [name, versions] of Object.entries(byName)) {
		const perKernel: Record<string, PackedVersion> = {};
		for (const { kernel, event } of versions) {
			kernels.set(kernel.id, kernel);
			perKernel[kernel.id] = {
				module: event.origin.kind === 'module' ? event.origin.module : null,
				formatText: event.formatText,
				context: event.context.match === 'none' ? event.context : { match: event.context.match, struct: pool(event.context.struct) },
			};
		}
		events[name] = perKernel;
	}
	return { category, kernels: [...kernels.values()], structs, events };
}

export function unpackEventData(packed: PackedEventData): EventData {
	const parsed = new Map<string, Event>();
	const event = (name: string, kernel: string): Event | undefined => {
		const key = `${name}\0${kernel}`;
		const cached = parsed.get(key);
		if (cached) return cached;
		const v = packed.events[name]?.[kernel];
		if (!v) return undefined;
		const context: Context = v.context.match === 'none' ? v.context : { match: v.context.match, struct: packed.structs[v.context.struct]! };
		const result: Event = {
			category: packed.category,
			name,
			origin: v.module === null ? { kind: 'builtin' } : { kind: 'module', module: v.module },
			formatText: v.formatText,
			format: parseFormat(v.formatText, `${packed.category}/${name}/format of kernel ${kernel}`),
			context,
		};
		parsed.set(key, result);
		return result;
	};
	return {
		category: packed.category,
		kernels: packed.kernels,
		event,
		versions: (name) => packed.kernels.flatMap((kernel) => {
			const e = event(name, kernel.id);
			return e ? [{ kernel, event: e }] : [];
		}),
	};
}
