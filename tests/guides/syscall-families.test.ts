/**
 * Measures which accept/open-family syscalls real programs make on this machine, with the bpftrace
 * tracepoints the guide teaches, and checks them against the table the guide renders.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNIPPET_DIR } from '../../src/components/guide/snippets.ts';
import { FAMILIES, WORKLOADS } from '../../src/components/guide/syscall-families.ts';
import { requireRoot, requireTool } from './bpf-toolchain.ts';

const ALL_PROBES = [...FAMILIES.accept, ...FAMILIES.open];
/** pid → tracepoints it fired, filled in from bpftrace's output. */
const seen = new Map<number, Set<string>>();
const workloadPids = new Map<string, number>();
let tracer: ChildProcess;

function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
		});
	});
}

/** Connects once the server listens (retrying while it starts); the first connection that succeeds is the one it accepts. */
async function connectWhenListening(port: number, child: ChildProcess): Promise<void> {
	for (let attempt = 0; attempt < 200; attempt++) {
		if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before accepting`);
		const ok = await new Promise<boolean>((done) => {
			const socket = connect(port, '127.0.0.1', () => {
				socket.end();
				done(true);
			}).on('error', () => done(false));
		});
		if (ok) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`nothing listened on 127.0.0.1:${port} within 10 s`);
}

function exited(child: ChildProcess): Promise<number | null> {
	if (child.exitCode !== null) return Promise.resolve(child.exitCode);
	return new Promise((done) => child.on('exit', (code) => done(code)));
}

beforeAll(async () => {
	requireRoot('the syscall-family measurement');
	for (const [tool, pkg] of [['bpftrace', 'bpftrace'], ['busybox', 'busybox-static'], ['python3', 'python3'], ['cc', 'gcc']] as const) requireTool(tool, pkg);

	const workdir = mkdtempSync(join(tmpdir(), 'atlas-families-'));
	execFileSync('cc', ['-O2', '-Wall', '-Werror', '-o', join(workdir, 'accept-open'), resolve(SNIPPET_DIR, 'userspace/accept-open.c')]);

	const script = `${ALL_PROBES.map((e) => `tracepoint:${e}`).join(',')} { printf("%d %s\\n", pid, probe); }`;
	tracer = spawn('bpftrace', ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	await new Promise<void>((ready, fail) => {
		tracer.stdout!.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			if (out.includes('Attaching')) setTimeout(ready, 1500);
		});
		tracer.on('exit', (code) => fail(new Error(`bpftrace exited (${code}) before attaching`)));
	});

	// The commands run exactly as the guide prints them, with the project's node first on PATH.
	const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
	for (const workload of WORKLOADS) {
		const port = await freePort();
		const child = spawn('sh', ['-c', `exec ${workload.command.replaceAll('PORT', String(port))}`], { cwd: workdir, env, stdio: 'ignore' });
		workloadPids.set(workload.id, child.pid!);
		await connectWhenListening(port, child);
		const timer = setTimeout(() => child.kill(), 10_000);
		await exited(child);
		clearTimeout(timer);
	}

	await new Promise((r) => setTimeout(r, 500));
	const done = exited(tracer);
	tracer.kill('SIGINT');
	await done;
	for (const line of out.split('\n')) {
		const m = /^(\d+) tracepoint:(\S+)$/.exec(line);
		if (!m) continue;
		const pid = Number(m[1]);
		const set = seen.get(pid) ?? new Set<string>();
		set.add(m[2]!);
		seen.set(pid, set);
	}
}, 120_000);

afterAll(() => {
	if (tracer && tracer.exitCode === null) tracer.kill();
});

describe('accept/accept4 and open/openat/openat2, measured', () => {
	for (const workload of WORKLOADS) {
		it(`${workload.label}: ${workload.accept.join(', ')}; ${workload.open.join(', ') || 'no open'}`, () => {
			const fired = [...(seen.get(workloadPids.get(workload.id)!) ?? [])];
			expect(fired.filter((e) => (FAMILIES.accept as readonly string[]).includes(e)).sort()).toEqual(workload.accept);
			expect(fired.filter((e) => (FAMILIES.open as readonly string[]).includes(e)).sort()).toEqual(workload.open);
		});
	}
});
