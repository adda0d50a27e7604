import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const repo = new URL('../../', import.meta.url).pathname;
const verify = (...args: string[]) => spawnSync(process.execPath, ['scripts/verify.ts', ...args], { cwd: repo, encoding: 'utf8' });

describe('npm run verify: arguments', () => {
	it('documents every option under --help', () => {
		const run = verify('--help');
		expect(run.status).toBe(0);
		for (const option of ['--kernel ID', '--all', '--context C', '--no-variants', '--events LIST', '--data DIR', '--work DIR', '--mirror URL']) expect(run.stdout).toContain(option);
	});

	it('refuses no kernel, both --kernel and --all, an unknown kernel or context, and unknown options — before any work', () => {
		for (const [args, message] of [
			[[], /^verify: give --kernel ID or --all/],
			[['--all', '--kernel', '6.1-amd64'], /^verify: give --kernel ID or --all/],
			[['--kernel', '6.1-amd64x'], /^verify: no snapshot for kernel "6\.1-amd64x" in .*; captured kernels: .*6\.1-amd64/],
			[['--kernel', '6.1-amd64', '--context', 'both-ways'], /^verify: --context is "both-ways"; use portable, vmlinux or both/],
			[['--kernel', '6.1-amd64', '--frobnicate'], /^verify: Unknown option '--frobnicate'/],
			[['--kernel', '6.1-amd64', '--events', 'syscalls:sys_enter_conect'], /^verify: --events: "syscalls:sys_enter_conect" matches no event of 6\.1-amd64\n/],
			[['--kernel', '6.1-amd64', '--events', 'x;reboot'], /^verify: --events: "x;reboot" is not category:name/],
			[['--kernel', '6.1-arm64'], /^verify: cannot verify 6\.1-arm64: it is an aarch64 kernel, and the loaders the VM runs are built for this machine \(x64\)/],
		] as const) {
			const run = verify(...args);
			expect(run.status, args.join(' ')).toBe(1);
			expect(run.stderr, args.join(' ')).toMatch(message);
			expect(run.stdout, args.join(' ')).toBe('');
		}
	});
});
