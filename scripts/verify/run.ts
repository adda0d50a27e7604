/**
 * Verifying one captured kernel: build every event's program here, boot that kernel's own Debian
 * package under qemu with the objects and a static loader in its initramfs, load and attach each
 * program through the kernel's verifier, run the headline programs end to end, and turn what came
 * back into a VerifyResult (src/schemas/verify.ts).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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
import { prepareKernel, runPayload, type PreparedKernel } from './kernel.ts';
import { indexLoadLines, parseLoadLines, programOutcome } from './results.ts';
import { selectEvents } from './select.ts';
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
	/** Verify only the events these patterns name (scripts/verify/select.ts), loading only their modules. Default: every event. */
	events?: string | undefined;
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

/** A kernel's programs built and staged, ready to boot (buildKernel), and what runKernel needs of it. */
export interface KernelBuild {
	id: string;
	snapshot: Snapshot;
	kernel: PreparedKernel;
	payload: string;
	checks: Check[];
	variants: readonly (typeof VARIANTS)[number][];
	built: Map<CheckName, Map<string, BuiltProgram>>;
	headlines: BuiltHeadline[];
	started: number;
	seconds: { download: number; compile: number; build: number };
	/** Samples the host's load average until stopped; returns the mean. */
	hostLoad: () => number;
	progress: (msg: string) => void;
}

/** Samples the 1-minute load average every 5 s from now; the function returned stops and gives the mean. */
function sampleLoad(): () => number {
	const samples = [loadavg()[0]!];
	const timer = setInterval(() => samples.push(loadavg()[0]!), 5000);
	timer.unref();
	return () => {
		clearInterval(timer);
		return samples.reduce((a, b) => a + b, 0) / samples.length;
	};
}

/** Seconds since `started`, for progress lines and timings. */
const since = (started: number) => (performance.now() - started) / 1000;

/**
 * The host half: fetches and unpacks the kernel package while the programs that need no vmlinux.h
 * compile, then compiles the rest against the kernel's own BTF, every check's batches sharing the
 * two clang slots, and builds the headline loaders.
 */
export async function buildKernel(id: string, opts: VerifyOptions): Promise<KernelBuild> {
	const started = performance.now();
	const progress = (msg: string) => opts.onProgress(`[${since(started).toFixed(1).padStart(6)} s] ${msg}`);
	const full = readSnapshot(opts.dataDir, id);
	const kept = opts.builtinOnly ? full.events.filter((e) => e.origin.kind === 'builtin') : full.events;
	const snapshot = { ...full, events: opts.events === undefined ? kept : selectEvents(opts.events, kept, id) };
	rmSync(opts.workDir, { recursive: true, force: true });
	mkdirSync(opts.workDir, { recursive: true });

	const seconds = { download: 0, compile: 0, build: 0 };
	const hostLoad = sampleLoad();
	const kernelReady = prepareKernel(snapshot.provenance, { workDir: opts.workDir, cacheDir: opts.cacheDir, mirror: opts.mirror, onProgress: progress }).then((kernel) => {
		seconds.download = since(started);
		progress(`kernel ${kernel.release} from ${kernel.package.name} ${kernel.package.version} (fetched and unpacked in ${seconds.download.toFixed(0)} s); ${snapshot.events.length} events`);
		return kernel;
	});
	// Settled here too, so a failed download is reported when awaited, not as an unhandled rejection meanwhile.
	kernelReady.catch(() => {});

	const payload = join(opts.workDir, 'payload');
	mkdirSync(join(payload, 'atlas'), { recursive: true });
	mkdirSync(join(payload, 'verify/batches'), { recursive: true });
	copyFileSync(join(HERE, 'guest.sh'), join(payload, 'atlas/then'));
	chmodSync(join(payload, 'atlas/then'), 0o755);
	writeFileSync(join(payload, MARKER_PATH), 'opened by the openat headline program\n');

	const variants = opts.variants === false ? [] : VARIANTS;
	const checks = planChecks(snapshot, opts.contexts, variants);
	const btfReady = checks.some(usesVmlinux) ? kernelReady.then((k) => kernelBtfFromImage(k.kernel, join(opts.workDir, 'btf'))) : Promise.resolve(null);
	btfReady.catch(() => {});
	const built = new Map<CheckName, Map<string, BuiltProgram>>();
	const [, , headlines] = await Promise.all([
		buildStaticLoadAll(join(payload, 'verify/load-all')),
		Promise.all(checks.map(async (check) => {
			const btf = usesVmlinux(check) ? await btfReady : null;
			const srcDir = join(opts.workDir, check.name);
			const programs = await buildPrograms(snapshot, check.events, check.options, srcDir, join(payload, 'verify', check.name), { plain: bpfFlags(srcDir), vmlinux: btf?.flags ?? null });
			built.set(check.name, new Map(programs.map((p) => [p.key, p])));
			const failed = programs.filter((p) => p.failure);
			const first = failed[0] ? ` (${failed[0].key}: ${failed[0].failure!.error})` : '';
			const objects = new Set(programs.map((p) => p.object).filter(Boolean)).size;
			progress(`${check.name}: ${programs.length - failed.length} programs compiled into ${objects} objects${failed.length ? `, ${failed.length} did not${first}` : ''}`);
		})),
		btfReady.then((btf) => buildHeadlines(snapshot, opts.contexts, join(opts.workDir, 'headline'), payload, btf?.vmlinux ?? null)),
	]);
	for (const h of headlines) if (h.error) progress(`headline ${h.name} not built: ${h.error}`);
	const guestObjects = [...new Set(checks.flatMap((c) => [...built.get(c.name)!.values()].flatMap((p) => (p.object ? [`/${relative(payload, p.object)}`] : []))))];
	for (let i = 0; i * BATCH < guestObjects.length; i++) {
		writeFileSync(join(payload, 'verify/batches', String(i).padStart(4, '0')), `${guestObjects.slice(i * BATCH, (i + 1) * BATCH).join('\n')}\n`);
	}
	const kernel = await kernelReady;
	seconds.compile = since(started);
	seconds.build = seconds.compile;
	const programs = [...built.values()].reduce((n, m) => n + m.size, 0);
	progress(`built ${programs} programs in ${guestObjects.length} objects and ${headlines.filter((h) => !h.error).length} headline loaders in ${seconds.build.toFixed(0)} s`);
	return { id, snapshot, kernel, payload, checks, variants, built, headlines, started, seconds, hostLoad, progress };
}

