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
 * The same boot then provokes the build guide's step 6, kernel lockdown (lockdown-guest.sh, after the probes:
 * a running kernel's lockdown only goes up): the programs of src/components/guide/lockdown.ts loaded under
 * none, integrity and confidentiality. And the same package's kernel image gives the build guide's step 5
 * another kernel's vmlinux.h: a CO-RE program built with it is loaded on this machine (core-read.bpf.c).
 *
 * Needs what tests/verify needs: the Debian mirror from the apt sources, qemu, busybox-static and the
 * static libraries of libbpf-dev, libelf-dev and zlib1g-dev. Downloads go to .cache/probes-test (an
 * apt root of its own: another test's apt-get on the same root would fight over its lock).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/data/store.ts';
import { SNIPPET_DIR } from '../../src/components/guide/snippets.ts';
import { attachedLines, BUILD_COMMANDS, objectOf, parseTracePipeLine, PROBES, type ProbeExample } from '../../src/components/guide/probes.ts';
import { LOCKDOWN_MODES, LOCKDOWN_PROGRAMS, lockdownFile, refusalLines } from '../../src/components/guide/lockdown.ts';
import { prepareKernel, runPayload } from '../../scripts/verify/kernel.ts';
import { extractVmlinux } from '../../scripts/verify/vmlinux.ts';
import { REPO } from '../generate/harness.ts';
import { requireRoot, requireTool } from './bpf-toolchain.ts';

const KERNEL_ID = '6.1-amd64';
const examples = PROBES.filter((p) => p.sees32bit !== undefined);
let work: string;
let out: string;
let lockdownOut: string;
let release: string;
/** The 6.1 package's kernel image: another kernel's BTF for the CO-RE check. */
let image: string;

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
	copyFileSync(join(REPO, 'tests/guides/probes-guest.sh'), join(payload, 'atlas/probes.sh'));
	copyFileSync(join(REPO, 'tests/guides/lockdown-guest.sh'), join(payload, 'atlas/lockdown.sh'));
	writeFileSync(join(payload, 'atlas/then'), '#!/bin/sh\nsh /atlas/probes.sh "$@" && sh /atlas/lockdown.sh "$@"\n');
	chmodSync(join(payload, 'atlas/then'), 0o755);
	const libs = execFileSync('pkg-config', ['--static', '--libs', 'libbpf'], { encoding: 'utf8' }).trim().split(/\s+/);
	const linked = spawnSync('cc', ['-O2', '-static', join(build, 'attach.c'), '-o', join(payload, 'probes/attach'), ...libs], { encoding: 'utf8' });
	if (linked.status !== 0) throw new Error(`linking attach statically failed (needs libbpf-dev, libelf-dev, zlib1g-dev):\n${linked.stderr}`);
	for (const p of examples) copyFileSync(join(build, objectOf(p.file)), join(payload, 'probes', objectOf(p.file)));
	const connect32 = spawnSync('clang', ['-m32', '-O2', '-Wall', '-Werror', '-ffreestanding', '-nostdlib', '-static', '-fno-pie', join(REPO, 'tests/guides/connect32.c'), '-o', join(payload, 'probes/connect32')], { encoding: 'utf8' });
	if (connect32.status !== 0) throw new Error(`building the 32-bit connect32 failed:\n${connect32.stderr}`);
	// The lockdown programs, built the way the guide builds the probes (this machine's vmlinux.h, CO-RE).
	mkdirSync(join(payload, 'lockdown'));
	for (const { file } of LOCKDOWN_PROGRAMS) {
		const built = spawnSync('clang', ['-O2', '-g', '-target', 'bpf', '-D__TARGET_ARCH_x86', `-I${build}`, '-c', join(REPO, file), '-o', join(payload, 'lockdown', objectOf(file))], { encoding: 'utf8' });
		if (built.status !== 0) throw new Error(`building ${file} failed:\n${built.stderr}`);
	}

	const snapshot = readSnapshot(join(REPO, 'data'), KERNEL_ID);
	const log = (msg: string) => console.log(`[probes-vm] ${msg}`);
	const kernel = await prepareKernel(snapshot.provenance, { workDir: join(work, 'kernel'), cacheDir: join(REPO, '.cache/probes-test'), onProgress: log });
	release = kernel.release;
	image = kernel.kernel;
	const vm = await runPayload(kernel, [], payload, join(work, 'kernel'), log);
	out = join(vm.outDir, 'probes');
	lockdownOut = join(vm.outDir, 'lockdown');
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

describe(`kernel lockdown in ${KERNEL_ID}'s kernel: helpers taken away at load time (build guide, step 6)`, () => {
	const read = (file: string) => (existsSync(join(lockdownOut, file)) ? readFileSync(join(lockdownOut, file), 'utf8') : '');

	for (const mode of LOCKDOWN_MODES) {
		it(`${mode}: /sys/kernel/security/lockdown reads "${lockdownFile(mode)}"`, () => {
			expect(read(`${mode}.mode`).trim()).toBe(lockdownFile(mode));
		});

		for (const program of LOCKDOWN_PROGRAMS) {
			const name = objectOf(program.file).replace(/\.bpf\.o$/, '');
			const output = () => `stdout:\n${read(`${mode}.${name}.stdout`)}\nstderr:\n${read(`${mode}.${name}.stderr`)}`;
			const refusal = refusalLines(program, mode);
			if (refusal === null) {
				it(`${mode}: ${program.file} loads and attaches`, () => {
					expect(read(`${mode}.${name}.stdout`), output()).toContain('Ctrl-C detaches');
					expect(read(`${mode}.${name}.status`).trim(), output()).toBe('0');
				});
			} else {
				it(`${mode}: ${program.file} is refused: the verifier does not know ${program.refusedAs[mode]}, the loader gets EINVAL, not EPERM`, () => {
					const stderr = read(`${mode}.${name}.stderr`);
					for (const line of refusal) expect(stderr.split('\n'), output()).toContain(line);
					expect(stderr).not.toContain('Operation not permitted');
					expect(read(`${mode}.${name}.status`).trim()).toBe('1');
				});
			}
		}
	}

	it('a running kernel does not let the mode go back down', () => {
		expect(read('lower.status').trim()).not.toBe('0');
	});
});

/** A struct member's offset in bits in a BTF file (`bpftool btf dump … format raw`), or null when the struct has no such member. */
const rawBtf = new Map<string, string>();
function memberBitOffset(btf: string, struct: string, member: string): number | null {
	const raw = rawBtf.get(btf) ?? execFileSync('bpftool', ['btf', 'dump', 'file', btf, 'format', 'raw'], { encoding: 'utf8', maxBuffer: 1 << 30 });
	rawBtf.set(btf, raw);
	const at = raw.indexOf(`] STRUCT '${struct}' `);
	if (at < 0) throw new Error(`${btf} has no struct ${struct}`);
	const body = raw.slice(at, raw.indexOf('\n[', at));
	const found = new RegExp(`\\n\\s+'${member}' type_id=\\d+ bits_offset=(\\d+)`).exec(body);
	return found ? Number(found[1]) : null;
}

/**
 * Build guide step 5: CO-RE protection comes from the running kernel's BTF at load time, not from where vmlinux.h
 * was made. core-read.bpf.c is built with the vmlinux.h of the 6.1 package's kernel image and loaded here.
 */
describe(`CO-RE: a program built with ${KERNEL_ID}'s vmlinux.h, loaded on this machine (build guide, step 5)`, () => {
	const RUNNING_BTF = '/sys/kernel/btf/vmlinux';
	/** A task_struct member 6.1 has and later kernels dropped (mainline 6.5). */
	const GONE = 'backing_dev_info';
	let dir: string;
	let vmlinux: string;
	const build = (name: string, defines: string[]) => {
		const object = join(dir, `${name}.bpf.o`);
		const built = spawnSync('clang', ['-O2', '-g', '-target', 'bpf', '-D__TARGET_ARCH_x86', ...defines, `-I${dir}`, '-c', join(REPO, 'tests/guides/core-read.bpf.c'), '-o', object], { encoding: 'utf8' });
		if (built.status !== 0) throw new Error(`building core-read.bpf.c ${defines.join(' ')} failed:\n${built.stderr}`);
		return spawnSync(join(dir, 'core-read'), [object], { encoding: 'utf8' });
	};

	beforeAll(() => {
		requireTool('cc', 'gcc');
		dir = join(work, 'core');
		mkdirSync(dir);
		vmlinux = join(dir, 'vmlinux');
		writeFileSync(vmlinux, extractVmlinux(readFileSync(image), image));
		writeFileSync(join(dir, 'vmlinux.h'), execFileSync('bpftool', ['btf', 'dump', 'file', vmlinux, 'format', 'c'], { maxBuffer: 1 << 30 }));
		const loader = spawnSync('cc', ['-O2', '-pthread', join(REPO, 'tests/guides/core-read.c'), '-o', join(dir, 'core-read'), '-lbpf'], { encoding: 'utf8' });
		if (loader.status !== 0) throw new Error(`building core-read.c failed:\n${loader.stderr}`);
	});

	it("reads task_struct's tgid right where the field moved: relocated against the running kernel's BTF, not the header's offset", () => {
		const there = memberBitOffset(vmlinux, 'task_struct', 'tgid');
		const here = memberBitOffset(RUNNING_BTF, 'task_struct', 'tgid');
		expect(there, `task_struct.tgid is at bit ${here} in both kernels: this check needs a field that moved`).not.toBe(here);
		const run = build('core-read', []);
		expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
		const [, pid, relocated, fixed] = /^pid=(\d+) relocated=(-?\d+) fixed=(-?\d+)$/m.exec(run.stdout) ?? [];
		expect(pid, run.stdout).toBeDefined();
		// The relocated read is the process's pid: libbpf moved it to where this kernel keeps tgid.
		expect(Number(relocated)).toBe(Number(pid));
		// The same field read at the offset the header gives (the other kernel's) is not.
		expect(Number(fixed)).not.toBe(Number(pid));
	});

	it(`refuses to load a read of a field the running kernel no longer has (task_struct.${GONE})`, () => {
		expect(memberBitOffset(vmlinux, 'task_struct', GONE), `${KERNEL_ID}'s task_struct should have ${GONE}`).not.toBeNull();
		expect(memberBitOffset(RUNNING_BTF, 'task_struct', GONE), `this kernel's task_struct still has ${GONE}: pick a member it lacks`).toBeNull();
		const run = build('core-read-gone', [`-DGONE=${GONE}`]);
		expect(run.status, run.stdout).toBe(1);
		expect(run.stderr).toContain(`failed to resolve CO-RE relocation <byte_off> [`);
		expect(run.stderr).toContain(`struct task_struct.${GONE}`);
		expect(run.stderr).toContain('the kernel refused');
	});
});
