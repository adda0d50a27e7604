import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkHeadline, HEADLINES, parseLoaderLine, triggerScript, type Headline } from '../../scripts/verify/headline.ts';

/** A headline program's run as the 5.10 verification VM left it (fixtures/README.md). */
const run = (name: string) => {
	const file = (f: string) => readFileSync(new URL(`fixtures/headline-5.10/${name}-portable/${f}`, import.meta.url), 'utf8');
	return { stdout: file('stdout'), stderr: file('stderr'), triggerPid: file('trigger-pid').trim(), status: file('status').trim() };
};
const headline = (name: string) => HEADLINES.find((h) => h.name === name)!;

describe('parseLoaderLine', () => {
	it('splits a record line into its columns and fields, keeping values as printed', () => {
		const [, line] = run('execve').stdout.split('\n');
		expect(parseLoaderLine(line!)).toEqual({
			time: '15:50:47',
			pid: '2589',
			comm: 'sh',
			event: 'sys_enter_execve',
			fields: { filename: '"/proc/self/exe"', argv: '["sh", "/verify/headline/execve-portable//trigger", "/tmp/out/verify/headline/execve-portable/trigger-pid"]', envp: '0x1dc5b58' },
		});
	});

	it('reads a paired line with a decoded address and an errno name', () => {
		const line = run('connect').stdout.split('\n')[1]!;
		expect(parseLoaderLine(line)?.fields).toEqual({ fd: '3', uservaddr: '127.0.0.1:1', addrlen: '16', ret: '-ECONNREFUSED' });
	});

	it('is null for the column header and for messages', () => {
		const { stdout, stderr } = run('openat');
		expect(parseLoaderLine(stdout.split('\n')[0]!)).toBeNull();
		expect(parseLoaderLine(stderr.trim())).toBeNull();
	});
});

describe('checkHeadline', () => {
	for (const h of HEADLINES) {
		it(`finds the line ${h.name}'s trigger caused`, () => {
			const check = checkHeadline(h, run(h.name));
			expect(check.problem).toBeUndefined();
			expect(check.passed).toBe(true);
			expect(parseLoaderLine(check.line!)?.pid).toBe(run(h.name).triggerPid);
		});
	}

	it('names the field that differs when the line is there but wrong', () => {
		const wrongPort: Headline = { ...headline('connect'), expect: { ...headline('connect').expect, uservaddr: '127.0.0.1:2' } };
		const check = checkHeadline(wrongPort, run('connect'));
		expect(check.passed).toBe(false);
		expect(check.problem).toBe('uservaddr is "127.0.0.1:1", not "127.0.0.1:2"');
		expect(check.line).toContain('sys_enter_connect');
	});

	it('fails when no line comes from the trigger pid', () => {
		const check = checkHeadline(headline('openat'), { ...run('openat'), triggerPid: '1' });
		expect(check.passed).toBe(false);
		expect(check.problem).toMatch(/^no sys_enter_openat line from pid 1 \(6 sys_enter_openat lines from other pids/);
	});

	it('says the loader never got ready when the trigger did not run', () => {
		const check = checkHeadline(headline('openat'), { stdout: '', stderr: run('openat').stderr, triggerPid: null, status: '1' });
		expect(check.problem).toMatch(/^the loader never got ready/);
	});
});

describe('triggerScript', () => {
	it('records its pid, then execs the command so the event comes from that pid', () => {
		expect(triggerScript(headline('connect'))).toBe('echo $$ >"$1"\nexec nc 127.0.0.1 1\n');
	});
});
