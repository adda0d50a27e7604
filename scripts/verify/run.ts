/**
 * Verifying one captured kernel: build every event's program here, boot that kernel's own Debian
 * package under qemu with the objects and a static loader in its initramfs, load and attach each
 * program through the kernel's verifier, run the headline programs end to end, and turn what came
 * back into a VerifyResult (src/schemas/verify.ts).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSnapshot } from '../../src/data/store.ts';
import { countOutcomes, type CheckName, type EventVerdict, type HeadlineRun, type Outcome, type VerifiedContext, type VerifyResult } from '../../src/schemas/verify.ts';
import { bpfFlags } from '../../tests/generate/harness.ts';
import { DEFAULT_OPTIONS, type GeneratorOptions } from '../../src/lib/generate/index.ts';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';
import { buildHeadlines, buildPrograms, buildStaticLoadAll, optionsFor, type BuiltHeadline, type BuiltProgram } from './build.ts';
import { VARIANTS, variantEvents } from './variants.ts';
import { explain } from './explain.ts';
import { checkHeadline, MARKER_PATH } from './headline.ts';
import { prepareKernel, runPayload } from './kernel.ts';
import { indexLoadLines, parseLoadLines, programOutcome } from './results.ts';
import { kernelBtfFromImage } from './vmlinux.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Objects per load-all process in the guest (each holds up to UNITY_BATCH programs): a progress line each, and a crash loses only one batch. */
const BATCH = 4;

export interface VerifyOptions {
	dataDir: string;
	/** Scratch directory (replaced). */
	workDir: string;
	/** The capture's download cache (.cache/kernels). */
	cacheDir: string;
	contexts: VerifiedContext[];
	/** Verify only the built-in events and load no modules (quicker; for the CI test). Default: every event. */
	builtinOnly?: boolean;
	/** Verify the variants too (scripts/verify/variants.ts). Default: yes. */
	variants?: boolean;
	mirror?: string | undefined;
	onProgress: (msg: string) => void;
}

/** One set of programs to build and load: a context with the defaults, or a variant on the events it covers. */
export interface Check {
	name: CheckName;
	options: Partial<GeneratorOptions>;
	events: Event[];
}

export function planChecks(snapshot: Snapshot, contexts: VerifiedContext[], variants: readonly (typeof VARIANTS)[number][]): Check[] {
	return [
		...contexts.map((context) => ({ name: context, options: optionsFor(context), events: snapshot.events })),
		...variants.map((v) => ({ name: v.name, options: v.options, events: variantEvents(v, snapshot) })),
	];
}

/** Whether a check's programs include vmlinux.h: variants keep the default context, even when --context portable left vmlinux out. */
export const usesVmlinux = (check: Check) => (check.options.context ?? DEFAULT_OPTIONS.context) === 'vmlinux';

const toolVersion = (cmd: string, args: string[], pattern: RegExp) => pattern.exec(execFileSync(cmd, args, { encoding: 'utf8' }))?.[1] ?? 'unknown';

