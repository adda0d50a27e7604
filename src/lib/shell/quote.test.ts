import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuoted, shellWord, showableInShell } from './quote.ts';

// What sh itself makes of the quoted text: each argument printed on its own line between brackets.
const shArgs = (line: string) => execFileSync('sh', ['-c', `printf '[%s]\\n' ${line}`], { encoding: 'utf8' });

describe('shell quoting, checked by sh itself', () => {
	const hostile = ["$(touch /tmp/pwned)", '`id`', "a'b", 'a;b', 'a b', '../x', '*', '-rf', 'a"b', '$HOME', '<script>', '\\'];
	it.each(hostile)('%s stays one literal argument', (text) => {
		expect(shArgs(shellWord(text))).toBe(`[${text}]\n`);
		expect(shArgs(shellQuoted(text))).toBe(`[${text}]\n`);
	});
	it('leaves plain names bare and quotes a leading dash', () => {
		expect(shellWord('ext4')).toBe('ext4');
		expect(shellWord('/sys/kernel/btf/binder_linux')).toBe('/sys/kernel/btf/binder_linux');
		expect(shellWord('-v')).toBe("'-v'");
	});
	it('refuses control characters and says what is showable', () => {
		expect(() => shellQuoted('a\nrm -rf /')).toThrow(/control characters/);
		expect(showableInShell('')).toBe(false);
		expect(showableInShell('a\tb')).toBe(false);
		expect(showableInShell('sys_enter_openat')).toBe(true);
	});
});
