import { describe, expect, it } from 'vitest';
import { committedCatalog } from '../../tests/site/data.ts';
import { eventVariants, fieldChanges, fieldsDiffer, kernelChanges } from './changes.ts';

describe('changes between the committed kernels', () => {
	const catalog = committedCatalog();
	const eventsOf = (id: string) => catalog.categories.flatMap((c) => catalog.inCategory(id, c));
	const [older, newer] = [catalog.kernels[0]!, catalog.kernels.at(-1)!];

	it('lists events added, removed and changed as exactly the differences of the two kernels', () => {
		const a = eventsOf(older.id);
		const b = eventsOf(newer.id);
		const changes = kernelChanges(a, b);
		const keysA = new Set(a.map((e) => `${e.category}:${e.name}`));
		const keysB = new Set(b.map((e) => `${e.category}:${e.name}`));
		expect(changes.added).toEqual([...keysB].filter((k) => !keysA.has(k)));
		expect(changes.removed).toEqual([...keysA].filter((k) => !keysB.has(k)));
		expect(changes.added.length + changes.removed.length + changes.changed.length).toBeGreaterThan(0);
	});

	it('explains every changed event field by field and line by line', () => {
		const changed = kernelChanges(eventsOf(older.id), eventsOf(newer.id)).changed;
		expect(changed.length).toBeGreaterThan(0);
		for (const key of changed.slice(0, 200)) {
			const [category, name] = key.split(':') as [string, string];
			const variants = eventVariants(catalog.versions(category, name));
			expect(variants.length).toBeGreaterThan(1);
			// A variant starts where the fields change (a field diff) or only a value table does (a table change).
			for (const v of variants.slice(1)) {
				expect(v.changes.length + v.tables.length, key).toBeGreaterThan(0);
				if (v.changes.length > 0) expect(v.diff.some((d) => d.kind !== 'same'), key).toBe(true);
				else expect(v.diff, key).toEqual([]);
			}
			const a = catalog.event(older.id, category, name)!;
			const b = catalog.event(newer.id, category, name)!;
			expect(fieldsDiffer(a, b)).toBe(true);
			for (const c of fieldChanges(a.format.fields, b.format.fields)) {
				if (c.kind === 'added') expect(a.format.fields.some((f) => f.name === c.name)).toBe(false);
				if (c.kind === 'removed') expect(b.format.fields.some((f) => f.name === c.name)).toBe(false);
				if (c.kind === 'changed') expect(c.before).not.toEqual(c.after);
			}
		}
	});

	it('keeps an unchanged event in one variant across all its kernels', () => {
		const e = catalog.find('sched', 'sched_process_exec')!;
		const variants = eventVariants(catalog.versions(e.category, e.name));
		expect(variants.flatMap((v) => v.kernels.map((k) => k.id))).toEqual(e.kernels);
	});

	it('starts a variant where only a value table changes: 7.2 dropped DCCP from inet_sock_set_state\'s protocols', () => {
		const variants = eventVariants(catalog.versions('sock', 'inet_sock_set_state'));
		const last = variants.at(-1)!;
		expect(last.kernels.map((k) => k.id)).toEqual(['7.2-amd64']);
		expect(last.changes).toEqual([]);
		expect(last.diff).toEqual([]);
		expect(last.tables).toEqual([{ field: 'protocol', kind: 'changed', added: [], removed: ['IPPROTO_DCCP'], moved: [] }]);
	});
});
