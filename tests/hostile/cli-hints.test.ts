/**
 * The generate CLI echoes what the user typed in its error and may suggest a command: the echo is
 * quoted, and a command is offered only for a plausible name, never one that a newline, $(…) or an
 * empty name would turn into something else (issue 10: `grep $(touch …)`, a hint split in two, a grep
 * waiting on stdin).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const KERNEL = '6.1-amd64';
const generate = (...args: string[]) => {
	const run = spawnSync('node_modules/.bin/node', ['scripts/generate.ts', '--kernel', KERNEL, '--out', '/tmp/atlas-hostile-never-written', ...args], { encoding: 'utf8' });
	return { status: run.status, stderr: run.stderr };
};

describe('generate CLI hints with hostile event names', () => {
	it.each([
		['command substitution', 'nosuch:$(touch /tmp/atlas-PWN)'],
		['a newline', 'nosuch:x\nrm -rf /tmp/atlas-PWN'],
		['an empty name', 'nosuch:'],
		['a 5,000-character name', `nosuch:${'q'.repeat(5_000)}`],
	])('%s: one quoted line, no command made of it', { timeout: 60_000 }, (_, name) => {
		const { status, stderr } = generate(name);
		expect(status).toBe(1);
		const lines = stderr.trimEnd().split('\n');
		expect(lines, stderr).toHaveLength(1);
		expect(stderr).toContain(`has no event ${JSON.stringify(name).length > 100 ? '"nosuch:' : JSON.stringify(name)}`);
		const hint = stderr.split('List them with:')[1] ?? '';
		expect(hint).not.toMatch(/PWN|\$\(|`|qqqq/);
		expect(hint, 'a grep without a pattern waits on stdin').not.toMatch(/grep\s+\/sys/);
		expect(existsSync('/tmp/atlas-PWN')).toBe(false);
	});

	it('still offers the grep for a plausible name', { timeout: 60_000 }, () => {
		const { stderr } = generate('nosuch:zzqqxx');
		expect(stderr).toContain('List them with: sudo grep zzqqxx /sys/kernel/tracing/available_events');
	});
});
