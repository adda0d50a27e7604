/**
 * Every event, generated, compiled with -Werror, its loader built and, on this machine's kernel, loaded
 * through the verifier (proof.ts says why programs of a hundred events each prove every event):
 *
 * 1. this kernel, default options (vmlinux.h context, ring buffer): compiled, loaders built, and — at the
 *    end — every program loaded and attached. Detaching waits for RCU grace periods (tens of ms per
 *    tracepoint, under a kernel-wide mutex), so that runs in the background while the CPU-bound steps
 *    below compile;
 * 2. this kernel, portable context + bpf_printk: verified;
 * 3. this kernel, every sys_enter_* paired with its sys_exit_*: loaders built, verified;
 * 4. every committed snapshot, portable context: each distinct field layout compiled once, loaders built;
 * 5. this kernel, perf buffer, the first event of every category: loaders built, verified;
 * 6. one-event programs exactly as downloaded, for the first event of every category: built, attached.
 * Each step prints its counts and timings; a failure names its event and the compiler's or verifier's words.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot } from '../../src/data/store.ts';
import { hasRingBuffer } from '../../src/lib/generate/kernel.ts';
import { decodeEvent } from '../../src/lib/printfmt/decode.ts';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';
import { captureLiveSnapshot } from '../../scripts/generate/live.ts';
import { portablePch, REPO, requireTools, vmlinuxPch } from './harness.ts';
import { buildBatched, describeProof, finishBatched, proveBatched, proveEach, type Built, type Group, type Proof, type ProofHeaders } from './proof.ts';

const work = mkdtempSync(join(tmpdir(), 'atlas-generate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const BATCH = 100;
let live: Snapshot;
let committed: Snapshot[];
let headers: ProofHeaders;

beforeAll(async () => {
	requireTools();
	live = captureLiveSnapshot();
	committed = listKernelIds(join(REPO, 'data')).map((id) => readSnapshot(join(REPO, 'data'), id));
	const [vmlinux, portable] = await Promise.all([vmlinuxPch(join(work, 'headers')), portablePch(join(work, 'headers'))]);
	headers = { includeDir: vmlinux.includeDir, vmlinuxPch: vmlinux.pch, portablePch: portable };
});

const firstOfEachCategory = () => live.events.filter((e, i, all) => all[i - 1]?.category !== e.category);

function report(proof: Proof, ...lines: string[]): Proof {
	console.log([...lines, ...describeProof(proof)].join('\n'));
	return proof;
}

/**
 * Each event once per distinct field layout, on the first kernel that has it: the generated code depends
 * on the fields (and on the kernel only through ring buffer or perf buffer), and on the print format only
 * through the value tables the loader prints by (a new drop reason makes a new layout to compile).
 */
function distinctLayouts(snapshots: Snapshot[]): { groups: Group[]; lines: string[] } {
	const seen = new Set<string>();
	const lines: string[] = [];
	const groups = snapshots.map((snapshot) => {
		const events: Event[] = snapshot.events.filter((e) => {
			const tables = [...decodeEvent(e.format).decoders.values()].filter((d) => d.kind === 'flags' || d.kind === 'symbolic');
			const key = JSON.stringify([e.category, e.name, e.format.commonFields, e.format.fields, hasRingBuffer(snapshot.provenance), tables], (_, v) => (typeof v === 'bigint' ? v.toString(16) : v));
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		});
		lines.push(`${snapshot.provenance.id}: ${snapshot.events.length} events, ${events.length} with a field layout no earlier kernel has`);
		return { snapshot, events };
	});
	return { groups, lines };
}

describe('every event', () => {
	let defaults: Built;

	it('this kernel, vmlinux.h context and ring buffer: every event compiles and its loader builds', async () => {
		defaults = await buildBatched(`${live.provenance.id} vmlinux.h + ring buffer`, [{ snapshot: live, events: live.events }], {}, join(work, 'defaults'), headers, { size: BATCH, loaders: true, load: 'attach' });
		const proof = report(await finishBatched(defaults, 'none'));
		expect(proof.events).toBe(live.events.length);
		expect(proof.failures).toEqual([]);
	});

	it('this kernel, portable context and bpf_printk: every event compiles and passes the verifier', async () => {
		const proof = report(await proveBatched(`${live.provenance.id} portable + bpf_printk`, [{ snapshot: live, events: live.events }], { context: 'portable', output: 'printk' }, join(work, 'printk'), headers, { size: BATCH, load: 'verify', loaders: false }));
		expect(proof.events).toBe(live.events.length);
		expect(proof.failures).toEqual([]);
	});

	it('this kernel, pairExit: every sys_enter_* with its sys_exit_* compiles, its loader builds, and it passes the verifier', async () => {
		const enters = live.events.filter((e) => e.category === 'syscalls' && e.name.startsWith('sys_enter_'));
		const proof = report(await proveBatched(`${live.provenance.id} sys_enter_* paired with sys_exit_*`, [{ snapshot: live, events: enters }], { pairExit: true }, join(work, 'paired'), headers, { size: BATCH, load: 'verify', loaders: true }));
		expect(proof.events).toBe(enters.length);
		expect(proof.failures).toEqual([]);
	});

	it('every committed snapshot, portable context: every event compiles and its loader builds', async () => {
		expect(committed.length, 'data/ holds no snapshot: run npm run capture first').toBeGreaterThan(0);
		const { groups, lines } = distinctLayouts(committed);
		const proof = report(await proveBatched(`committed snapshots, portable`, groups, { context: 'portable' }, join(work, 'snapshots'), headers, { size: BATCH, load: 'none', loaders: true }), ...lines);
		expect(proof.failures).toEqual([]);
	});

	it('this kernel, perf buffer (what kernels before 5.8 get): the first event of every category compiles, its loader builds, and it passes the verifier', async () => {
		const proof = report(await proveBatched(`${live.provenance.id} perf buffer`, [{ snapshot: live, events: firstOfEachCategory() }], { output: 'perfbuf' }, join(work, 'perfbuf'), headers, { size: BATCH, load: 'verify', loaders: true }));
		expect(proof.failures).toEqual([]);
	});

	it('one-event programs exactly as downloaded (first event of every category): build, load and attach', async () => {
		const firsts = firstOfEachCategory();
		const proof = report(await proveEach(`${live.provenance.id} one program per event, first of each category`, live, firsts, {}, join(work, 'each'), headers, 'attach'));
		expect(proof.programs).toBe(firsts.length);
		expect(proof.failures).toEqual([]);
	});

	it('this kernel, vmlinux.h context and ring buffer: every program loads through the verifier and attaches', async () => {
		const proof = report(await finishBatched(defaults, 'attach', (await defaults.loading) ?? undefined));
		expect(proof.loaded?.passed).toBe(live.events.length);
		expect(proof.failures).toEqual([]);
	});
});
