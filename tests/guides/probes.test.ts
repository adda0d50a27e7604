/**
 * "Which probe answers my question?" and the connect guide's step 0, run on this machine's kernel: the
 * guide's build commands run word for word in a folder holding content/snippets/probes/, then each
 * example is attached by the guide's loader, fired by the guide's trigger, and its bpf_printk line read
 * back. The kprobe, fentry and ksyscall examples run in a Debian kernel under qemu (probes-vm.test.ts);
 * here, on a kernel built without CONFIG_KPROBES, the kprobe example must fail the way the guide says.
 *
 * The lines are read from a trace_pipe of a tracefs instance of the test's own that records
 * bpf_trace:bpf_trace_printk: the same lines as /sys/kernel/tracing/trace_pipe, which the guide reads,
 * but reading the shared one would take lines away from anyone else reading it at the same time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNIPPET_DIR } from '../../src/components/guide/snippets.ts';
import { attachedLines, BUILD_COMMANDS, CAPS_ONLY, DIRECT_OUTPUT, DIRECT_TRIGGER, HELLO, KPROBE_MISSING, LIBC_LOOKUP, objectOf, parseTracePipeLine, probe, PROBE_PORT, PROBE_TRIGGER, PROBES, type ProbeExample } from '../../src/components/guide/probes.ts';
import { ensureTracefs } from '../../scripts/lib/tracefs.ts';
import { requireRoot, requireTool } from './bpf-toolchain.ts';

const dir = mkdtempSync(join(tmpdir(), 'atlas-probes-'));
chmodSync(dir, 0o755); // the capabilities test runs the loader as nobody
let instance = '';
let pipe: ChildProcess;
let pipeText = '';

/** The bpf_printk messages of process `pid` read from the trace pipe so far. */
const messagesOf = (pid: number) =>
	pipeText
		.split('\n')
		.map(parseTracePipeLine)
		.filter((l) => l?.pid === pid)
		.map((l) => l!.message);

/** Runs a shell command; resolves with its pid and output once it exits. */
function runCommand(command: string): Promise<{ pid: number; status: number | null; output: string }> {
	return new Promise((done) => {
		const child = spawn('sh', ['-c', `exec ${command}`], { cwd: dir });
		let output = '';
		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));
		child.on('exit', (status) => done({ pid: child.pid!, status, output }));
	});
}

/**
 * Starts `sudo ./attach <object>` (as root already) and resolves once it says it is attached, or with
 * its output when it exits first.
 */
async function attach(...examples: ProbeExample[]): Promise<{ child: ChildProcess; stdout: () => string; stderr: () => string; attached: boolean }> {
	const child = spawn('./attach', examples.map((e) => objectOf(e.file)), { cwd: dir });
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
	const attached = await new Promise<boolean>((ready) => {
		const timer = setInterval(() => stdout.includes('Ctrl-C') && (clearInterval(timer), ready(true)), 50);
		child.on('exit', () => (clearInterval(timer), ready(false)));
	});
	return { child, stdout: () => stdout, stderr: () => stderr, attached };
}

async function detach(child: ChildProcess): Promise<number | null> {
	await new Promise((r) => setTimeout(r, 500)); // trace_pipe hands lines out as they come; give cat a moment
	if (child.exitCode !== null) return child.exitCode;
	const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
	child.kill('SIGINT');
	return exited;
}

beforeAll(async () => {
	requireRoot('the probe guide test');
	for (const [tool, pkg] of [['clang', 'clang'], ['bpftool', 'bpftool'], ['cc', 'gcc'], ['python3', 'python3'], ['ldconfig', 'libc-bin'], ['setpriv', 'util-linux']] as const) requireTool(tool, pkg);
	if (!existsSync('/usr/include/bpf/libbpf.h')) throw new Error('libbpf headers are missing: apt-get install libbpf-dev');
	cpSync(join(SNIPPET_DIR, 'probes'), dir, { recursive: true });
	for (const command of BUILD_COMMANDS) {
		const built = spawnSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
		expect(built.status, `${command}\n${built.stderr}`).toBe(0);
	}
	const tracefs = ensureTracefs();
	instance = join(tracefs, 'instances', `atlas-probes-${process.pid}`);
	mkdirSync(instance);
	writeFileSync(join(instance, 'events/bpf_trace/bpf_trace_printk/enable'), '1');
	pipe = spawn('cat', [join(instance, 'trace_pipe')]);
	pipe.stdout!.on('data', (d: Buffer) => (pipeText += d.toString()));
}, 300_000);

afterAll(() => {
	pipe?.kill();
	// The instance can be removed once nothing reads its trace_pipe.
	if (instance) for (let i = 0; i < 50 && existsSync(instance); i++) try { rmdirSync(instance); } catch { spawnSync('sleep', ['0.1']); }
});

