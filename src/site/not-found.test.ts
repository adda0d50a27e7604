import { describe, expect, it } from 'vitest';
import { suggestionQuery } from './not-found.ts';

describe('404 suggestions', () => {
	it('searches for the last part of a missing event path, in any language and under any base', () => {
		expect(suggestionQuery('/events/sched/sched_proces_exec/', '/')).toBe('sched_proces_exec');
		expect(suggestionQuery('/atlas/en/events/syscalls/connect', '/atlas/')).toBe('connect');
		expect(suggestionQuery('/atlas/en/', '/atlas/')).toBe('');
		expect(suggestionQuery('/sys_enter_openat.html', '/')).toBe('sys_enter_openat');
	});
});

describe('404 suggestions from hostile paths', () => {
	it('searches for a malformed escape as typed instead of throwing URIError', () => {
		expect(suggestionQuery('/events/x/%E0%A4%A', '/')).toBe('E0 A4 A');
		expect(suggestionQuery('/%', '/')).toBe('');
	});
});
