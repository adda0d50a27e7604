/**
 * The host half of verification: generate every event's program, compile them all, hundreds to an
 * object (scripts/verify/unity.ts), and build the static binaries the VM runs —
 * load-all and the headline programs' own loaders, built with the companion Makefile as a reader
 * would, only linked statically (the initramfs has no libbpf, libelf or libc).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { generateProject, type GeneratorOptions } from '../../src/lib/generate/index.ts';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';
import type { Failure, VerifiedContext } from '../../src/schemas/verify.ts';
import { generateEach, pool, REPO, run, writeProject, type Generated } from '../../tests/generate/harness.ts';
import { HEADLINES, triggerScript, type Headline } from './headline.ts';
import { compileOutcome, generateOutcome } from './results.ts';
import { definitions, unitySource, type Definitions } from './unity.ts';

/** One event's program: the object holding it and its BPF programs' names there when it compiled, else why not. */
export interface BuiltProgram {
	key: string;
	object: string | null;
	/** The program's SEC functions as named in `object` (a paired program has two). */
	functions: string[];
	failure: Failure | null;
}

/** How the companion Makefile tells a program that needs vmlinux.h. */
const VMLINUX_INCLUDE = /^#include "vmlinux\.h"/m;

/**
 * Programs per unity object: big enough that parsing the headers and libbpf's reading the kernel's
 * BTF happen rarely, small enough that both cores get work and that the guest holds an object's
 * maps (a 256 KiB ring buffer per program) at once.
 */
export const UNITY_BATCH = 200;
/** Programs per unity file; an object is linked from UNITY_BATCH / UNITY_FILE of them. */
const UNITY_FILE = 50;

/** The options every event is verified with: the defaults, but for the context. */
export const optionsFor = (context: VerifiedContext): Partial<GeneratorOptions> => ({ context });

/** A generated program written out for compiling: its own .bpf.c and what that file defines. */
export interface Unit {
	key: string;
	source: string;
	defs: Definitions;
	/** Whether it includes vmlinux.h (else <linux/bpf.h>, which clashes with vmlinux.h's PCH). */
	usesVmlinux: boolean;
}

/** Writes each generated program (its .bpf.c and record header, what clang reads) under `<dir>/src/<n>/`. */
export function writeUnits(generated: Generated[], dir: string): Unit[] {
	return generated.map((g, i) => {
		const src = join(dir, 'src', String(i));
		const headers = g.project.files.filter((f) => f.origin === 'generated' && f.path.endsWith('.h'));
		writeProject(src, { ...g.project, files: headers });
		// Named by index, so events whose program names coincide cannot overwrite each other.
		const source = join(src, `${i}.bpf.c`);
		const content = g.project.files.find((f) => f.path.endsWith('.bpf.c'))!.content;
		writeFileSync(source, content);
		return { key: g.key, source, defs: definitions([content, ...headers.map((h) => h.content)]), usesVmlinux: VMLINUX_INCLUDE.test(content) };
	});
}

/**
 * Generates and compiles the program of each of `events` (of `snapshot`) with `options` into
 * `objDir` (with clang `flags.vmlinux` the programs that include vmlinux.h, `flags.plain` the
 * others); sources go under `dir`. Returns one entry per event, in order.
 */
export async function buildPrograms(
	snapshot: Snapshot,
	events: Event[],
	options: Partial<GeneratorOptions>,
	dir: string,
	objDir: string,
	flags: { plain: string[]; vmlinux: string[] | null },
): Promise<BuiltProgram[]> {
	const { generated, refused } = generateEach(snapshot, options, events);
	const built = new Map<string, BuiltProgram>();
	for (const c of await compileUnits(writeUnits(generated, dir), flags, dir, objDir)) built.set(c.key, c);
	for (const r of refused) built.set(r.key, { key: r.key, object: null, functions: [], failure: generateOutcome(r.error) });
	return events.map((e) => built.get(`${e.category}:${e.name}`)!);
}

