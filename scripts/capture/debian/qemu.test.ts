import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Watchdog } from './qemu.ts';

/** Waits for the watchdog on `child` to fire, and says how long it waited. */
function firing(child: ChildProcess, limitSeconds: number, wallFactor: number): Promise<string> {
	return new Promise((resolve) => new Watchdog(child.pid!, limitSeconds, resolve, wallFactor));
}

describe('the VM watchdog counts the CPU time qemu got', () => {
	const children: ChildProcess[] = [];
	const start = (script: string) => {
		const child = spawn('sh', ['-c', script], { stdio: 'ignore' });
		children.push(child);
		return child;
	};
	afterEach(() => children.splice(0).forEach((c) => c.kill('SIGKILL')));

	it('fires once a busy process has used the limit in CPU, however long the clock took', async () => {
		const waited = await firing(start('while :; do :; done'), 0.5, 1000);
		const [, cpu] = /^([\d.]+) s of qemu's CPU time \([\d.]+ s on the clock\)$/.exec(waited) ?? [];
		expect(Number(cpu)).toBeGreaterThanOrEqual(0.5);
		expect(children[0]!.exitCode).toBeNull();
	});

	it('fires on the clock at wallFactor times the limit when the process sits idle (a hung guest uses no CPU)', async () => {
		const started = performance.now();
		const waited = await firing(start('sleep 60'), 0.5, 4);
		const seconds = (performance.now() - started) / 1000;
		expect(seconds).toBeGreaterThanOrEqual(2);
		const [, cpu, wall] = /^([\d.]+) s of qemu's CPU time \(([\d.]+) s on the clock\)$/.exec(waited) ?? [];
		expect(Number(cpu)).toBeLessThan(0.5);
		expect(Number(wall)).toBeGreaterThanOrEqual(2);
	});

	it('does not fire on the clock alone while the limit in CPU is not used', async () => {
		let fired = '';
		const child = start('sleep 60');
		const dog = new Watchdog(child.pid!, 1, (w) => (fired = w), 1000);
		await new Promise((r) => setTimeout(r, 2500));
		dog.stop();
		expect(fired).toBe('');
	});
});
