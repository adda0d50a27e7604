import { describe, expect, it } from 'vitest';
import { checkProgramName } from '../lib/generate/options.ts';
import { programNameProblem } from './program-name.ts';

describe('the event page checks a typed program name as the generator does', () => {
	it.each(['connect_trace', '_x', 'a1', 'x'.repeat(40), ''])('accepts %j', (name) => {
		expect(programNameProblem(name, 'zh')).toBeNull();
		if (name) expect(checkProgramName(name)).toBe(name);
	});
	it.each(['1abc', 'Bad-Name', 'x'.repeat(41), 'a b', 'vmlinux', 'clean'])('rejects %j in both languages, as the generator does', (name) => {
		expect(() => checkProgramName(name)).toThrow();
		expect(programNameProblem(name, 'zh')).toMatch(/程序名/);
		expect(programNameProblem(name, 'en')).toMatch(/program name/);
	});
});