/**
 * Compiles `units`, UNITY_BATCH to an object (scripts/verify/unity.ts), two clang calls at a time;
 * a batch that fails is split in halves until the programs that fail are alone, and those are
 * compiled as their own file, so each failure carries the compiler's own message about its own
 * file. Objects go to `objDir`, stripped of DWARF; unity sources to `dir`.
 */
export async function compileUnits(units: Unit[], flags: { plain: string[]; vmlinux: string[] | null }, dir: string, objDir: string): Promise<BuiltProgram[]> {
	const withVmlinux = units.filter((u) => u.usesVmlinux);
	if (withVmlinux.length && !flags.vmlinux) throw new Error(`${withVmlinux.length} programs include vmlinux.h, but no vmlinux.h was made`);
	mkdirSync(objDir, { recursive: true });
	const groups = [
		...chunk(units.filter((u) => !u.usesVmlinux), UNITY_BATCH).map((batch) => ({ batch, flags: flags.plain })),
		...chunk(withVmlinux, UNITY_BATCH).map((batch) => ({ batch, flags: flags.vmlinux! })),
	].map((g, i) => ({ ...g, name: `batch-${String(i).padStart(3, '0')}` }));
	const compiled = (await Promise.all(groups.map((g) => compileBisecting(g.batch, g.flags, dir, objDir, g.name)))).flat();
	const objects = [...new Set(compiled.filter((c) => c.object).map((c) => c.object!))];
	// DWARF is for debuggers; libbpf needs only .BTF and .BTF.ext, which -g keeps. Halves the initramfs.
	for (let i = 0; i < objects.length; i += 500) execFileSync('llvm-strip', ['-g', ...objects.slice(i, i + 500)]);
	return compiled;
}

/**
 * Runs clang, at most as many at a time as there are cores (two here) across every caller, so the
 * checks of a kernel, and the next kernel's while one boots, can all be compiling at once.
 */
