/**
 * `data/events.json`: every distinct event with the kernels that have it and its origin, packed
 * small enough for the explorer to fetch at once (categories and modules are pooled, the kernels
 * an event exists on are a bit mask).
 */
import type { Catalog } from './catalog.ts';
import { shardCounts } from './shards.ts';

export interface IndexKernel {
	id: string;
	release: string;
	arch: string;
}

export interface IndexEntry {
	category: string;
	name: string;
	/** Bit i set: the event exists on kernels[i]. */
	kernels: number;
	/** The module that provides it, or null when built in. */
	module: string | null;
}

export interface EventIndex {
	kernels: IndexKernel[];
	categories: string[];
	/** How many data shards each category's events are spread over (same order as categories; see event-data.ts). */
	shards: number[];
	entries: IndexEntry[];
	/** `category:name` of the events the guides and the home page use (see featured.ts). */
	featured: ReadonlySet<string>;
}

/** The JSON form: `[category index, name, kernel mask, module index or -1]` per event. */
export interface PackedEventIndex {
	kernels: IndexKernel[];
	categories: string[];
	shards: number[];
	modules: string[];
	events: [number, string, number, number][];
	/** Positions in `events` of the featured events. */
	featured: number[];
}

/** A bit mask holds at most 31 kernels; more would need a wider encoding. */
const MAX_KERNELS = 31;

export function packEventIndex(catalog: Catalog, featured: readonly string[] = []): PackedEventIndex {
	if (catalog.kernels.length > MAX_KERNELS) {
		throw new Error(`the event index holds at most ${MAX_KERNELS} kernels, data/ has ${catalog.kernels.length}`);
	}
	const kernelBit = new Map(catalog.kernels.map((k, i) => [k.id, 1 << i]));
	const categoryIndex = new Map(catalog.categories.map((c, i) => [c, i]));
	const modules = [...new Set(catalog.events.flatMap((e) => (e.module ? [e.module] : [])))].sort();
	const moduleIndex = new Map(modules.map((m, i) => [m, i]));
	return {
		kernels: catalog.kernels.map(({ id, release, arch }) => ({ id, release, arch })),
		categories: catalog.categories,
		shards: catalog.categories.map((c) => shardCounts(catalog.events).get(c)!),
		modules,
		events: catalog.events.map((e) => [
			categoryIndex.get(e.category)!,
			e.name,
			e.kernels.reduce((mask, id) => mask | kernelBit.get(id)!, 0),
			e.module === null ? -1 : moduleIndex.get(e.module)!,
		]),
		featured: catalog.events.flatMap((e, i) => (featured.includes(`${e.category}:${e.name}`) ? [i] : [])),
	};
}

export function unpackEventIndex(packed: PackedEventIndex): EventIndex {
	const featured = new Set(packed.featured.map((i) => `${packed.categories[packed.events[i]![0]]}:${packed.events[i]![1]}`));
	return {
		featured,
		kernels: packed.kernels,
		categories: packed.categories,
		shards: packed.shards,
		entries: packed.events.map(([category, name, kernels, module]) => ({
			category: packed.categories[category]!,
			name,
			kernels,
			module: module < 0 ? null : packed.modules[module]!,
		})),
	};
}
