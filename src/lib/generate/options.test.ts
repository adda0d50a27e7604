import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, checkProgramName, validateOptions, type GeneratorOptions } from './options.ts';

describe('validateOptions', () => {
	it('fills in the defaults', () => {
		expect(validateOptions({ context: 'portable' })).toEqual({ ...DEFAULT_OPTIONS, context: 'portable' });
	});

	it('names the bad option and what would work', () => {
		expect(() => validateOptions({ output: 'perf' as GeneratorOptions['output'] })).toThrowErrorMatchingInlineSnapshot(
			`[GenerateError: option output is "perf"; use one of: ringbuf, perfbuf, printk]`,
		);
		expect(() => validateOptions({ stringSize: 10 })).toThrowErrorMatchingInlineSnapshot(`[GenerateError: option stringSize is 10; use a whole number from 16 to 4096]`);
		expect(() => validateOptions({ pairexit: true } as Partial<GeneratorOptions>)).toThrowError(/unknown option "pairexit"; the options are: .*pairExit/);
		expect(() => validateOptions({ pairExit: 'yes' as unknown as boolean })).toThrowError('option pairExit must be true or false, not "yes"');
	});
});

describe('checkProgramName', () => {
	it('accepts names that work as files, make targets and C identifiers', () => {
		expect(checkProgramName('connect_trace')).toBe('connect_trace');
	});
	it.each(['Connect', 'a-b', '1st', '../x', 'a b', 'x'.repeat(41)])('refuses %j', (name) => {
		expect(() => checkProgramName(name)).toThrowError(/cannot be used: it names files, a make target and C identifiers/);
	});
	it('refuses names the project itself uses', () => {
		expect(() => checkProgramName('vmlinux')).toThrowErrorMatchingInlineSnapshot(
			`[GenerateError: programName "vmlinux" is taken by the project itself (vmlinux, tp_helpers, all, clean, check); choose another]`,
		);
	});
});
