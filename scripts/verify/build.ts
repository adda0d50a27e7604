/**
 * The host half of verification: generate every event's program, compile them all (the generator
 * tests' batch tooling, tests/generate/harness.ts), and build the static binaries the VM runs —
 * load-all and the headline programs' own loaders, built with the companion Makefile as a reader
 * would, only linked statically (the initramfs has no libbpf, libelf or libc).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateProject, type GeneratorOptions } from '../../src/lib/generate/index.ts';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';
import type { Failure, VerifiedContext } from '../../src/schemas/verify.ts';
import { compileBpf, generateEach, pool, REPO, run, writeProject } from '../../tests/generate/harness.ts';
import { HEADLINES, triggerScript, type Headline } from './headline.ts';
import { compileOutcome, generateOutcome } from './results.ts';

/** One event's program: its object when it compiled, else why not. */
export interface BuiltProgram {
	key: string;
	object: string | null;
	failure: Failure | null;
}

/** How the companion Makefile tells a program that needs vmlinux.h. */
const VMLINUX_INCLUDE = /^#include "vmlinux\.h"/m;

/** The options every event is verified with: the defaults, but for the context. */
export const optionsFor = (context: VerifiedContext): Partial<GeneratorOptions> => ({ context });

/**
 * Generates and compiles the program of each of `events` (of `snapshot`) with `options` into
 * `objDir` (with clang `flags.vmlinux` the programs that include vmlinux.h, `flags.plain` the
 * others); sources and headers go under `dir`. Objects are named by index (`<n>.bpf.o`), so events
 * whose program names coincide cannot overwrite each other. Returns one entry per event, in order.
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
	const sources = generated.map((g, i) => {
		const src = join(dir, 'src', String(i));
		// Only what clang reads: the record header, and the program under its index.
		writeProject(src, { ...g.project, files: g.project.files.filter((f) => f.origin === 'generated' && f.path.endsWith('.h')) });
		const source = join(src, `${i}.bpf.c`);
		const content = g.project.files.find((f) => f.path.endsWith('.bpf.c'))!.content;
		writeFileSync(source, content);
		return { key: g.key, source, usesVmlinux: VMLINUX_INCLUDE.test(content) };
	});
	// Programs that fell back to a format-file ctx include <linux/bpf.h>, which clashes with vmlinux.h's PCH.
	const withVmlinux = sources.filter((s) => s.usesVmlinux);
	if (withVmlinux.length && !flags.vmlinux) throw new Error(`${withVmlinux.length} programs include vmlinux.h, but no vmlinux.h was made`);
	const compiled = [
		...(await compileBpf(sources.filter((s) => !s.usesVmlinux), flags.plain, objDir)),
		...(withVmlinux.length ? await compileBpf(withVmlinux, flags.vmlinux!, objDir) : []),
	];
	const objects = compiled.filter((c) => c.ok).map((c) => c.object);
	// DWARF is for debuggers; libbpf needs only .BTF and .BTF.ext, which -g keeps. Halves the initramfs.
	for (let i = 0; i < objects.length; i += 500) execFileSync('llvm-strip', ['-g', ...objects.slice(i, i + 500)]);
	const built = new Map<string, BuiltProgram>();
	for (const c of compiled) built.set(c.key, { key: c.key, object: c.ok ? c.object : null, failure: c.ok ? null : compileOutcome(c.error) });
	for (const r of refused) built.set(r.key, { key: r.key, object: null, failure: generateOutcome(r.error) });
	return events.map((e) => built.get(`${e.category}:${e.name}`)!);
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
