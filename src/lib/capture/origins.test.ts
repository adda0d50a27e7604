import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventOriginsFromKallsyms, formatEventOrigins } from './origins.ts';

// Real symbols: the running kernel's kallsyms head, then xfs.ko's and kvm.ko's symbol tables from a
// Debian 6.1 package, tagged as the kernel tags a loaded module's (fixtures/make-kallsyms.sh).
const kallsyms = readFileSync(new URL('./fixtures/kallsyms.txt', import.meta.url), 'utf8');
const ids = (...list: string[]) =>
	list.map((id) => {
		const [category, name] = id.split(':') as [string, string];
		return { category, name };
	});

describe('eventOriginsFromKallsyms', () => {
	it("tags each module's events with the module and leaves built-in events out", () => {
		const origins = eventOriginsFromKallsyms(
			kallsyms,
			ids('xfs:xfs_attr_list_sf', 'kvm:kvm_entry', 'kvmmmu:kvm_mmu_pagetable_walk', 'sched:sched_switch', 'syscalls:sys_enter_openat'),
			'kallsyms.txt',
		);
		expect([...origins]).toEqual([
			['xfs:xfs_attr_list_sf', 'xfs'],
			['kvm:kvm_entry', 'kvm'],
			['kvmmmu:kvm_mmu_pagetable_walk', 'kvm'],
		]);
		expect(formatEventOrigins(origins)).toBe('kvm:kvm_entry kvm\nkvmmmu:kvm_mmu_pagetable_walk kvm\nxfs:xfs_attr_list_sf xfs\n');
	});

	it("uses the module's trace systems when an event name is used in two categories", () => {
		// kvm defines systems kvm and kvmmmu; a second event of the same name in another system is not kvm's.
		const origins = eventOriginsFromKallsyms(kallsyms, ids('kvm:kvm_entry', 'other:kvm_entry'), 'kallsyms.txt');
		expect([...origins]).toEqual([['kvm:kvm_entry', 'kvm']]);
	});

	it('finds nothing in a kernel without modules', () => {
		const builtinOnly = kallsyms.split('\n').filter((l) => !l.includes('\t[')).join('\n');
		expect(eventOriginsFromKallsyms(builtinOnly, ids('xfs:xfs_attr_list_sf'), 'kallsyms.txt').size).toBe(0);
	});

	it('refuses to guess when two modules claim the same event', () => {
		const twice = `${kallsyms}\n${kallsyms.replaceAll('\t[xfs]', '\t[xfs_copy]')}`;
		expect(() => eventOriginsFromKallsyms(twice, ids('xfs:xfs_attr_list_sf'), 'kallsyms.txt')).toThrow(
			/kallsyms\.txt: modules xfs and xfs_copy both define trace event xfs:xfs_attr_list_sf/,
		);
	});
});
