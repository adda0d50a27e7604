/**
 * System test on the machine's own kernel (as root): capture it, then check the snapshot against
 * peer tools that read the same kernel independently — bpftrace for every event's fields, bpftool
 * for every context struct — and check that the data store gives back exactly what was written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot, writeSnapshot } from '../../src/data/store.ts';
import { memberDeclaration } from '../../src/lib/btf/context-structs.ts';
import type { ContextStruct, Snapshot } from '../../src/schemas/snapshot.ts';
import { buildSnapshot, defaultSnapshotId } from '../../src/lib/capture/build-snapshot.ts';
import { readRawCapture } from '../../scripts/capture/raw.ts';
import { captureRunningRaw } from '../../scripts/capture/running.ts';
import { bpftoolContextStructs } from './bpftool.ts';
import { bpftraceTracepoints } from './bpftrace.ts';

const VMLINUX_BTF = '/sys/kernel/btf/vmlinux';
const node = process.execPath;
const repo = new URL('../../', import.meta.url).pathname;

let snapshot: Snapshot;
let dataDir: string;

beforeAll(() => {
	if (process.getuid?.() !== 0) throw new Error('tests/capture/running.test.ts captures the running kernel and needs root: run npm test as root');
	const work = mkdtempSync(join(tmpdir(), 'atlas-running-'));
	captureRunningRaw(join(work, 'raw'));
	const raw = readRawCapture(join(work, 'raw'));
	snapshot = buildSnapshot(raw, {
		id: defaultSnapshotId(raw, 'running'),
		source: { kind: 'running', procVersion: raw.procVersion },
		method: 'running-kernel',
	});
	dataDir = join(work, 'data');
	writeSnapshot(dataDir, snapshot);
	const counts = new Map<string, number>();
	for (const e of snapshot.events) counts.set(e.context.match, (counts.get(e.context.match) ?? 0) + 1);
	console.log(`running kernel ${snapshot.provenance.release}: ${snapshot.events.length} events; contexts ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
});

describe('capture of the running kernel', () => {
	it('captures every event in available_events, with BTF contexts when the kernel has BTF', () => {
		const available = readFileSync('/sys/kernel/tracing/available_events', 'utf8').trim().split('\n').sort();
		expect(snapshot.events.map((e) => `${e.category}:${e.name}`).sort()).toEqual(available);
		expect(snapshot.provenance.btf).toBe(existsSync(VMLINUX_BTF));
		expect(snapshot.provenance.syscallTracepoints).toBe(available.some((e) => e.startsWith('syscalls:')));
	});

	it("matches bpftrace's field list for every event", () => {
		const bpftrace = bpftraceTracepoints();
		const mismatches: string[] = [];
		for (const e of snapshot.events) {
			const id = `${e.category}:${e.name}`;
			const theirs = bpftrace.get(id);
			if (!theirs) {
				mismatches.push(`${id}: bpftrace does not list it`);
				continue;
			}
			const ours = e.format.fields.map((f) => `${f.dynamic ?? ''} ${f.type} ${f.name}[${f.arrayLength ?? ''}]`);
			const peer = theirs.map((f) => `${f.dynamic ?? ''} ${f.type} ${f.name}[${f.arrayLength ?? ''}]`);
			if (ours.join('; ') !== peer.join('; ')) mismatches.push(`${id}:\n  ours     ${ours.join('; ')}\n  bpftrace ${peer.join('; ')}`);
		}
		console.log(`bpftrace agrees on the fields of ${snapshot.events.length - mismatches.length} of ${snapshot.events.length} events`);
		expect(mismatches).toEqual([]);
	});

	it("matches bpftool's BTF dump for every context struct", () => {
		expect(snapshot.provenance.btf, `${VMLINUX_BTF} is missing: this check needs a kernel with BTF`).toBe(true);
		const bpftool = bpftoolContextStructs(VMLINUX_BTF);
		const structs = new Map<string, ContextStruct>();
		for (const e of snapshot.events) if (e.context.match !== 'none') structs.set(e.context.struct.name, e.context.struct);
		const mismatches: string[] = [];
		for (const s of structs.values()) {
			const peer = bpftool.get(s.name);
			const ours = {
				size: s.size,
				offsets: s.members.map((m) => `${m.name}@${m.offset}${m.bitfieldSize === null ? '' : `:${m.bitfieldSize}`}`),
				declarations: s.members.map(memberDeclaration),
			};
			const theirs = peer && {
				size: peer.size,
				offsets: peer.members.map((m) => `${m.name}@${Math.floor(m.bitOffset / 8)}${m.bitfieldSize === 0 ? '' : `:${m.bitfieldSize}`}`),
				declarations: peer.declarations,
			};
			if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push(`${s.name}:\n  ours    ${JSON.stringify(ours)}\n  bpftool ${JSON.stringify(theirs)}`);
		}
		console.log(`bpftool agrees on ${structs.size - mismatches.length} of the ${structs.size} context structs in use (${bpftool.size} in vmlinux)`);
		expect(structs.size).toBeGreaterThan(0);
		expect(mismatches).toEqual([]);
	});

	it('reads back from the data store as the same snapshot', () => {
		expect(listKernelIds(dataDir)).toEqual([snapshot.provenance.id]);
		expect(readSnapshot(dataDir, snapshot.provenance.id)).toEqual(snapshot);
	});

	it('runs as `npm run capture -- --running` and writes the same events', () => {
		const cliData = mkdtempSync(join(tmpdir(), 'atlas-cli-data-'));
		const run = spawnSync(node, ['scripts/capture.ts', '--running', '--id', 'cli-test', '--data', cliData], { cwd: repo, encoding: 'utf8' });
		expect(run.status, run.stderr).toBe(0);
		expect(run.stdout).toMatch(/capture took \d+\.\d s/);
		const fromCli = readSnapshot(cliData, 'cli-test');
		expect(fromCli.events).toEqual(snapshot.events);
	});

	it('tells a user who is not root what to do', () => {
		const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', node, 'scripts/capture.ts', '--running', '--data', dataDir], {
			cwd: repo,
			encoding: 'utf8',
		});
		expect(run.error, 'setpriv (util-linux) is needed to run the capture as an unprivileged user').toBeUndefined();
		expect(run.status).toBe(1);
		expect(run.stderr).toMatch(/need root: run it as root \(sudo npm run capture -- --running\)/);
	});

	it('leaves the data directory untouched when the capture is refused', () => {
		// A bad --id is refused before any work; failures during a capture are provoked in faults.test.ts.
		const run = spawnSync(node, ['scripts/capture.ts', '--running', '--id', 'Bad Id', '--data', dataDir], { cwd: repo, encoding: 'utf8' });
		expect(run.status).toBe(1);
		expect(run.stderr).toMatch(/^capture: --id "Bad Id" is not a snapshot id/);
		expect(listKernelIds(dataDir)).toEqual([snapshot.provenance.id]);
		expect(readSnapshot(dataDir, snapshot.provenance.id)).toEqual(snapshot);
	});
});