describe('which probe answers my question: the examples on this kernel', () => {
	for (const example of [HELLO, ...PROBES.filter((p) => p.runsIn === 'host')]) {
		it(`${example.file}: attached at ${example.section}, one line "${example.message()}" for the refused python3 connect`, async () => {
			const run = await attach(example);
			try {
				expect(run.attached, `${example.file} did not attach:\n${run.stderr()}`).toBe(true);
				expect(run.stdout().trimEnd().split('\n')).toEqual(attachedLines(example));
				const client = await runCommand(PROBE_TRIGGER);
				expect(client.output).toContain('ConnectionRefusedError');
				expect(await detach(run.child)).toBe(0);
				expect(messagesOf(client.pid), pipeText.slice(-2000)).toEqual([example.message()]);
			} finally {
				run.child.kill('SIGKILL');
			}
		}, 120_000);
	}

	it('ldconfig names the libc.so.6 the SEC() of the uprobe resolves to, and it exists', () => {
		const ldd = spawnSync('sh', ['-c', LIBC_LOOKUP.command], { encoding: 'utf8' });
		const path = LIBC_LOOKUP.path.exec(ldd.stdout)?.[1];
		expect(path, ldd.stdout).toBeDefined();
		expect(existsSync(path!)).toBe(true);
	});

	it('a connect() made with syscall() instead of libc\'s connect(): the tracepoint sees it, the uprobe does not', async () => {
		const [tp, up] = [probe('tracepoint'), probe('uprobe')];
		const both = await attach(tp, up);
		try {
			expect(both.attached, both.stderr()).toBe(true);
			expect(both.stdout().trimEnd().split('\n')).toEqual([...attachedLines(tp).slice(0, 1), ...attachedLines(up)]);
			// The uprobe does fire for libc's connect() while attached alongside:
			const viaLibc = await runCommand(PROBE_TRIGGER);
			const client = await runCommand(DIRECT_TRIGGER);
			expect(client.output.trim()).toBe(DIRECT_OUTPUT);
			expect(await detach(both.child)).toBe(0);
			expect(messagesOf(viaLibc.pid).sort()).toEqual([tp.message(), up.message()].sort());
			expect(messagesOf(client.pid), pipeText.slice(-2000)).toEqual([tp.message()]);
		} finally {
			both.child.kill('SIGKILL');
		}
	}, 120_000);

	it('a connect made through io_uring (uring-connect.c): the kernel refuses it, and neither the tracepoint, raw_tp nor the uprobe sees it', async () => {
		const built = spawnSync('cc', ['-O2', '-Wall', '-Werror', join(import.meta.dirname, 'uring-connect.c'), '-o', join(dir, 'uring-connect'), '-luring'], { encoding: 'utf8' });
		expect(built.status, built.stderr).toBe(0);
		const examples = [probe('tracepoint'), probe('raw-tp'), probe('uprobe')];
		const all = await attach(...examples);
		try {
			expect(all.attached, all.stderr()).toBe(true);
			// Each probe does fire for a plain connect() while attached alongside:
			const viaLibc = await runCommand(PROBE_TRIGGER);
			const client = await runCommand(`./uring-connect ${PROBE_PORT}`);
			expect(client.output.trim(), 'the io_uring connect did not complete with -ECONNREFUSED').toBe('-111');
			expect(await detach(all.child)).toBe(0);
			expect(messagesOf(viaLibc.pid).sort()).toEqual(examples.map((e) => e.message()).sort());
			expect(messagesOf(client.pid), pipeText.slice(-2000)).toEqual([]);
			// io_uring may hand the connect to a worker thread (iou-wrk-PID): no line from one either.
			expect(pipeText.split('\n').map(parseTracePipeLine).filter((l) => l?.comm.startsWith('iou-wrk'))).toEqual([]);
		} finally {
			all.child.kill('SIGKILL');
		}
	}, 120_000);

	it('as nobody with only CAP_BPF and CAP_PERFMON: raw_tp and tp_btf attach, a tracepoint is refused reading its id from tracefs', async () => {
		ensureTracefs();
		const run = (p: ProbeExample) => spawnSync('sh', ['-c', `timeout -s INT 3 ${CAPS_ONLY.command(p).replace(/^sudo /, '')}`], { cwd: dir, encoding: 'utf8' });
		for (const p of [probe('raw-tp'), probe('tp-btf')]) {
			const r = run(p);
			expect(r.stdout.trimEnd().split('\n'), r.stderr).toEqual(attachedLines(p));
			expect(r.status, `it should stay attached until timeout's SIGINT (status 124): ${r.stderr}`).toBe(124);
		}
		const refused = run(probe('tracepoint'));
		expect(refused.status).toBe(1);
		expect(refused.stdout).toBe('');
		expect(refused.stderr.trimEnd().split('\n')).toEqual(CAPS_ONLY.tracefsRefused);
	}, 60_000);

	it('the kprobe example on this kernel: runs when it has kprobes, else fails to attach as the guide says', async () => {
		const hasKprobes = existsSync('/sys/bus/event_source/devices/kprobe');
		const run = await attach(probe('kprobe'));
		try {
			if (hasKprobes) {
				expect(run.attached, run.stderr()).toBe(true);
				const client = await runCommand(PROBE_TRIGGER);
				expect(await detach(run.child)).toBe(0);
				expect(messagesOf(client.pid)).toEqual([probe('kprobe').message()]);
			} else {
				expect(run.attached).toBe(false);
				expect(run.child.exitCode).toBe(1);
				expect(run.stderr()).toContain(KPROBE_MISSING);
			}
		} finally {
			run.child.kill('SIGKILL');
		}
	}, 120_000);
});


