/**
 * The generator code the guides show, built for real: every preset in a copy of companion/ with make
 * (its output compared with what the guides print), the connect program run end to end against
 * connections to 127.0.0.1, the openat program against `cat /etc/hostname`, and the failures the
 * build-and-run guide describes provoked for their messages.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedProject } from '../../src/lib/generate/index.ts';
import { parseEventRef } from '../../src/components/guide/frontmatter.ts';
import {
	CONNECT_OUTCOME, CONNECT_RUN, connectLine, generateConnectOutcome, generateNewerLayout, generateOldLayout, generatePreset, makeOutput, NEWER_LAYOUT, newerLayoutField, OLD_LAYOUT, oldLayoutLine, OPENAT_RUN, PRESETS, QUICK_LOOK, TROUBLES, type PresetName,
} from '../../src/components/guide/presets.ts';
import { ensureTracefs } from '../../scripts/lib/tracefs.ts';
import { requireRoot, requireTool } from './bpf-toolchain.ts';

const root = mkdtempSync(join(tmpdir(), 'atlas-guide-build-'));
chmodSync(root, 0o755); // the not-root check runs a built program as nobody
const names = Object.keys(PRESETS) as PresetName[];
const built = new Map<PresetName, { dir: string; project: GeneratedProject; make: { status: number | null; stdout: string; stderr: string } }>();

/** A copy of companion/ with the project's generated files in it. */
function projectDir(name: string, project: GeneratedProject): string {
	const dir = join(root, name);
	cpSync('companion', dir, { recursive: true });
	chmodSync(dir, 0o755);
	for (const f of project.files.filter((f) => f.origin === 'generated')) writeFileSync(join(dir, f.path), f.content);
	return dir;
}

function make(dir: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
	return new Promise((done) => {
		const child = spawn('make', args, { cwd: dir });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		child.on('exit', (status) => done({ status, stdout, stderr }));
	});
}

/** Starts a built program and resolves once it prints its column header, i.e. once it is attached. */
async function startTracer(dir: string, program: string, args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
	const child = spawn(join(dir, program), args, { cwd: dir });
	let stdout = '';
	let stderr = '';
	child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
	await new Promise<void>((ready, fail) => {
		const timer = setTimeout(() => fail(new Error(`${program} printed no header within 30 s; stderr:\n${stderr}`)), 30_000);
		child.stdout!.on('data', (d: Buffer) => {
			stdout += d.toString();
			if (stdout.includes('EVENT AND FIELDS')) {
				clearTimeout(timer);
				ready();
			}
		});
		child.on('exit', (code) => fail(new Error(`${program} exited (${code}) before attaching; stderr:\n${stderr}`)));
	});
	return { child, output: () => stdout };
}

async function stop(child: ChildProcess): Promise<void> {
	await new Promise((r) => setTimeout(r, 1000)); // let the ring buffer drain
	const exited = new Promise((r) => child.on('exit', r));
	child.kill('SIGINT');
	await exited;
}

/** Runs a shell command as the guide prints it; resolves with its pid once it exits. */
function runCommand(command: string, cwd: string): Promise<number> {
	return new Promise((done) => {
		const child = spawn('sh', ['-c', `exec ${command}`], { cwd, stdio: 'ignore' });
		child.on('exit', () => done(child.pid!));
	});
}

async function waitForPort(port: number): Promise<void> {
	for (let i = 0; i < 200; i++) {
		const open = await new Promise<boolean>((r) => {
			const s = connect(port, '127.0.0.1', () => (s.end(), r(true))).on('error', () => r(false));
		});
		if (open) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`nothing listens on 127.0.0.1:${port} after 10 s: is the port taken by another program?`);
}

beforeAll(async () => {
	requireRoot('building and running the guides\' programs');
	for (const [tool, pkg] of [['make', 'make'], ['clang', 'clang'], ['bpftool', 'bpftool'], ['pkg-config', 'pkg-config'], ['python3', 'python3'], ['setpriv', 'util-linux']] as const) requireTool(tool, pkg);
	const projects = names.map((name) => ({ name, project: generatePreset(name, 'zh') }));
	// Two builds at a time: one per core.
	for (let i = 0; i < projects.length; i += 2) {
		await Promise.all(
			projects.slice(i, i + 2).map(async ({ name, project }) => {
				const dir = projectDir(name, project);
				built.set(name, { dir, project, make: await make(dir) });
			}),
		);
	}
}, 600_000);

