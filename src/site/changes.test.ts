import { describe, expect, it } from 'vitest';
import { committedCatalog } from '../../tests/site/data.ts';
import { archOf } from './arches.ts';
import { eventChangesByArch, eventVariants, fieldChanges, fieldsDiffer, kernelChanges } from './changes.ts';

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
		const variants = eventVariants(catalog.versions('sock', 'inet_sock_set_state').filter((v) => archOf(v.kernel) === 'amd64'));
		const last = variants.at(-1)!;
		expect(last.kernels.map((k) => k.id)).toEqual(['7.2-amd64']);
		expect(last.changes).toEqual([]);
		expect(last.diff).toEqual([]);
		expect(last.tables).toEqual([{ field: 'protocol', kind: 'changed', added: [], removed: ['IPPROTO_DCCP'], moved: [] }]);
	});

	it('follows each architecture along its own kernels, and compares arm64 with amd64 of the same series', () => {
		const versions = catalog.versions('syscalls', 'sys_enter_openat');
		const { arches, across } = eventChangesByArch(versions);
		expect(arches.map((a) => a.arch)).toEqual(['amd64', 'arm64']);
		for (const { arch, variants } of arches) expect(variants.flatMap((v) => v.kernels.map((k) => k.id)), arch).toEqual(versions.filter((v) => archOf(v.kernel) === arch).map((v) => v.kernel.id));
		// Every arm64 kernel is paired with its amd64 twin of the same series (no arm64 5.10 is captured yet, so none lacks one).
		const pairs = across.flatMap((d) => d.to.map((to, i) => `${d.from[i]!.id}→${to.id}`));
		expect(pairs).toEqual(versions.filter((v) => archOf(v.kernel) === 'arm64').map((v) => `${v.kernel.id.replace('arm64', 'amd64')}→${v.kernel.id}`));
		// 6.1 and 6.12 are the same on both sides, told once; 7.2 differs.
		expect(across.map((d) => [d.to.map((k) => k.id), d.variant === null])).toEqual([
			[['6.1-arm64', '6.12-arm64'], true],
			[['7.2-arm64'], false],
		]);
		// A difference is exactly what fieldsDiffer and the value tables say, nothing else.
		for (const d of across) {
			const [a, b] = [catalog.event(d.from[0]!.id, 'syscalls', 'sys_enter_openat')!, catalog.event(d.to[0]!.id, 'syscalls', 'sys_enter_openat')!];
			if (fieldsDiffer(a, b)) expect(d.variant?.changes.length, d.to[0]!.id).toBeGreaterThan(0);
			else expect(d.variant?.changes ?? [], d.to[0]!.id).toEqual([]);
		}
	});

	it("shows what learners trip over: arm64's clone swaps tls and child_tidptr, and 7.2-arm64's openat prints O_DIRECTORY and friends by other values", () => {
		// One difference, the same on every arm64 kernel.
		const [clone, ...more] = eventChangesByArch(catalog.versions('syscalls', 'sys_enter_clone')).across;
		expect(more).toEqual([]);
		expect(clone!.to.map((k) => k.id)).toEqual(['6.1-arm64', '6.12-arm64', '7.2-arm64']);
		const offsets = Object.fromEntries(clone!.variant!.changes.map((c) => [c.name, [c.before?.offset, c.after?.offset]]));
		expect(offsets).toEqual({ tls: [48, 40], child_tidptr: [40, 48] });
		const openat = eventChangesByArch(catalog.versions('syscalls', 'sys_enter_openat')).across.find((d) => d.to.some((k) => k.id === '7.2-arm64'))!;
		expect(openat.variant?.changes).toEqual([]);
		expect(openat.variant?.tables).toEqual([{ field: 'flags', kind: 'changed', added: [], removed: [], moved: ['O_DIRECT', 'O_LARGEFILE', 'O_DIRECTORY', 'O_NOFOLLOW'] }]);
	});
});
