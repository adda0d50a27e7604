import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/data/store.ts';
import { selectEvents, SelectionError } from './select.ts';

const DATA = new URL('../../data', import.meta.url).pathname;
const snapshot = readSnapshot(DATA, '6.1-amd64');
const keys = (list: string) => selectEvents(list, snapshot.events, '6.1-amd64').map((e) => `${e.category}:${e.name}`);

describe('selectEvents (npm run verify -- --events)', () => {
	it('takes exact names, globs on either side and whole categories, once each and in snapshot order', () => {
		expect(keys('syscalls:sys_enter_connect')).toEqual(['syscalls:sys_enter_connect']);
		expect(keys('syscalls:sys_exit_connect, syscalls:sys_enter_connect,syscalls:sys_enter_connect')).toEqual(['syscalls:sys_enter_connect', 'syscalls:sys_exit_connect']);
		const stats = keys('syscalls:sys_enter_*stat*');
		expect(stats).toContain('syscalls:sys_enter_newfstatat');
		expect(stats).toContain('syscalls:sys_enter_statx');
		expect(stats.every((k) => /^syscalls:sys_enter_.*stat/.test(k))).toBe(true);
		const sched = snapshot.events.filter((e) => e.category === 'sched').map((e) => `${e.category}:${e.name}`);
		expect(keys('sched:*')).toEqual(sched);
		expect(keys('*:sched_switch')).toEqual(['sched:sched_switch']);
	});

	it('refuses a pattern that matches nothing, names it and the kernel, so a typo cannot pass as a verified nothing', () => {
		expect(() => keys('syscalls:sys_enter_conect')).toThrow(new SelectionError('--events: "syscalls:sys_enter_conect" matches no event of 6.1-amd64'));
		expect(() => keys('')).toThrow(/--events is empty/);
	});

	it('refuses what is not category:name before matching, without echoing a long input whole', () => {
		for (const hostile of ['sys_enter_connect', 'syscalls:sys_enter_connect;rm -rf /', '../data:x', 'a:b:c', 'syscalls:(.*)+', `${'a'.repeat(5000)}:b`]) {
			expect(() => keys(hostile), hostile).toThrow(/is not category:name/);
			try {
				keys(hostile);
			} catch (error) {
				expect((error as Error).message.length).toBeLessThan(200);
			}
		}
		expect(() => keys(Array.from({ length: 201 }, () => 'sched:*').join(','))).toThrow(/at most 200/);
	});
});