describe('the guides\' generated programs', () => {
	for (const name of names) {
		it(`preset ${name} builds with make, printing what the guides show`, () => {
			const { make: result, project } = built.get(name)!;
			expect(result.status, `make failed for preset ${name}:\n${result.stderr}`).toBe(0);
			expect(result.stdout.trimEnd().split('\n')).toEqual(makeOutput(project));
		});
	}

	it('connect: prints one line per connection with address:port and the return value', async () => {
		const { dir, project } = built.get('connect')!;
		const tracer = await startTracer(dir, project.programName, CONNECT_RUN.filter.split(' '));
		const server = spawn('sh', ['-c', `exec ${CONNECT_RUN.server}`], { stdio: 'ignore' });
		try {
			await waitForPort(8080);
			const pids: number[] = [];
			for (const client of CONNECT_RUN.clients) pids.push(await runCommand(client.command, dir));
			await stop(tracer.child);
			const lines = tracer.output().split('\n');
			CONNECT_RUN.clients.forEach((client, i) => {
				const line = lines.find((l) => l.includes(`uservaddr=127.0.0.1:${client.port} `));
				expect(line, `no line for the connection to port ${client.port} in:\n${tracer.output()}`).toBeDefined();
				const [time, pid] = line!.split(/\s+/);
				expect(pid).toBe(String(pids[i]));
				expect(line).toBe(connectLine('sys_enter_connect', client.port, client.ret, time, pid));
			});
		} finally {
			server.kill();
			if (tracer.child.exitCode === null) tracer.child.kill();
		}
	}, 120_000);

	it('connect step 0: the bpftrace one-liner prints the refused client\'s line', async () => {
		requireTool('bpftrace', 'bpftrace');
		const script = /-e '(.*)'$/.exec(QUICK_LOOK.command)?.[1] as string;
		const bpftrace = spawn('bpftrace', ['-e', script]);
		let out = '';
		let err = '';
		bpftrace.stdout.on('data', (d: Buffer) => (out += d.toString()));
		bpftrace.stderr.on('data', (d: Buffer) => (err += d.toString()));
		const exited = new Promise((r) => bpftrace.on('exit', r));
		try {
			// bpftrace compiles its script with LLVM first: slow on a busy machine.
			for (let i = 0; i < 2400 && !out.includes('Attaching 1 probe') && bpftrace.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
			expect(out, err).toContain('Attaching 1 probe...');
			const pid = await runCommand(CONNECT_RUN.clients[1].command, root);
			const line = QUICK_LOOK.line(String(pid));
			for (let i = 0; i < 600 && !out.split('\n').includes(line); i++) await new Promise((r) => setTimeout(r, 100));
			expect(out.split('\n'), err).toContain(line);
			bpftrace.kill('SIGINT');
			// Ctrl-C ends it, as the guide says; detaching under a busy CI took over 30 s once (ci10).
			const stopped = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 120_000))]);
			expect(stopped, `bpftrace did not stop on SIGINT; its output:\n${out}\n${err}`).toBe(true);
		} finally {
			if (bpftrace.exitCode === null) bpftrace.kill('SIGKILL');
		}
	}, 360_000);

	it('connect: a non-blocking connect returns -EINPROGRESS, and sock:inet_sock_set_state in the same program gives the outcome', async () => {
		const project = generateConnectOutcome('zh');
		const dir = projectDir(project.programName, project);
		const built = await make(dir);
		expect(built.status, built.stderr).toBe(0);
		const tracer = await startTracer(dir, project.programName, []);
		const server = spawn('sh', ['-c', `exec ${CONNECT_RUN.server}`], { stdio: 'ignore' });
		try {
			await waitForPort(8080);
			const pids: number[] = [];
			for (const client of CONNECT_OUTCOME.clients) pids.push(await runCommand(client.command, dir));
			await stop(tracer.child);
			const lines = tracer.output().split('\n');
			CONNECT_OUTCOME.clients.forEach((client, i) => {
				const ofClient = lines.filter((l) => l.split(/\s+/)[1] === String(pids[i]));
				expect(ofClient.some((l) => l.endsWith(client.connectLine)), `${client.connectLine} for pid ${pids[i]} in:\n${ofClient.join('\n')}`).toBe(true);
				expect(lines.some((l) => l.endsWith(client.stateLine)), `${client.stateLine} in:\n${tracer.output().slice(-3000)}`).toBe(true);
			});
		} finally {
			server.kill();
			if (tracer.child.exitCode === null) tracer.child.kill();
		}
	}, 120_000);

	it('openat: prints the open of /etc/hostname by cat', async () => {
		const { dir, project } = built.get('openat')!;
		const tracer = await startTracer(dir, project.programName, OPENAT_RUN.filter.split(' '));
		const pid = await runCommand(OPENAT_RUN.trigger, dir);
		await stop(tracer.child);
		const line = tracer.output().split('\n').find((l) => l.endsWith(OPENAT_RUN.line) && l.split(/\s+/)[1] === String(pid));
		expect(line, `no line ending in ${OPENAT_RUN.line} for pid ${pid} in:\n${tracer.output()}`).toBeDefined();
		expect(line!.split(/\s+/)[2]).toBe('cat');
	}, 120_000);

	it('openat: a path pointer that cannot be read prints (unreadable), not an empty string', async () => {
		const { dir, project } = built.get('openat')!;
		const tracer = await startTracer(dir, project.programName, ['-c', 'python3']);
		const pid = await runCommand(OPENAT_RUN.unreadable.trigger, dir);
		await stop(tracer.child);
		// python3 opens its libraries and modules too (flags 0x80000, O_CLOEXEC): the bad pointer's openat has flags 0.
		const lines = tracer.output().split('\n').filter((l) => l.split(/\s+/)[1] === String(pid) && l.includes(' sys_enter_openat '));
		expect(lines.filter((l) => l.endsWith(OPENAT_RUN.unreadable.line)), `openat lines of pid ${pid}:\n${lines.join('\n')}`).toHaveLength(1);
	}, 120_000);

	it('not root: the loader says to run it as root', () => {
		const { dir } = built.get('openat')!;
		const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', TROUBLES.notRoot.command], { cwd: dir, encoding: 'utf8' });
		expect(run.status).not.toBe(0);
		expect(run.stderr.trim()).toBe(TROUBLES.notRoot.message);
	});

	it('a program for a newer record layout: make stops with vmlinux.h, attaching fails with the portable context', async () => {
		const { field } = newerLayoutField();
		const { category, name } = parseEventRef(NEWER_LAYOUT.event);
		const live = readFileSync(join(ensureTracefs(), 'events', category, name, 'format'), 'utf8');
		const hasField = new RegExp(`[ *]${field}(\\[\\d*\\])?;`).test(live);
		const [withVmlinux, portable] = await Promise.all(
			(['vmlinux', 'portable'] as const).map(async (context) => {
				const project = generateNewerLayout(context, 'zh');
				const dir = projectDir(`newer-layout-${context}`, project);
				return { dir, project, make: await make(dir) };
			}),
		);
		expect(portable!.make.status, portable!.make.stderr).toBe(0);
		const run = spawnSync('sh', ['-c', `timeout -s INT 2 ${TROUBLES.newerLayoutAttach.command.replace(/^sudo /, '')}`], { cwd: portable!.dir, encoding: 'utf8' });
		if (!hasField) {
			// This machine's kernel predates the field: the guide's two failures, word for word.
			expect(withVmlinux!.make.status).not.toBe(0);
			expect(withVmlinux!.make.stderr).toContain(TROUBLES.newerLayoutBuild.message);
			expect(run.stderr).toContain(TROUBLES.newerLayoutAttach.message);
		} else {
			// This kernel has the newer layout: both build, and the portable one attaches and runs until stopped.
			expect(withVmlinux!.make.status, withVmlinux!.make.stderr).toBe(0);
			expect(run.stderr).not.toContain(TROUBLES.newerLayoutAttach.message);
		}
	}, 120_000);

	it('context-types step 5: a struct declared from 5.10\'s sched_wakeup fails to attach reading past the record, and misreads a moved field inside it', async () => {
		const { category, name } = parseEventRef(OLD_LAYOUT.event);
		const live = readFileSync(join(ensureTracefs(), 'events', category, name, 'format'), 'utf8');
		expect(live, 'this kernel should have the newer layout the guide describes (target_cpu at 32, the record ending at 36)').toMatch(/int target_cpu;\toffset:32;\tsize:4;/);
		const [pastEnd, inside] = await Promise.all(
			(['target_cpu', 'success'] as const).map(async (field) => {
				const project = generateOldLayout(field, 'zh');
				const dir = projectDir(project.programName, project);
				return { dir, project, make: await make(dir) };
			}),
		);
		for (const p of [pastEnd!, inside!]) expect(p.make.status, p.make.stderr).toBe(0);
		expect(TROUBLES.oldLayoutAttach.command).toBe(`sudo ./${pastEnd!.project.programName}`);
		const refused = spawnSync('sh', ['-c', `timeout -s INT 5 ./${pastEnd!.project.programName}`], { cwd: pastEnd!.dir, encoding: 'utf8' });
		expect(refused.stderr).toContain(TROUBLES.oldLayoutAttach.message);

		const tracer = await startTracer(inside!.dir, inside!.project.programName, []);
		const pids: number[] = [];
		for (const r of OLD_LAYOUT.run) pids.push(await runCommand(r.command, inside!.dir));
		await stop(tracer.child);
		OLD_LAYOUT.run.forEach((r, i) => {
			const lines = tracer.output().split('\n').filter((l) => l.includes(`sched_wakeup comm="sleep" pid=${pids[i]} `));
			expect(lines.length, `no wakeup of sleep (pid ${pids[i]}) in:\n${tracer.output().slice(-3000)}`).toBeGreaterThan(0);
			for (const line of lines) expect(line.endsWith(oldLayoutLine(r.cpu, String(pids[i]))), line).toBe(true);
		});
	}, 120_000);

	it('no BTF: make stops and says to use the portable context', async () => {
		const project = built.get('openat')!.project;
		const dir = projectDir('openat-no-btf', project);
		const [command, ...args] = TROUBLES.noBtf.command.split(' ');
		expect(command).toBe('make');
		const result = await make(dir, ...args);
		expect(result.status).not.toBe(0);
		expect(result.stderr).toContain(TROUBLES.noBtf.message);
	}, 120_000);
});