const clang = (() => {
	const slots = Math.max(1, Math.min(2, availableParallelism()));
	let busy = 0;
	const waiting: (() => void)[] = [];
	return async (args: string[], options: { cwd?: string } = {}) => {
		while (busy >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
		busy++;
		try {
			return await run('clang', args, options);
		} finally {
			busy--;
			waiting.shift()?.();
		}
	};
})();

const chunk = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Compiles `units` as one object `<objDir>/<name>.bpf.o`; if clang or the link refuses, each half again, down to single files. */
async function compileBisecting(units: Unit[], flags: string[], dir: string, objDir: string, name: string): Promise<BuiltProgram[]> {
	const object = join(objDir, `${name}.bpf.o`);
	if (units.length === 1) {
		const [u] = units as [Unit];
		const r = await clang([...flags, '-c', u.source, '-o', object]);
		return [{ key: u.key, object: r.status === 0 ? object : null, functions: u.defs.programs, failure: r.status === 0 ? null : compileOutcome(r.stderr) }];
	}
	// Several unity files per clang call, linked into one object: the BTF clang 14 emits gets slower
	// per program the more a file holds, so 50 to a file costs about a quarter less CPU than 200.
	const { texts, programs } = unitySource(units.map((u) => ({ source: u.source, defs: u.defs })), UNITY_FILE);
	const parts = texts.map((text, k) => {
		writeFileSync(join(dir, `${name}.${k}.bpf.c`), text);
		return { source: join(dir, `${name}.${k}.bpf.c`), object: join(dir, `${name}.${k}.bpf.o`) };
	});
	const compiled = await clang([...flags, '-c', ...parts.map((p) => p.source)], { cwd: dir });
	if (compiled.status === 0) {
		if ((await run('bpftool', ['gen', 'object', object, ...parts.map((p) => p.object)])).status === 0) {
			return units.map((u, i) => ({ key: u.key, object, functions: programs[i]!, failure: null }));
		}
		// libbpf's linker wants every part's license section identical, and a part of fewer programs
		// has fewer LICENSE strings: then each part is an object of its own.
		rmSync(object, { force: true });
		const objects = parts.map((p, k) => {
			const own = join(objDir, `${name}.${k}.bpf.o`);
			renameSync(p.object, own);
			return own;
		});
		return units.map((u, i) => ({ key: u.key, object: objects[Math.floor(i / UNITY_FILE)]!, functions: programs[i]!, failure: null }));
	}
	const half = Math.ceil(units.length / 2);
	return [
		...(await compileBisecting(units.slice(0, half), flags, dir, objDir, `${name}a`)),
		...(await compileBisecting(units.slice(half), flags, dir, objDir, `${name}b`)),
	];
}

/** `pkg-config --static --libs libbpf`: libbpf and what it links against, for a static binary. */
function staticLibs(): string {
	return execFileSync('pkg-config', ['--static', '--libs', 'libbpf'], { encoding: 'utf8' }).trim();
}

/** tests/generate/load-all.c, linked statically. */
export async function buildStaticLoadAll(out: string): Promise<void> {
	const r = await run('cc', ['-O2', '-Wall', '-Werror', '-static', join(REPO, 'tests/generate/load-all.c'), '-o', out, ...staticLibs().split(/\s+/)]);
	if (r.status !== 0) throw new Error(`building a static load-all failed (needs libbpf-dev, libelf-dev, zlib1g-dev):\n${r.stderr}`);
}

export interface BuiltHeadline {
	headline: Headline;
	context: VerifiedContext;
	/** Guest directory name: `<headline>-<context>`. */
	name: string;
	/** Why it could not be built, or null. */
	error: string | null;
}

/**
 * Generates each headline program with default options (but the context, and pairExit where the
 * headline pairs), builds it with `make` in the companion layout, linked statically, and stages it
 * with its trigger under `<payload>/verify/headline/<name>/`.
 */
export async function buildHeadlines(snapshot: Snapshot, contexts: VerifiedContext[], dir: string, payload: string, kernelBtf: string | null): Promise<BuiltHeadline[]> {
	const byKey = new Map(snapshot.events.map((e) => [`${e.category}:${e.name}`, e]));
	const lookup = (category: string, name: string): Event | undefined => byKey.get(`${category}:${name}`);
	const jobs = contexts.flatMap((context) => HEADLINES.filter((h) => byKey.has(`${h.category}:${h.event}`)).map((headline) => ({ headline, context })));
	const libs = staticLibs();
	return pool(jobs, async ({ headline, context }): Promise<BuiltHeadline> => {
		const name = `${headline.name}-${context}`;
		const fail = (error: string): BuiltHeadline => ({ headline, context, name, error });
		let project;
		try {
			project = generateProject({ kernel: snapshot.provenance, events: [byKey.get(`${headline.category}:${headline.event}`)!], lookup }, { ...optionsFor(context), pairExit: headline.pairExit, language: 'en' });
		} catch (error) {
			return fail(`the generator refused it: ${(error as Error).message}`);
		}
		const projectDir = join(dir, name);
		writeProject(projectDir, project);
		const makeArgs = ['-C', projectDir, `CFLAGS=-g -O2 -Wall -static`, `LIBBPF_LIBS=${libs}`, ...(kernelBtf ? [`KERNEL_BTF=${kernelBtf}`] : [])];
		const made = await run('make', makeArgs);
		if (made.status !== 0) return fail(`make failed:\n${(made.stderr || made.stdout).trim().split('\n').slice(-15).join('\n')}`);
		const guestDir = join(payload, 'verify/headline', name);
		mkdirSync(guestDir, { recursive: true });
		copyFileSync(join(projectDir, project.programName), join(guestDir, 'prog'));
		chmodSync(join(guestDir, 'prog'), 0o755);
		writeFileSync(join(guestDir, 'trigger'), triggerScript(headline));
		return { headline, context, name, error: null };
	});
}
