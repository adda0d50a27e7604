/**
 * Proofs that generated programs build and load, at the scale of whole kernels, and their figures.
 *
 * - proveEach: one program per event, exactly as a reader downloads it: compiled, its loader checked,
 *   loaded through the running kernel's verifier and attached.
 * - proveBatched: the events in programs of many events each (a supported option). Each event's
 *   handler, ctx struct, record and print function are the same text as in its one-event program, and
 *   the verifier checks each program of an object on its own, so this proves the same per event while
 *   one compiler process covers a hundred events (a compiler process costs more than an event's code).
 *   A program that fails is taken apart into one-event programs, so every failure names its event.
 */
import { join } from 'node:path';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';
import {
	bpfFlags,
	buildLoadAll,
	checkLoaders,
	compileBpf,
	generateEach,
	loadAll,
	writeProject,
	type CompileResult,
	type Generated,
	type LoadResult,
} from './harness.ts';
import { generateProject, type GeneratorOptions } from '../../src/lib/generate/index.ts';

export interface ProofHeaders {
	includeDir: string;
	vmlinuxPch: string;
	portablePch: string;
}

export interface Failure {
	/** `category:name`, or a batch's name when its events pass one by one. */
	key: string;
	stage: 'generate' | 'compile' | 'loader' | 'open' | 'load' | 'attach';
	message: string;
}

export interface Proof {
	label: string;
	/** Events covered. */
	events: number;
	/** BPF objects compiled. */
	programs: number;
	compiled: { passed: number; failed: number };
	loaders: { passed: number; failed: number } | null;
	loaded: { passed: number; failed: number; attached: boolean } | null;
	failures: Failure[];
	seconds: Record<string, number>;
}

type Load = 'attach' | 'verify' | 'none';

const keyOf = (e: Event) => `${e.category}:${e.name}`;

function timer() {
	let last = performance.now();
	const seconds: Record<string, number> = {};
	return {
		seconds,
		lap(name: string) {
			const now = performance.now();
			seconds[name] = Math.round((now - last) / 100) / 10;
			last = now;
		},
	};
}

/** The line of a libbpf/verifier log that says what went wrong (the last one that reads like an error), for a one-line list. */
export function logTail(log = ''): string {
	const lines = log.split('\n').filter((l) => l.trim() && !/^(processed |-- END|-- BEGIN)/.test(l));
	const error = lines.findLast((l) => /error|fail|invalid|denied|unknown|cannot|too |R\d+ /i.test(l) && !/failed to load object|failed to load: -/.test(l));
	return (error ?? lines.at(-1) ?? '').trim();
}

function flagsFor(options: Partial<GeneratorOptions>, headers: ProofHeaders): string[] {
	const pch = options.context === 'portable' ? headers.portablePch : headers.vmlinuxPch;
	return [...bpfFlags(headers.includeDir), '-include-pch', pch];
}

/** One program per event of `events`, as a reader gets it. */
export async function proveEach(
	label: string,
	snapshot: Snapshot,
	events: Event[],
	options: Partial<GeneratorOptions>,
	work: string,
	headers: ProofHeaders,
	load: Load,
): Promise<Proof> {
	const t = timer();
	const failures: Failure[] = [];
	const { generated, refused } = generateEach(snapshot, options, events);
	for (const r of refused) failures.push({ key: r.key, stage: 'generate', message: r.error });
	const items = generated.map((g) => ({ ...g, name: g.project.programName, dir: join(work, 'src', g.project.programName) }));
	for (const it of items) writeProject(it.dir, it.project);
	t.lap('generate');

	const compiled = await compileBpf(items.map((it) => ({ key: it.key, source: join(it.dir, `${it.name}.bpf.c`) })), flagsFor(options, headers), join(work, 'obj'));
	for (const c of compiled.filter((c) => !c.ok)) failures.push({ key: c.key, stage: 'compile', message: c.error });
	const objects = new Map(compiled.filter((c) => c.ok).map((c) => [c.key, c.object]));
	t.lap('compile');

	const loaders = await checkLoaders(items.filter((it) => objects.has(it.key)).map((it) => ({ key: it.key, dir: it.dir, name: it.name, object: objects.get(it.key) as string })));
	for (const l of loaders.filter((l) => !l.ok)) failures.push({ key: l.key, stage: 'loader', message: l.error });
	t.lap('loaders');

	let loaded: Proof['loaded'] = null;
	if (load !== 'none') {
		const results = await loadAll(await buildLoadAll(join(work, 'tools')), [...objects.values()], join(work, 'load'), { attach: load === 'attach' });
		const keyByObject = new Map([...objects].map(([k, o]) => [o, k]));
		for (const r of results.filter((r) => !r.ok)) failures.push({ key: keyByObject.get(r.object) ?? r.object, stage: r.stage ?? 'load', message: `${r.error}: ${logTail(r.log)}` });
		loaded = { passed: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, attached: load === 'attach' };
		t.lap(load === 'attach' ? 'load+attach' : 'verifier');
	}
	return {
		label,
		events: events.length,
		programs: items.length,
		compiled: { passed: objects.size, failed: compiled.length - objects.size },
		loaders: { passed: loaders.filter((l) => l.ok).length, failed: loaders.filter((l) => !l.ok).length },
		loaded,
		failures,
		seconds: t.seconds,
	};
}

