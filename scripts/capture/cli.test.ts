import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const repo = new URL('../../', import.meta.url).pathname;
const capture = (...args: string[]) => spawnSync(process.execPath, ['scripts/capture.ts', ...args], { cwd: repo, encoding: 'utf8' });

describe('npm run capture: arguments', () => {
	it('documents every option under --help', () => {
		const run = capture('--help');
		expect(run.status).toBe(0);
		for (const option of ['--running', '--debian SUITE', '--id ID', '--mirror URL', '--data DIR', '--work DIR', '--arch ARCH', '--builtin-only']) {
			expect(run.stdout).toContain(option);
		}
	});

	it('refuses a missing or doubled source, an unknown option, and Debian options for the running kernel', () => {
		for (const [args, message] of [
			[[], /give exactly one source/],
			[['--running', '--debian', 'bookworm'], /give exactly one source/],
			[['--running', '--frobnicate'], /Unknown option '--frobnicate'/],
			[['--running', '--mirror', 'http://mirror.invalid/debian'], /--mirror only applies to --debian/],
			[['--running', '--builtin-only'], /--builtin-only only applies to --debian/],
		] as const) {
			const run = capture(...args);
			expect(run.status, args.join(' ')).toBe(1);
			expect(run.stderr, args.join(' ')).toMatch(message);
		}
	});
});
