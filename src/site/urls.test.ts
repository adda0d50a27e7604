import { describe, expect, it } from 'vitest';
import { createUrls, langOfPath } from './urls.ts';

describe('urls', () => {
	it('puts Chinese at the root and English under en/, below any base', () => {
		for (const base of ['/atlas', '/atlas/']) {
			const u = createUrls(base);
			expect(u.home('zh')).toBe('/atlas/');
			expect(u.home('en')).toBe('/atlas/en/');
			expect(u.event('zh', 'syscalls', 'sys_enter_connect')).toBe('/atlas/events/syscalls/sys_enter_connect/');
			expect(u.event('en', 'sched', 'sched_process_exec', '6.1-amd64')).toBe('/atlas/en/events/sched/sched_process_exec/?kernel=6.1-amd64');
			expect(u.eventShard('syscalls', 3)).toBe('/atlas/data/events/syscalls/3.json');
		}
	});

	it('translates a path to the other language and back', () => {
		const u = createUrls('/atlas/');
		expect(u.translate('/atlas/events/sched/sched_switch/', 'en')).toBe('/atlas/en/events/sched/sched_switch/');
		expect(u.translate('/atlas/en/events/sched/sched_switch/', 'zh')).toBe('/atlas/events/sched/sched_switch/');
		expect(u.translate('/atlas/en/', 'zh')).toBe('/atlas/');
		expect(u.translate('/atlas', 'en')).toBe('/atlas/en/');
		expect(u.translate('/elsewhere/', 'en')).toBe('/atlas/en/');
	});

	it('reads the language from a path', () => {
		expect(langOfPath('/en/kernels/', '/')).toBe('en');
		expect(langOfPath('/kernels/', '/')).toBe('zh');
		expect(langOfPath('/enx/', '/')).toBe('zh');
		expect(langOfPath('/atlas/en/', '/atlas')).toBe('en');
	});
});
