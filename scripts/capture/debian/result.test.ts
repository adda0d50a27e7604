/** Repeated available_events lines, on an excerpt of the 6.12.117 kernel's list with i915 and xe loaded. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dropRepeatedEvents } from './result.ts';

const EXCERPT = readFileSync(new URL('./fixtures/available_events-6.12.117-excerpt', import.meta.url), 'utf8');

describe('dropRepeatedEvents', () => {
	const { text, repeated } = dropRepeatedEvents(EXCERPT);
	const before = EXCERPT.trim().split('\n');
	const after = text.trim().split('\n');

	it('keeps each event once, at its first place', () => {
		expect(new Set(after).size).toBe(after.length);
		expect(new Set(after)).toEqual(new Set(before));
		expect(after).toEqual(before.filter((line, i) => before.indexOf(line) === i));
	});

	it('names the events listed twice, in the order of their second listing', () => {
		expect(repeated.length + after.length).toBe(before.length);
		expect(repeated).toContain('i915:intel_pipe_enable');
		expect(repeated.every((line) => line.startsWith('i915:'))).toBe(true);
	});

	it('changes nothing in a list without repeats', () => {
		expect(dropRepeatedEvents(text)).toEqual({ text, repeated: [] });
	});
});