export interface Group {
	snapshot: Snapshot;
	events: Event[];
}

/**
 * The events of `groups` in programs of `size` events each, compiled, with their loaders checked and,
 * on the running kernel, loaded through the verifier. Failing programs are taken apart event by event.
 */
/** Batched programs, compiled and their loaders checked; loading comes after (see loadBatched). */
export interface Built {
	label: string;
	options: Partial<GeneratorOptions>;
	work: string;
	headers: ProofHeaders;
	loaders: boolean;
	batches: (Generated & { group: Group; events: Event[]; name: string; dir: string })[];
	/** Object file by batch key, for the batches that compiled. */
	objects: Map<string, string>;
	/** Batch keys whose loader failed to build. */
	brokenLoaders: Set<string>;
	seconds: Record<string, number>;
	/** Loading through the verifier, started as each program compiled (when asked for). */
	loading: Promise<Loaded> | null;
}

export interface Loaded {
	results: LoadResult[];
	seconds: number;
}

/**
 * Generates the events of `groups` in programs of `size` events, compiles them and checks their loaders.
 * With `load`, each program goes to the verifier as soon as it compiles: attaching mostly waits on the
 * kernel (see loadAll), so it runs beside whatever CPU-bound work comes next; await `loading` for it.
 */
export async function buildBatched(
	label: string,
	groups: Group[],
	options: Partial<GeneratorOptions>,
	work: string,
	headers: ProofHeaders,
	settings: { size: number; loaders: boolean; load?: Exclude<Load, 'none'> },
): Promise<Built> {
	const t = timer();
	const batches: Built['batches'] = [];
	for (const group of groups) {
		const byKey = new Map(group.snapshot.events.map((e) => [keyOf(e), e]));
		for (let i = 0; i < group.events.length; i += settings.size) {
			const events = group.events.slice(i, i + settings.size);
			const name = `batch_${batches.length}`;
			const key = `${group.snapshot.provenance.id} ${name} (${keyOf(events[0] as Event)}…)`;
			const project = generateProject({ kernel: group.snapshot.provenance, events, lookup: (c, n) => byKey.get(`${c}:${n}`) }, { ...options, programName: name });
			const dir = join(work, 'src', name);
			writeProject(dir, project);
			batches.push({ key, project, group, events, name, dir });
		}
	}
	t.lap('generate');
	const loader = settings.load ? buildLoadAll(join(work, 'tools')) : null;
	const loads: Promise<LoadResult[]>[] = [];
	let started = 0;
	const onCompiled = (results: CompileResult[]) => {
		const ready = results.filter((r) => r.ok).map((r) => r.object);
		started ||= performance.now();
		if (loader && ready.length > 0) loads.push(loader.then((exe) => loadAll(exe, ready, join(work, 'load'), { attach: settings.load === 'attach' })));
	};
	// One program per clang call: a program of a hundred events is worth a process, and each can be loaded at once.
	const compiled = await compileBpf(batches.map((b) => ({ key: b.key, source: join(b.dir, `${b.name}.bpf.c`) })), flagsFor(options, headers), join(work, 'obj'), 1, onCompiled);
	const objects = new Map(compiled.filter((c) => c.ok).map((c) => [c.key, c.object]));
	t.lap('compile');
	const loading = loader ? Promise.all(loads).then((r) => ({ results: r.flat(), seconds: Math.round((performance.now() - started) / 100) / 10 })) : null;
	loading?.catch(() => {}); // the caller awaits it later; keep an early failure from going unhandled meanwhile
	const loaders = settings.loaders ? await checkLoaders(batches.filter((b) => objects.has(b.key)).map((b) => ({ key: b.key, dir: b.dir, name: b.name, object: objects.get(b.key) as string }))) : [];
	t.lap('loaders');
	return { label, options, work, headers, loaders: settings.loaders, batches, objects, brokenLoaders: new Set(loaders.filter((l) => !l.ok).map((l) => l.key)), seconds: t.seconds, loading };
}