/** The VM half: boots the kernel with the payload, and turns what came back into a VerifyResult. */
export async function runKernel(b: KernelBuild, opts: VerifyOptions): Promise<VerifyResult> {
	const { snapshot, kernel, payload, checks, built, progress } = b;
	// A selection loads only the modules its events come from (stageInitramfs adds what they depend on).
	const selected = new Set(snapshot.events.flatMap((e) => (e.origin.kind === 'module' ? [e.origin.module] : [])));
	const wanted = opts.builtinOnly ? [] : snapshot.provenance.modulesLoaded.filter((m) => opts.events === undefined || selected.has(m));
	const modules = wanted.filter((m) => kernel.modules.has(m));
	const missing = wanted.filter((m) => !kernel.modules.has(m));
	if (missing.length) progress(`modules of the snapshot that this package lacks (their events cannot attach): ${missing.join(' ')}`);
	// The guest's progress lines mark where booting ends and loading starts.
	const vmStarted = performance.now();
	const marks: { headline?: number; load?: number } = {};
	const vm = await runPayload(kernel, modules, payload, opts.workDir, (msg) => {
		// guest.sh's "step headline <name>" and "step load-all: <n> objects", without "step ".
		const headline = /(?:^|\] )headline \S+$/.test(msg);
		const loading = /(?:^|\] )load-all: \d+ objects$/.test(msg);
		if (marks.headline === undefined && (headline || loading)) marks.headline = since(vmStarted);
		if (marks.load === undefined && loading) marks.load = since(vmStarted);
		progress(msg);
	});
	const vmSeconds = since(vmStarted);
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
	const headline = b.headlines.map((h) => headlineRun(h, join(out, 'headline', h.name)));
	const boot = marks.headline ?? vmSeconds;
	const loadStart = marks.load ?? vmSeconds;
	return {
		kernel: b.id,
		release: kernel.release,
		package: kernel.package,
		verifiedOn: new Date().toISOString().slice(0, 10),
		method: vm.method,
		tools: {
			clang: toolVersion('clang', ['--version'], /clang version (\S+)/),
			libbpf: toolVersion('pkg-config', ['--modversion', 'libbpf'], /^(\S+)/),
		},
		seconds: {
			build: round(b.seconds.build),
			vm: round(vmSeconds),
			total: round(since(b.started)),
			phases: { download: round(b.seconds.download), compile: round(b.seconds.compile), boot: round(boot), headline: round(loadStart - boot), load: round(vmSeconds - loadStart) },
			hostLoad: round(b.hostLoad()),
		},
		contexts: opts.contexts,
		variants: b.variants.map((v) => ({ name: v.name, options: { ...v.options }, scope: v.scope })),
		counts: Object.fromEntries(checks.map((c) => [c.name, countOutcomes(verdicts, c.name)])),
		events: verdicts,
		headline,
	};
}

export async function verifyKernel(id: string, opts: VerifyOptions): Promise<VerifyResult> {
	return runKernel(await buildKernel(id, opts), opts);
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
