/**
 * `data/events/<category>/<shard>.json`: everything an event page needs to redraw itself for another
 * kernel and to run the generator in the browser, in one cacheable fetch shared by the pages of
 * several events: a category's events are spread over shards of about SHARD_EVENTS events by a hash
 * of their name, every kernel's copy in the same shard, and a `sys_enter_*` beside its `sys_exit_*`
 * (the partner the generator pairs it with). One file per event would be thousands of files (free
 * static hosts cap the count); one per category would make a syscall page fetch every syscall.
 * Format texts travel unparsed (the parser runs in the browser too); texts and context structs that
 * kernels share are stored once.
 */
import { parseFormat } from '../lib/format/parse.ts';
import type { Context, ContextStruct, Event, Provenance } from '../schemas/snapshot.ts';
import type { Catalog } from './catalog.ts';
import { shardCounts, shardOf } from './shards.ts';

type PackedContext = { match: 'event' | 'class' | 'syscall'; struct: number } | { match: 'none'; note: string };

interface PackedVersion {
	module: string | null;
	/** Index into `formats`. */
	format: number;
	context: PackedContext;
}

export interface PackedEventData {
	category: string;
	/** The kernels that appear below, oldest first. */
	kernels: Provenance[];
	structs: ContextStruct[];
	formats: string[];
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

/** Every event of every kernel, grouped into its category's shards: what the build writes. */
export function eventShards(catalog: Pick<Catalog, 'kernels' | 'categories' | 'events' | 'versions'>): { category: string; shard: number; data: PackedEventData }[] {
	const byCategory = Map.groupBy(catalog.events, (e) => e.category);
	return catalog.categories.flatMap((category) => {
		const events = byCategory.get(category) ?? [];
		const count = shardCounts(catalog.events).get(category)!;
		const shards = Map.groupBy(events, (e) => shardOf(e.name, count));
		return [...shards.entries()]
			.sort(([a], [b]) => a - b)
			.map(([shard, members]) => ({
				category,
				shard,
				data: packEventData(category, Object.fromEntries(members.map((e) => [e.name, catalog.versions(category, e.name)])), catalog.kernels),
			}));
	});
}

/** `kernels`: every kernel, oldest first (the shard keeps those its events are on, in that order). */
export function packEventData(category: string, byName: Record<string, readonly { kernel: Provenance; event: Event }[]>, kernels: readonly Provenance[]): PackedEventData {
	const present = new Set<string>();
	const structs: ContextStruct[] = [];
	const formats: string[] = [];
	const pool = <T>(list: T[], seen: Map<string, number>, item: T, key: string) => {
		let index = seen.get(key);
		if (index === undefined) {
			index = list.push(item) - 1;
			seen.set(key, index);
		}
		return index;
	};
	const structIndex = new Map<string, number>();
	const formatIndex = new Map<string, number>();
	const events: PackedEventData['events'] = {};
	for (const [name, versions] of Object.entries(byName)) {
		const perKernel: Record<string, PackedVersion> = {};
		for (const { kernel, event } of versions) {
			present.add(kernel.id);
			perKernel[kernel.id] = {
				module: event.origin.kind === 'module' ? event.origin.module : null,
				format: pool(formats, formatIndex, event.formatText, event.formatText),
				context:
					event.context.match === 'none'
						? event.context
						: { match: event.context.match, struct: pool(structs, structIndex, event.context.struct, JSON.stringify(event.context.struct)) },
			};
		}
		events[name] = perKernel;
	}
	return { category, kernels: kernels.filter((k) => present.has(k.id)), structs, formats, events };
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
			formatText: packed.formats[v.format]!,
			format: parseFormat(packed.formats[v.format]!, `${packed.category}/${name}/format of kernel ${kernel}`),
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