/** The proof of a built (and maybe loaded) set: failing programs are taken apart event by event. */
export async function finishBatched(built: Built, load: Load, loaded?: Loaded): Promise<Proof> {
	const t = timer();
	const failures: Failure[] = [];
	const failedLoads = new Map((loaded?.results ?? []).filter((r) => !r.ok).map((r) => [r.object, r]));
	const broken = built.batches.filter((b) => !built.objects.has(b.key) || failedLoads.has(built.objects.get(b.key) as string) || built.brokenLoaders.has(b.key));
	for (const b of broken) {
		const single = await proveEach(b.key, b.group.snapshot, b.events, built.options, join(built.work, 'apart', b.name), built.headers, load);
		if (single.failures.length > 0) {
			failures.push(...single.failures);
			continue;
		}
		// Every event passes alone: report what the whole program ran into.
		const whole = failedLoads.get(built.objects.get(b.key) as string);
		const stage = whole?.stage ?? (built.objects.has(b.key) ? 'loader' : 'compile');
		failures.push({ key: b.key, stage, message: `fails as one program, though each event passes alone${whole ? ` (${whole.error}: ${logTail(whole.log)})` : ''}` });
	}
	t.lap('apart');
	const events = built.batches.reduce((n, b) => n + b.events.length, 0);
	const count = (...stages: Failure['stage'][]) => new Set(failures.filter((f) => stages.includes(f.stage)).map((f) => f.key)).size;
	const notCompiled = count('generate', 'compile');
	return {
		label: built.label,
		events,
		programs: built.batches.length,
		compiled: { passed: events - notCompiled, failed: notCompiled },
		loaders: built.loaders ? { passed: events - notCompiled - count('loader'), failed: count('loader') } : null,
		loaded: load === 'none' ? null : { passed: events - notCompiled - count('open', 'load', 'attach'), failed: count('open', 'load', 'attach'), attached: load === 'attach' },
		failures,
		seconds: { ...built.seconds, ...(loaded ? { [load === 'attach' ? 'load+attach' : 'verifier']: loaded.seconds } : {}), ...t.seconds },
	};
}

/** buildBatched and finishBatched in a row. */
export async function proveBatched(label: string, groups: Group[], options: Partial<GeneratorOptions>, work: string, headers: ProofHeaders, settings: { size: number; load: Load; loaders: boolean }): Promise<Proof> {
	const { load, ...rest } = settings;
	const built = await buildBatched(label, groups, options, work, headers, load === 'none' ? rest : { ...rest, load });
	return finishBatched(built, load, (await built.loading) ?? undefined);
}

/** One line per figure, for the test output and the report script. */
export function describeProof(p: Proof): string[] {
	const parts = [`${p.events} events in ${p.programs} programs`, `compiled: ${p.compiled.passed} passed, ${p.compiled.failed} failed`];
	if (p.loaders) parts.push(`loaders: ${p.loaders.passed} passed, ${p.loaders.failed} failed`);
	if (p.loaded) parts.push(`${p.loaded.attached ? 'verifier+attach' : 'verifier'}: ${p.loaded.passed} passed, ${p.loaded.failed} failed`);
	const time = Object.entries(p.seconds)
		.filter(([, s]) => s >= 0.1)
		.map(([k, s]) => `${k} ${s}s`)
		.join(', ');
	return [`${p.label}: ${parts.join('; ')} (${time})`, ...p.failures.map((f) => `  FAILED ${f.stage} ${f.key}: ${f.message.split('\n').find((l) => /error|invalid|fail|denied|R\d/i.test(l)) ?? f.message.split('\n')[0]}`)];
}
