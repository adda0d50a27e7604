/**
 * Which data shard holds an event: the build writes each category's events into shardCount(size)
 * files, and the browser finds an event's file from its name and that count (data/events.json
 * carries the count of every category). Kept apart from event-data.ts so search loads none of it.
 */

/** About this many events go into one shard: a few tens of kB gzip, fetched once and cached. */
export const SHARD_EVENTS = 48;

/** How many shards a category of `size` events is spread over. */
export const shardCount = (size: number): number => Math.max(1, Math.ceil(size / SHARD_EVENTS));

/** The shard of an event in a category of `count` shards; an entry and its exit hash alike, so they travel together. */
export function shardOf(name: string, count: number): number {
	const stem = name.replace(/^sys_(enter|exit)_/, 'sys_');
	// FNV-1a: stable across builds and the same in the browser.
	let hash = 0x811c9dc5;
	for (let i = 0; i < stem.length; i++) hash = Math.imul(hash ^ stem.charCodeAt(i), 0x01000193) >>> 0;
	return hash % count;
}

const countsOf = new WeakMap<readonly { category: string }[], Map<string, number>>();

/** Each category's shard count for a list of events (the catalog's); computed once per list. */
export function shardCounts(events: readonly { category: string }[]): Map<string, number> {
	let counts = countsOf.get(events);
	if (!counts) {
		const sizes = new Map<string, number>();
		for (const e of events) sizes.set(e.category, (sizes.get(e.category) ?? 0) + 1);
		counts = new Map([...sizes].map(([category, size]) => [category, shardCount(size)]));
		countsOf.set(events, counts);
	}
	return counts;
}
