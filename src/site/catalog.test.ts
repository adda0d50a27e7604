import { describe, expect, it } from 'vitest';
import { committedCatalog } from '../../tests/site/data.ts';
import { compareReleases } from './kernels.ts';
import { eventShards, partnerOf, unpackEventData } from './event-data.ts';
import { SHARD_EVENTS, shardCounts, shardOf } from './shards.ts';
import { packEventIndex, unpackEventIndex } from './event-index.ts';

describe('catalog of the committed kernels', () => {
	const catalog = committedCatalog();

	it('orders kernels oldest first and unites their events', () => {
		const releases = catalog.kernels.map((k) => k.release);
		expect([...releases].sort(compareReleases)).toEqual(releases);
		const keys = catalog.events.map((e) => `${e.category}:${e.name}`);
		expect(new Set(keys).size).toBe(keys.length);
		expect(catalog.categories).toEqual([...new Set(catalog.events.map((e) => e.category))].sort());
	});

	it('knows which kernels have each event and shows the newest amd64 kernel that has it by default', () => {
		const ids = catalog.kernels.map((k) => k.id);
		for (const e of catalog.events) {
			expect(e.kernels.length).toBeGreaterThan(0);
			expect(e.kernels).toEqual(ids.filter((id) => catalog.event(id, e.category, e.name)));
			const amd64 = e.kernels.filter((id) => id.endsWith('-amd64'));
			expect(e.defaultKernel).toBe(amd64.at(-1) ?? e.kernels.at(-1));
		}
	});

	it('packs the search index small and unpacks it to the same events', () => {
		const packed = packEventIndex(catalog);
		const index = unpackEventIndex(JSON.parse(JSON.stringify(packed)));
		expect(index.entries.length).toBe(catalog.events.length);
		for (const [i, e] of catalog.events.entries()) {
			const entry = index.entries[i]!;
			expect([entry.category, entry.name, entry.module]).toEqual([e.category, e.name, e.module]);
			expect(index.kernels.filter((_, k) => entry.kernels & (1 << k)).map((k) => k.id)).toEqual(e.kernels);
		}
	});

	it("spreads every event into one shard of its category, beside its exit partner, and unpacks every kernel's copy unchanged", () => {
		const shards = eventShards(catalog);
		const counts = shardCounts(catalog.events);
		const seen = new Map<string, number>();
		for (const { category, shard, data } of shards) {
			expect(data.category).toBe(category);
			expect(shard).toBeLessThan(counts.get(category)!);
			for (const name of Object.keys(data.events)) {
				expect(seen.has(`${category}:${name}`), name).toBe(false);
				seen.set(`${category}:${name}`, shard);
				expect(shardOf(name, counts.get(category)!)).toBe(shard);
			}
		}
		expect(seen.size).toBe(catalog.events.length);
		const e = catalog.find('syscalls', 'sys_enter_openat') ?? catalog.events.find((x) => partnerOf(x.name))!;
		const partner = partnerOf(e.name)!;
		const packed = shards.find((s) => s.category === e.category && s.shard === seen.get(`${e.category}:${e.name}`))!.data;
		expect(Object.keys(packed.events)).toContain(partner);
		const data = unpackEventData(JSON.parse(JSON.stringify(packed)));
		expect(data.versions(e.name)).toEqual(catalog.versions(e.category, e.name));
		expect(data.versions(partner)).toEqual(catalog.versions(e.category, partner));
		// Structs and format texts that kernels share are stored once.
		expect(packed.structs.length).toBeLessThan(Object.keys(packed.events).length * catalog.kernels.length);
		const copies = Object.values(packed.events).reduce((n, perKernel) => n + Object.keys(perKernel).length, 0);
		expect(packed.formats.length).toBeLessThan(copies);
		// No shard is much larger than SHARD_EVENTS events, and a large category is split.
		expect(Math.max(...shards.map((s) => Object.keys(s.data.events).length))).toBeLessThan(3 * SHARD_EVENTS);
		expect(counts.get('syscalls')).toBeGreaterThan(1);
	});
});
