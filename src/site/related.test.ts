import { describe, expect, it } from 'vitest';
import { committedCatalog } from '../../tests/site/data.ts';
import { relatedEvents, syscallFamily } from './related.ts';

describe('related events on the newest committed kernel', () => {
	const catalog = committedCatalog();
	const kernel = catalog.kernels.at(-1)!.id;
	const related = (category: string, name: string) =>
		relatedEvents(catalog.event(kernel, category, name)!, catalog.inCategory(kernel, category)).map((r) => `${r.relation}:${r.name}`);

	it('pairs a syscall entry with its exit, and lists its family', () => {
		expect(related('syscalls', 'sys_enter_accept')).toEqual(['pair:sys_exit_accept', 'sibling:sys_enter_accept4']);
		expect(related('syscalls', 'sys_exit_openat')).toEqual(expect.arrayContaining(['pair:sys_enter_openat', 'sibling:sys_exit_openat2']));
		expect(syscallFamily('renameat2')).toBe('rename');
	});

	it('pairs the two halves of other operations', () => {
		expect(related('irq', 'irq_handler_entry')).toContain('pair:irq_handler_exit');
	});

	it('lists events that share a class struct', () => {
		expect(related('sched', 'sched_wakeup')).toEqual(expect.arrayContaining(['class:sched_wakeup_new', 'class:sched_waking']));
	});
});
