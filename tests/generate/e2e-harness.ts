/**
 * What the end-to-end tests share: a generated project built with make in a copy of companion/, run as
 * root, its printed lines parsed into fields.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { generateProject, type GeneratorOptions } from '../../src/lib/generate/index.ts';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';
import { COMPANION, run } from './harness.ts';

/** A built program: its folder and its binary's name. */
export interface Program {
	dir: string;
	name: string;
}

/** A generated project in a copy of companion/, built with its Makefile; returns the folder and program name. */
export async function buildProject(work: string, live: Snapshot, events: string[], options: Partial<GeneratorOptions> = {}): Promise<Program> {
	const byKey = new Map(live.events.map((e) => [`${e.category}:${e.name}`, e]));
	const picked = events.map((k) => byKey.get(k) as Event);
	const project = generateProject({ kernel: live.provenance, events: picked, lookup: (c, n) => byKey.get(`${c}:${n}`) }, options);
	const dir = join(work, project.programName);
	cpSync(COMPANION, dir, { recursive: true });
	for (const f of project.files.filter((f) => f.origin === 'generated')) writeFileSync(join(dir, f.path), f.content);
	const make = await run('make', ['-C', dir]);
	if (make.status !== 0) throw new Error(`make failed in ${dir}:\n${make.stdout}\n${make.stderr}`);
	return { dir, name: project.programName };
}

/** Starts the built program and waits until it traces; `stop()` sends SIGINT and returns its lines. */
export async function startTracing(program: Program, args: string[]): Promise<{ pid: number; stop(): Promise<string[]> }> {
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
		async stop() {
			child.kill('SIGINT');
			const code = await exited;
			expect(code, `${program.name} should exit cleanly on Ctrl-C:\n${stderr}`).toBe(0);
			return stdout.split('\n');
		},
	};
}

/** Runs the built program until `trigger` is done, then stops it with SIGINT and returns its lines. */
export async function traceWhile(program: Program, args: string[], trigger: () => Promise<void>): Promise<string[]> {
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

/** `12:00:00 1234    bash             sys_enter_connect fd=3 uservaddr=127.0.0.1:80 ret=0` */
export function parseLines(lines: string[]): Line[] {
	return lines.flatMap((line) => {
		const m = /^\d\d:\d\d:\d\d (\d+) +(\S+) +(\S+)(.*)$/.exec(line);
		if (!m) return [];
		const fields = Object.fromEntries([...(m[4] as string).matchAll(/ (\w+)=("(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S+)/g)].map((f) => [f[1] as string, f[2] as string]));
		return [{ pid: Number(m[1]), comm: m[2] as string, event: m[3] as string, fields }];
	});
}