export async function verifyKernel(id: string, opts: VerifyOptions): Promise<VerifyResult> {
	const started = performance.now();
	const progress = (msg: string) => opts.onProgress(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
	const full = readSnapshot(opts.dataDir, id);
	const snapshot = opts.builtinOnly ? { ...full, events: full.events.filter((e) => e.origin.kind === 'builtin') } : full;
	rmSync(opts.workDir, { recursive: true, force: true });
	mkdirSync(opts.workDir, { recursive: true });

	const kernel = await prepareKernel(snapshot.provenance, { workDir: opts.workDir, cacheDir: opts.cacheDir, mirror: opts.mirror, onProgress: progress });
	progress(`kernel ${kernel.release} from ${kernel.package.name} ${kernel.package.version}; ${snapshot.events.length} events`);

	const payload = join(opts.workDir, 'payload');
	mkdirSync(join(payload, 'atlas'), { recursive: true });
	mkdirSync(join(payload, 'verify/batches'), { recursive: true });
	copyFileSync(join(HERE, 'guest.sh'), join(payload, 'atlas/then'));
	chmodSync(join(payload, 'atlas/then'), 0o755);
	writeFileSync(join(payload, MARKER_PATH), 'opened by the openat headline program\n');
	await buildStaticLoadAll(join(payload, 'verify/load-all'));

	const variants = opts.variants === false ? [] : VARIANTS;
	const checks = planChecks(snapshot, opts.contexts, variants);
	const btf = checks.some(usesVmlinux) ? await kernelBtfFromImage(kernel.kernel, join(opts.workDir, 'btf')) : null;
	const built = new Map<CheckName, Map<string, BuiltProgram>>();
	const guestObjects: string[] = [];
	for (const check of checks) {
		const objDir = join(payload, 'verify', check.name);
		const srcDir = join(opts.workDir, check.name);
		const programs = await buildPrograms(snapshot, check.events, check.options, srcDir, objDir, { plain: bpfFlags(srcDir), vmlinux: btf?.flags ?? null });
		built.set(check.name, new Map(programs.map((p) => [p.key, p])));
		for (const object of new Set(programs.map((p) => p.object))) if (object) guestObjects.push(`/${relative(payload, object)}`);
		const failed = programs.filter((p) => p.failure);
		const first = failed[0] ? ` (${failed[0].key}: ${failed[0].failure!.error})` : '';
		progress(`${check.name}: ${programs.length - failed.length} programs compiled${failed.length ? `, ${failed.length} did not${first}` : ''}`);
	}
	for (let i = 0; i * BATCH < guestObjects.length; i++) {
		writeFileSync(join(payload, 'verify/batches', String(i).padStart(4, '0')), `${guestObjects.slice(i * BATCH, (i + 1) * BATCH).join('\n')}\n`);
	}
	const headlines = await buildHeadlines(snapshot, opts.contexts, join(opts.workDir, 'headline'), payload, btf?.vmlinux ?? null);
	for (const h of headlines) if (h.error) progress(`headline ${h.name} not built: ${h.error}`);
	const buildSeconds = (performance.now() - started) / 1000;
	progress(`built ${guestObjects.length} objects and ${headlines.filter((h) => !h.error).length} headline loaders in ${buildSeconds.toFixed(0)} s`);

	const wanted = opts.builtinOnly ? [] : snapshot.provenance.modulesLoaded;
	const modules = wanted.filter((m) => kernel.modules.has(m));
	const missing = wanted.filter((m) => !kernel.modules.has(m));
	if (missing.length) progress(`modules of the snapshot that this package lacks (their events cannot attach): ${missing.join(' ')}`);
	const vm = await runPayload(kernel, modules, payload, opts.workDir, progress);
	const out = join(vm.outDir, 'verify');

	const loadLines = existsSync(join(out, 'load.jsonl')) ? parseLoadLines(readFileSync(join(out, 'load.jsonl'), 'utf8')) : [];
	const lines = indexLoadLines(loadLines);
	const loaderErrors = existsSync(join(out, 'load.stderr')) ? readFileSync(join(out, 'load.stderr'), 'utf8').trim() : '';
	const outcomeOf = (p: BuiltProgram): Outcome => {
		// Compiler messages name files in the work dir: keep the paths inside it, which stay the same from run to run.
		if (p.failure) return { ...p.failure, log: p.failure.log.replaceAll(`${opts.workDir}/`, '') };
		return programOutcome(`/${relative(payload, p.object!)}`, p.functions, lines, loaderErrors);
	};
	const verdicts: EventVerdict[] = snapshot.events.map((e) => {
		const verdict: EventVerdict = { event: `${e.category}:${e.name}` };
		for (const check of checks) {
			const program = built.get(check.name)!.get(verdict.event);
			if (program) verdict[check.name] = explain(e, outcomeOf(program));
		}
		return verdict;
	});
	const headline = headlines.map((h) => headlineRun(h, join(out, 'headline', h.name)));

	const result: VerifyResult = {
		kernel: id,
		release: kernel.release,
		package: kernel.package,
		verifiedOn: new Date().toISOString().slice(0, 10),
		method: vm.method,
		tools: {
			clang: toolVersion('clang', ['--version'], /clang version (\S+)/),
			libbpf: toolVersion('pkg-config', ['--modversion', 'libbpf'], /^(\S+)/),
		},
		seconds: { build: round(buildSeconds), vm: round(vm.seconds), total: round((performance.now() - started) / 1000) },
		contexts: opts.contexts,
		variants: variants.map((v) => ({ name: v.name, options: { ...v.options }, scope: v.scope })),
		counts: Object.fromEntries(checks.map((c) => [c.name, countOutcomes(verdicts, c.name)])),
		events: verdicts,
		headline,
	};
	return result;
}

const round = (seconds: number) => Math.round(seconds * 10) / 10;

/** Reads one headline program's run from the guest's files and checks its line. */
function headlineRun(h: BuiltHeadline, dir: string): HeadlineRun {
	const base = { event: `${h.headline.category}:${h.headline.event}`, pairExit: h.headline.pairExit, context: h.context, trigger: h.headline.trigger };
	if (h.error) return { ...base, expected: h.headline.expect, line: null, passed: false, problem: h.error };
	const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : null);
	if (!existsSync(dir)) return { ...base, expected: h.headline.expect, line: null, passed: false, problem: `the VM did not run ${basename(dir)}` };
	const check = checkHeadline(h.headline, { stdout: read('stdout') ?? '', stderr: read('stderr') ?? '', triggerPid: read('trigger-pid')?.trim() ?? null, status: read('status')?.trim() ?? null });
	return { ...base, expected: check.expected, line: check.line, passed: check.passed, ...(check.problem ? { problem: check.problem } : {}) };
}
