/**
 * The probe guide's examples in Debian's bookworm kernel (6.1-amd64) under qemu. The kprobe, fentry and
 * ksyscall ones are run only here: this machine's kernel may lack what they need (a kernel built without
 * CONFIG_KPROBES has no kprobes, and so no ksyscall; probes.test.ts checks the kprobe example's failure
 * there). Every example but the uprobe (the initramfs has no libc) is also fired by a 32-bit program
 * (connect32.c) that connects once with the connect system call and once with socketcall(): which
 * probes see those is the guide's "what it misses". The objects are built here with the guide's
 * commands, the guide's loader is linked statically (the initramfs has no libbpf), and busybox's nc
 * makes the 64-bit connect() to the closed port. tests/guides/probes-guest.sh is the guest side.
 *
 * Needs what tests/verify needs: the Debian mirror from the apt sources, qemu, busybox-static and the
 * static libraries of libbpf-dev, libelf-dev and zlib1g-dev. Downloads go to .cache/probes-test (an
 * apt root of its own: another test's apt-get on the same root would fight over its lock).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/data/store.ts';
import { SNIPPET_DIR } from '../../src/components/guide/snippets.ts';
import { attachedLines, BUILD_COMMANDS, objectOf, parseTracePipeLine, PROBES, type ProbeExample } from '../../src/components/guide/probes.ts';
import { prepareKernel, runPayload } from '../../scripts/verify/kernel.ts';
import { REPO } from '../generate/harness.ts';
import { requireRoot, requireTool } from './bpf-toolchain.ts';

const KERNEL_ID = '6.1-amd64';
const examples = PROBES.filter((p) => p.sees32bit !== undefined);
let work: string;
let out: string;
let release: string;

beforeAll(async () => {
	requireRoot('the probe guide\'s VM test');
	for (const [tool, pkg] of [['clang', 'clang'], ['bpftool', 'bpftool'], ['cc', 'gcc'], ['pkg-config', 'pkg-config']] as const) requireTool(tool, pkg);
	work = mkdtempSync(join(tmpdir(), 'atlas-probes-vm-'));
	const build = join(work, 'build');
	cpSync(join(REPO, SNIPPET_DIR, 'probes'), build, { recursive: true });
	for (const command of BUILD_COMMANDS) {
		const built = spawnSync('sh', ['-c', command], { cwd: build, encoding: 'utf8', maxBuffer: 1 << 30 });
		if (built.status !== 0) throw new Error(`${command} failed:\n${built.stderr}`);
	}
	const payload = join(work, 'payload');
	mkdirSync(join(payload, 'atlas'), { recursive: true });
	mkdirSync(join(payload, 'probes'));
	copyFileSync(join(REPO, 'tests/guides/probes-guest.sh'), join(payload, 'atlas/then'));
	chmodSync(join(payload, 'atlas/then'), 0o755);
	const libs = execFileSync('pkg-config', ['--static', '--libs', 'libbpf'], { encoding: 'utf8' }).trim().split(/\s+/);
	const linked = spawnSync('cc', ['-O2', '-static', join(build, 'attach.c'), '-o', join(payload, 'probes/attach'), ...libs], { encoding: 'utf8' });
	if (linked.status !== 0) throw new Error(`linking attach statically failed (needs libbpf-dev, libelf-dev, zlib1g-dev):\n${linked.stderr}`);
	for (const p of examples) copyFileSync(join(build, objectOf(p.file)), join(payload, 'probes', objectOf(p.file)));
	const connect32 = spawnSync('clang', ['-m32', '-O2', '-Wall', '-Werror', '-ffreestanding', '-nostdlib', '-static', '-fno-pie', join(REPO, 'tests/guides/connect32.c'), '-o', join(payload, 'probes/connect32')], { encoding: 'utf8' });
	if (connect32.status !== 0) throw new Error(`building the 32-bit connect32 failed:\n${connect32.stderr}`);

	const snapshot = readSnapshot(join(REPO, 'data'), KERNEL_ID);
	const log = (msg: string) => console.log(`[probes-vm] ${msg}`);
	const kernel = await prepareKernel(snapshot.provenance, { workDir: join(work, 'kernel'), cacheDir: join(REPO, '.cache/probes-test'), onProgress: log });
	release = kernel.release;
	const vm = await runPayload(kernel, [], payload, join(work, 'kernel'), log);
	out = join(vm.outDir, 'probes');
}, 30 * 60_000);

afterAll(() => {
	if (work) rmSync(work, { recursive: true, force: true });
});

describe(`which probe answers my question: the examples in ${KERNEL_ID}'s kernel under qemu`, () => {
	const fileOf = (example: ProbeExample) => {
		const name = objectOf(example.file).replace(/\.bpf\.o$/, '');
		return (suffix: string) => (existsSync(join(out, `${name}.${suffix}`)) ? readFileSync(join(out, `${name}.${suffix}`), 'utf8') : '');
	};
	const linesOf = (pid: number) => {
		const pipe = readFileSync(join(out, 'trace_pipe'), 'utf8');
		return pipe.split('\n').map(parseTracePipeLine).filter((l) => l?.pid === pid);
	};

	for (const example of examples) {
		it(`${example.file}: attached at ${example.section}, one line "${example.message()}" for nc's refused connect`, () => {
			const file = fileOf(example);
			expect(file('stdout').trimEnd().split('\n'), `on ${release}: ${file('stderr')}`).toEqual(attachedLines(example));
			expect(file('status').trim()).toBe('0');
			const pid = Number(file('pid').trim());
			expect(linesOf(pid), readFileSync(join(out, 'trace_pipe'), 'utf8').slice(-2000)).toEqual([{ comm: 'nc', pid, message: example.message() }]);
		});

		it(`${example.file}: ${example.sees32bit ? 'sees' : 'misses'} a 32-bit process's connect() and socketcall(SYS_CONNECT)`, () => {
			const file = fileOf(example);
			expect(file('status32').trim(), 'the kernel did not run the 32-bit connect32').toBe('0');
			const pid = Number(file('pid32').trim());
			// connect32's two sockets are its first descriptors after stdin, stdout and stderr.
			const expected = example.sees32bit ? [3, 4].map((fd) => ({ comm: 'connect32', pid, message: example.message(fd) })) : [];
			expect(linesOf(pid)).toEqual(expected);
		});
	}
});
