/**
 * Figures for the generator, printed (never asserted): generation time per skeleton and for every event
 * of every kernel, and compile and verifier pass counts per kernel. Needs root and the build tools (the
 * same as npm test). Usage: node scripts/report-generate.ts [--no-attach]
 *
 * Counts per committed kernel come from compiling each distinct field layout once (as the tests do): an
 * event counts as compiled on every kernel whose format file gives it the same fields.
 */
import { join } from 'node:path';
import { listKernelIds, readSnapshot } from '../src/data/store.ts';
import { capturedOnFrom, generateProject, type GeneratorOptions } from '../src/lib/generate/index.ts';
import { hasRingBuffer } from '../src/lib/generate/kernel.ts';
import type { Event, Snapshot } from '../src/schemas/snapshot.ts';
import { portablePch, REPO, requireTools, vmlinuxPch } from '../tests/generate/harness.ts';
import { buildBatched, describeProof, finishBatched, proveBatched, type Group, type Proof } from '../tests/generate/proof.ts';
import { captureLiveSnapshot } from './generate/live.ts';
import { parseCommandLine, runCli, temporaryDir } from './lib/cli.ts';

const HELP = 'Usage: node scripts/report-generate.ts [--no-attach]\n\nPrints generation times and compile and verifier counts for every event of every kernel (root; the build tools of npm test).';
const attach = !parseCommandLine('report-generate', HELP, { 'no-attach': { type: 'boolean' } }).values['no-attach'];
const key = (e: Event) => `${e.category}:${e.name}`;
/** Generated code depends on the fields, not the print format: each layout is compiled once (as in the tests). */
const layoutKey = (s: Snapshot, e: Event) => JSON.stringify([e.category, e.name, e.format.commonFields, e.format.fields, hasRingBuffer(s.provenance)]);

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Milliseconds per generateProject call for one event and option set (median of `runs`). */
function timeOne(snapshot: Snapshot, names: string[], options: Partial<GeneratorOptions>, runs = 50): number {
	const byKey = new Map(snapshot.events.map((e) => [key(e), e]));
	const events = names.map((n) => byKey.get(n) as Event);
	const lookup = (c: string, n: string) => byKey.get(`${c}:${n}`);
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		generateProject({ kernel: snapshot.provenance, events, lookup }, options);
		times.push(performance.now() - start);
	}
	return median(times);
}

/** Total milliseconds to generate one project per event of `snapshot`. */
function timeAll(snapshot: Snapshot, options: Partial<GeneratorOptions>, capturedOn?: ReturnType<typeof capturedOnFrom>): { ms: number; failed: number } {
	const byKey = new Map(snapshot.events.map((e) => [key(e), e]));
	const lookup = (c: string, n: string) => byKey.get(`${c}:${n}`);
	let failed = 0;
	const start = performance.now();
	for (const e of snapshot.events) {
		try {
			generateProject({ kernel: snapshot.provenance, events: [e], lookup, capturedOn }, options);
		} catch {
			failed++;
		}
	}
	return { ms: performance.now() - start, failed };
}

