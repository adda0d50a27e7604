/**
 * The BPF toolchain the guide tests drive: clang, bpftool and a vmlinux.h made from the running kernel's BTF.
 * Missing tools fail with a message naming them (npm test installs them first; see scripts/test.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const KERNEL_BTF = '/sys/kernel/btf/vmlinux';

/** Throws a message naming the missing tool and the Debian package that brings it. */
export function requireTool(command: string, debianPackage: string): void {
	if (spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status !== 0) {
		throw new Error(`${command} is not installed: run \`apt-get install ${debianPackage}\` (npm test installs it as root)`);
	}
}

/** Throws unless the tests run as root, which loading BPF programs needs. */
export function requireRoot(what: string): void {
	if (process.getuid?.() !== 0) throw new Error(`${what} loads BPF programs into the kernel and must run as root`);
}

/** A fresh directory holding vmlinux.h generated from this machine's kernel BTF. */
export function vmlinuxDir(): string {
	requireTool('bpftool', 'bpftool');
	if (!existsSync(KERNEL_BTF)) throw new Error(`${KERNEL_BTF} is missing: this kernel was built without CONFIG_DEBUG_INFO_BTF`);
	const dir = mkdtempSync(join(tmpdir(), 'atlas-guides-'));
	const header = execFileSync('bpftool', ['btf', 'dump', 'file', KERNEL_BTF, 'format', 'c'], { maxBuffer: 1 << 30 });
	writeFileSync(join(dir, 'vmlinux.h'), header);
	return dir;
}

/** The target-architecture define bpf_tracing.h needs, from this machine's architecture. */
function targetArchDefine(): string {
	const arch = { x64: 'x86', arm64: 'arm64', s390x: 's390', ppc64: 'powerpc', riscv64: 'riscv' }[process.arch as string];
	if (!arch) throw new Error(`no __TARGET_ARCH_ mapping for architecture ${process.arch}`);
	return `-D__TARGET_ARCH_${arch}`;
}

/** Result of compiling one source file. */
export interface Compiled {
	source: string;
	object: string;
}

/**
 * Compiles BPF C sources into `outDir` (which holds vmlinux.h): one clang call per half of the list,
 * both running at once, so the two cores share the work. Warnings are errors.
 */
export async function compileBpf(sources: string[], outDir: string): Promise<Compiled[]> {
	requireTool('clang', 'clang');
	const { execFile } = await import('node:child_process');
	const half = Math.ceil(sources.length / 2);
	const batches = [sources.slice(0, half), sources.slice(half)].filter((b) => b.length > 0);
	await Promise.all(
		batches.map(
			(batch) =>
				new Promise<void>((resolve, reject) => {
					const args = ['-O2', '-g', '-target', 'bpf', targetArchDefine(), '-Wall', '-Werror', `-I${outDir}`, '-c', ...batch];
					execFile('clang', args, { cwd: outDir }, (error, _stdout, stderr) =>
						error ? reject(new Error(`clang failed on ${batch.map((s) => basename(s)).join(', ')}:\n${stderr}`)) : resolve(),
					);
				}),
		),
	);
	return sources.map((source) => ({ source, object: join(outDir, basename(source).replace(/\.c$/, '.o')) }));
}

/** Outcome of handing an object's programs to the kernel's verifier. */
export interface LoadResult {
	loaded: boolean;
	/** bpftool's and libbpf's output, which carries the verifier log when loading fails. */
	log: string;
	/** The loaded programs as the kernel reports them, sorted by name. */
	programs: { name: string; type: string }[];
}

/** Loads every program of an object through the verifier (bpftool prog loadall), then unloads them. */
export function loadAll(object: string): LoadResult {
	requireTool('bpftool', 'bpftool');
	const pinDir = `/sys/fs/bpf/atlas-guides-${process.pid}-${basename(object, '.o').replace(/\W/g, '_')}`;
	const run = spawnSync('bpftool', ['prog', 'loadall', object, pinDir], { encoding: 'utf8' });
	const programs = existsSync(pinDir)
		? readdirSync(pinDir)
				.sort()
				.map((pin) => {
					const shown = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show', 'pinned', join(pinDir, pin)], { encoding: 'utf8' }));
					return { name: shown.name as string, type: shown.type as string };
				})
		: [];
	spawnSync('rm', ['-rf', pinDir]);
	return { loaded: run.status === 0, log: `${run.stdout}${run.stderr}`, programs };
}
