/**
 * Running a built program as root and reading what it prints: start it, wait until it traces, run
 * the trigger, stop it with Ctrl-C and parse its lines. Shared by the end-to-end generator tests and
 * the my-kernel page's proof (a project downloaded from the browser).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Starts the built program and waits until it traces; `stop()` sends SIGINT and returns its lines. */
export async function startTracing(program: { dir: string; name: string }, args: string[]): Promise<{ pid: number; output(): string; stop(): Promise<string[]> }> {
	const child: ChildProcess = spawn(join(program.dir, program.name), args, { cwd: program.dir });
	let stdout = '';
	let stderr = '';
	child.stdout?.on('data', (d) => (stdout += d));
	const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${program.name} did not start within 30 s:\n${stderr}`)), 30_000);
		child.stderr?.on('data', (d) => {
			stderr += d;
			if (/Press Ctrl-C to stop/.test(stderr)) {
				clearTimeout(timer);
				resolve();
			}
		});
		child.on('exit', (code) => reject(new Error(`${program.name} exited (${code}) before tracing:\n${stderr}`)));
	});
	return {
		pid: child.pid as number,
		output: () => stdout,
		async stop() {
			child.kill('SIGINT');
			const code = await exited;
			expect(code, `${program.name} should exit cleanly on Ctrl-C:\n${stderr}`).toBe(0);
			return stdout.split('\n');
		},
	};
}

/** Runs the built program until `trigger` is done, then stops it with SIGINT and returns its lines. */
export async function traceWhile(program: { dir: string; name: string }, args: string[], trigger: () => Promise<void>): Promise<string[]> {
	const tracing = await startTracing(program, args);
	await trigger();
	await new Promise((r) => setTimeout(r, 500)); // the ring buffer is polled every 100 ms
	return tracing.stop();
}

export interface Line {
	pid: number;
	comm: string;
	event: string;
	fields: Record<string, string>;
}

/** `12:00:00 1234    bash             sys_enter_connect fd=3 uservaddr=127.0.0.1:80 ret=0`; a struct's members as `statbuf.st_size=12`. */
export function parse(lines: string[]): Line[] {
	return lines.flatMap((line) => {
		const m = /^\d\d:\d\d:\d\d (\d+) +(\S+) +(\S+)(.*)$/.exec(line);
		if (!m) return [];
		const fields = Object.fromEntries([...(m[4] as string).matchAll(/ ([\w.]+)=("(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S+)/g)].map((f) => [f[1] as string, f[2] as string]));
		return [{ pid: Number(m[1]), comm: m[2] as string, event: m[3] as string, fields }];
	});
}

/** Resolves once `done()` holds, or after `ms` (the caller's assertions then say what is missing). */
export async function waitUntil(done: () => boolean, ms = 20_000): Promise<void> {
	for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
}

/** Runs a command to completion and returns its pid. */
export async function runCommand(file: string, args: string[]): Promise<number> {
	const child = spawn(file, args, { stdio: 'ignore' });
	await new Promise((resolve) => child.on('exit', resolve));
	return child.pid as number;
}
