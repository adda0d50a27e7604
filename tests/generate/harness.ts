/**
 * Batch tooling for proving generated programs with real tools: write projects, compile many BPF
 * programs per clang call on both cores, check every loader with the C compiler, and load and attach
 * many objects per process through the kernel's verifier. Used by the tests and scripts/report-generate.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject, type GeneratedProject, type GeneratorOptions } from '../../src/lib/generate/index.ts';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const COMPANION = join(REPO, 'companion');
const JOBS = Math.max(1, Math.min(2, availableParallelism()));

/** Runs `file args` and resolves with its status and output (never rejects for a non-zero exit). */
export function run(file: string, args: string[], options: { cwd?: string } = {}): Promise<{ status: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(file, args, { cwd: options.cwd, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
			const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
			resolve({ status, stdout, stderr: stderr || (error && typeof error.code !== 'number' ? error.message : '') });
		});
	});
}

/** Runs `tasks` with at most JOBS at a time. */
export async function pool<T, R>(items: T[], task: (item: T) => Promise<R>, jobs = JOBS): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(jobs, items.length) }, async () => {
			while (next < items.length) {
				const i = next++;
				results[i] = await task(items[i] as T);
			}
		}),
	);
	return results;
}

const chunk = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Fails with the package that provides a missing tool, as the house rules ask. */
export function requireTools(): void {
	const tools: [string, string][] = [['clang', 'clang'], ['bpftool', 'bpftool'], ['cc', 'gcc'], ['make', 'make'], ['pkg-config', 'pkg-config']];
	for (const [tool, pkg] of tools) {
		try {
			execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
		} catch {
			throw new Error(`${tool} is not installed; install the Debian package ${pkg} (npm test installs it as root)`);
		}
	}
	if (!existsSync('/usr/include/bpf/libbpf.h')) throw new Error('libbpf headers are missing; install the Debian package libbpf-dev');
}

export interface Generated {
	/** `category:name`. */
	key: string;
	project: GeneratedProject;
}

/** Generates one project per event; events the generator refuses are returned with the reason. */
export function generateEach(snapshot: Snapshot, options: Partial<GeneratorOptions>, events: Event[] = snapshot.events): { generated: Generated[]; refused: { key: string; error: string }[] } {
	const byKey = new Map(snapshot.events.map((e) => [`${e.category}:${e.name}`, e]));
	const lookup = (category: string, name: string) => byKey.get(`${category}:${name}`);
	const generated: Generated[] = [];
	const refused: { key: string; error: string }[] = [];
	for (const e of events) {
		const key = `${e.category}:${e.name}`;
		try {
			generated.push({ key, project: generateProject({ kernel: snapshot.provenance, events: [e], lookup }, options) });
		} catch (error) {
			refused.push({ key, error: (error as Error).message });
		}
	}
	return { generated, refused };
}

/** Writes a project into `dir`: the companion's files as the site's zip has them, then the generated ones. */
export function writeProject(dir: string, project: GeneratedProject): void {
	mkdirSync(dir, { recursive: true });
	for (const f of project.files) writeFileSync(join(dir, f.path), f.content, { mode: f.executable ? 0o755 : 0o644 });
}

/** The flags companion/Makefile compiles BPF programs with, plus -Werror. */
export function bpfFlags(includeDir: string): string[] {
	const multiarch = execFileSync('cc', ['-dumpmachine'], { encoding: 'utf8' }).trim();
	const arch = process.arch === 'arm64' ? 'arm64' : 'x86';
	return ['-g', '-O2', '-Wall', '-Werror', '-fms-extensions', '-Wno-microsoft-anon-tag', '-target', 'bpf', `-D__TARGET_ARCH_${arch}`, `-I${includeDir}`, '-idirafter', `/usr/include/${multiarch}`];
}

/**
 * vmlinux.h of the running kernel (or of `btf`: raw BTF or an ELF vmlinux) and a precompiled header of it: parsing vmlinux.h is most of the
 * time of compiling one program, and the PCH is that parse done once (the same text, so the same result).
 */
export async function vmlinuxPch(dir: string, btf = '/sys/kernel/btf/vmlinux'): Promise<{ includeDir: string; pch: string }> {
	mkdirSync(dir, { recursive: true });
	const header = join(dir, 'vmlinux.h');
	writeFileSync(header, execFileSync('bpftool', ['btf', 'dump', 'file', btf, 'format', 'c'], { maxBuffer: 512 * 1024 * 1024 }));
	const pch = join(dir, 'vmlinux.h.pch');
	const r = await run('clang', [...bpfFlags(dir), '-x', 'c-header', header, '-o', pch]);
	if (r.status !== 0) throw new Error(`precompiling vmlinux.h failed:\n${r.stderr}`);
	return { includeDir: dir, pch };
}

/**
 * A precompiled header of what portable-context programs include (<linux/bpf.h> and bpf_helpers.h), for
 * the same reason. The programs still include those headers; their include guards make that a no-op.
 */
export async function portablePch(dir: string): Promise<string> {
	mkdirSync(dir, { recursive: true });
	const header = join(dir, 'portable.h');
	writeFileSync(header, '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n');
	const r = await run('clang', [...bpfFlags(dir), '-x', 'c-header', header, '-o', `${header}.pch`]);
	if (r.status !== 0) throw new Error(`precompiling ${header} failed:\n${r.stderr}`);
	return `${header}.pch`;
}

