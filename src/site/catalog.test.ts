import { describe, expect, it } from 'vitest';
import { committedCatalog } from '../../tests/site/data.ts';
import { compareReleases } from './kernels.ts';
import { unpackEventData, packEventData, partnerOf } from './event-data.ts';
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

	it('knows which kernels have each event and shows the newest by default', () => {
		const ids = catalog.kernels.map((k) => k.id);
		for (const e of catalog.events) {
			expect(e.kernels.length).toBeGreaterThan(0);
			expect(e.kernels).toEqual(ids.filter((id) => catalog.event(id, e.category, e.name)));
			expect(e.defaultKernel).toBe(e.kernels.at(-1));
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

	it("packs an event's data for the island and unpacks every kernel's copy unchanged, with its partner", () => {
		const e = catalog.find('syscalls', 'sys_enter_openat') ?? catalog.events.find((x) => partnerOf(x.name))!;
		const partner = partnerOf(e.name)!;
		const packed = packEventData(e.category, { [e.name]: catalog.versions(e.category, e.name), [partner]: catalog.versions(e.category, partner) });
		const data = unpackEventData(JSON.parse(JSON.stringify(packed)));
		expect(data.versions(e.name)).toEqual(catalog.versions(e.category, e.name));
		expect(data.versions(partner)).toEqual(catalog.versions(e.category, partner));
		// Structs are pooled: the syscall struct is stored once however many kernels share it.
		expect(packed.structs.length).toBeLessThan(2 * catalog.kernels.length);
	});
});