await runCli('report-generate', async () => {
	requireTools();
	const work = temporaryDir('report');
	const live = captureLiveSnapshot();
	const committed = listKernelIds(join(REPO, 'data')).map((id) => readSnapshot(join(REPO, 'data'), id));
	const all = [...committed, live];

	console.log('## Generation time per skeleton (median of 50 runs)\n');
	const skeletons: [string, string[], Partial<GeneratorOptions>][] = [
		['syscalls:sys_enter_connect, pairExit', ['syscalls:sys_enter_connect'], { pairExit: true }],
		['syscalls:sys_enter_openat, portable', ['syscalls:sys_enter_openat'], { context: 'portable' }],
		['syscalls:sys_enter_execve', ['syscalls:sys_enter_execve'], {}],
		['sched:sched_process_exec, bpf_printk', ['sched:sched_process_exec'], { output: 'printk' }],
		['sched:sched_switch', ['sched:sched_switch'], {}],
		['tcp:tcp_retransmit_skb + block:block_rq_issue', ['tcp:tcp_retransmit_skb', 'block:block_rq_issue'], {}],
	];
	for (const [label, names, options] of skeletons) console.log(`- ${label}: ${timeOne(live, names, options).toFixed(2)} ms`);

	console.log('\n## Generating every event of every kernel (one project per event)\n');
	console.log('| kernel | events | vmlinux.h context | portable context | with capturedOn (all kernels) |');
	console.log('| --- | --- | --- | --- | --- |');
	const capturedOn = capturedOnFrom(all);
	for (const s of all) {
		const v = timeAll(s, {});
		const p = timeAll(s, { context: 'portable' });
		const c = timeAll(s, { context: 'portable' }, capturedOn);
		const cell = (t: { ms: number; failed: number }) => `${(t.ms / 1000).toFixed(2)} s (${((t.ms * 1000) / s.events.length).toFixed(0)} µs/event${t.failed ? `, ${t.failed} refused` : ''})`;
		console.log(`| ${s.provenance.id} | ${s.events.length} | ${cell(v)} | ${cell(p)} | ${cell(c)} |`);
	}

	console.log('\n## Compile and verifier counts\n');
	const [vmlinux, portable] = await Promise.all([vmlinuxPch(join(work, 'headers')), portablePch(join(work, 'headers'))]);
	const headers = { includeDir: vmlinux.includeDir, vmlinuxPch: vmlinux.pch, portablePch: portable };
	const proofs: Proof[] = [];
	const built = await buildBatched(`${live.provenance.id} vmlinux.h + ring buffer`, [{ snapshot: live, events: live.events }], {}, join(work, 'defaults'), headers, { size: 100, loaders: true, load: attach ? 'attach' : 'verify' });
	proofs.push(await proveBatched(`${live.provenance.id} portable + bpf_printk`, [{ snapshot: live, events: live.events }], { context: 'portable', output: 'printk' }, join(work, 'printk'), headers, { size: 100, load: 'verify', loaders: false }));
	const enters = live.events.filter((e) => e.category === 'syscalls' && e.name.startsWith('sys_enter_'));
	proofs.push(await proveBatched(`${live.provenance.id} sys_enter_* + sys_exit_*`, [{ snapshot: live, events: enters }], { pairExit: true }, join(work, 'paired'), headers, { size: 100, load: 'verify', loaders: true }));

	const seen = new Set<string>();
	const groups: Group[] = committed.map((snapshot) => ({ snapshot, events: snapshot.events.filter((e) => !seen.has(layoutKey(snapshot, e)) && seen.add(layoutKey(snapshot, e))) }));
	const snapshotsProof = await proveBatched('committed snapshots, portable (each distinct field layout once)', groups, { context: 'portable' }, join(work, 'snapshots'), headers, { size: 100, load: 'none', loaders: true });
	proofs.push(snapshotsProof);
	proofs.unshift(await finishBatched(built, attach ? 'attach' : 'verify', (await built.loading) ?? undefined));
	for (const p of proofs) console.log(describeProof(p).join('\n'));

	console.log('\n| kernel | events | compiled (portable) | loaders built |');
	console.log('| --- | --- | --- | --- |');
	const failedFormats = new Set(snapshotsProof.failures.filter((f) => f.stage === 'compile' || f.stage === 'generate').map((f) => f.key));
	const failedLoaders = new Set(snapshotsProof.failures.filter((f) => f.stage === 'loader').map((f) => f.key));
	for (const s of committed) {
		const bad = s.events.filter((e) => failedFormats.has(key(e))).length;
		const badLoader = s.events.filter((e) => failedLoaders.has(key(e))).length;
		console.log(`| ${s.provenance.id} | ${s.events.length} | ${s.events.length - bad} passed, ${bad} failed | ${s.events.length - bad - badLoader} passed, ${badLoader} failed |`);
	}
});