export interface CompileResult {
	key: string;
	ok: boolean;
	/** The object file when ok. */
	object: string;
	/** The compiler's messages when not ok. */
	error: string;
}

/**
 * Compiles `.bpf.c` files with clang, many per call and two calls at a time. A failing call is
 * repeated file by file so each failure carries its own message.
 */
export async function compileBpf(
	sources: { key: string; source: string }[],
	flags: string[],
	outDir: string,
	batch = 40,
	/** Called with each call's results as soon as it is done (to start loading early). */
	onCompiled: (results: CompileResult[]) => void = () => {},
): Promise<CompileResult[]> {
	mkdirSync(outDir, { recursive: true });
	const objectOf = (source: string) => join(outDir, source.split('/').at(-1)!.replace(/\.c$/, '.o'));
	const compileOne = async (s: { key: string; source: string }): Promise<CompileResult> => {
		const r = await run('clang', [...flags, '-c', s.source, '-o', objectOf(s.source)]);
		return { key: s.key, ok: r.status === 0, object: objectOf(s.source), error: r.stderr };
	};
	const results = await pool(chunk(sources, batch), async (group): Promise<CompileResult[]> => {
		const r = await run('clang', [...flags, '-c', ...group.map((s) => s.source)], { cwd: outDir });
		const each: CompileResult[] = [];
		if (r.status === 0) each.push(...group.map((s) => ({ key: s.key, ok: true, object: objectOf(s.source), error: '' })));
		else for (const s of group) each.push(await compileOne(s));
		onCompiled(each);
		return each;
	});
	return results.flat();
}

/**
 * Checks every loader (`<prog>.c`) with the C compiler against the skeleton bpftool makes from its
 * object, as `make` would, with -Wall -Werror; syntax and types only, many files per call.
 */
export async function checkLoaders(items: { key: string; dir: string; name: string; object: string }[], batch = 40): Promise<{ key: string; ok: boolean; error: string }[]> {
	await pool(items, async (it) => {
		const r = await run('bpftool', ['gen', 'skeleton', it.object]);
		if (r.status !== 0) throw new Error(`bpftool gen skeleton ${it.object} failed:\n${r.stderr}`);
		writeFileSync(join(it.dir, `${it.name}.skel.h`), r.stdout);
	});
	const flags = ['-fsyntax-only', '-Wall', '-Werror'];
	const results = await pool(chunk(items, batch), async (group) => {
		const r = await run('cc', [...flags, ...group.map((it) => join(it.dir, `${it.name}.c`))]);
		if (r.status === 0) return group.map((it) => ({ key: it.key, ok: true, error: '' }));
		const each: { key: string; ok: boolean; error: string }[] = [];
		for (const it of group) {
			const one = await run('cc', [...flags, join(it.dir, `${it.name}.c`)]);
			each.push({ key: it.key, ok: one.status === 0, error: one.stderr });
		}
		return each;
	});
	return results.flat();
}

export interface LoadResult {
	object: string;
	ok: boolean;
	stage?: 'open' | 'load' | 'attach';
	error?: string;
	log?: string;
}

/** Builds tests/generate/load-all.c once into `dir`. */
export async function buildLoadAll(dir: string): Promise<string> {
	mkdirSync(dir, { recursive: true });
	const exe = join(dir, 'load-all');
	const r = await run('cc', ['-O2', '-Wall', '-Werror', join(REPO, 'tests/generate/load-all.c'), '-o', exe, '-lbpf']);
	if (r.status !== 0) throw new Error(`building load-all failed:\n${r.stderr}`);
	return exe;
}

/**
 * Loads every object through the running kernel's verifier and, with `attach`, attaches its programs.
 * Detaching a tracepoint's last perf event waits for RCU grace periods under a kernel-wide mutex, so
 * attaching costs tens of milliseconds per tracepoint whatever the parallelism.
 */
export async function loadAll(loader: string, objects: string[], workDir: string, options: { attach: boolean }, batch = 100, processes = 2): Promise<LoadResult[]> {
	mkdirSync(workDir, { recursive: true });
	// Copied once and renamed into place: calls overlap, and a reader must never see a half-written copy.
	const btf = join(workDir, 'vmlinux.btf');
	if (!existsSync(btf)) {
		const partial = `${btf}.${process.pid}.${Math.random().toString(36).slice(2)}`;
		copyFileSync('/sys/kernel/btf/vmlinux', partial);
		renameSync(partial, btf);
	}
	const results = await pool(chunk(objects, batch), async (group) => {
		const r = await run(loader, ['--btf', btf, ...(options.attach ? [] : ['--no-attach']), ...group]);
		const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
		const parsed = lines.map((l) => JSON.parse(l) as LoadResult);
		if (parsed.length !== group.length) throw new Error(`load-all reported ${parsed.length} of ${group.length} objects (status ${r.status}):\n${r.stderr}`);
		return parsed;
	}, processes);
	return results.flat();
}

/** Counts per stage, and the failures grouped by their first error line, for printing. */
export function summarize<T extends { ok: boolean }>(results: T[], describe: (r: T) => string): { passed: number; failed: number; lines: string[] } {
	const failed = results.filter((r) => !r.ok);
	return { passed: results.length - failed.length, failed: failed.length, lines: failed.map(describe) };
}

/** Reads a file of the repository (for tests that compare against committed files). */
export const readRepoFile = (path: string) => readFileSync(join(REPO, path), 'utf8');
