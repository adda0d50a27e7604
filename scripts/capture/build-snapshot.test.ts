import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnapshotSchema } from '../../src/schemas/snapshot.ts';
import { buildSnapshot, defaultSnapshotId } from '../../src/lib/capture/build-snapshot.ts';
import { makeFixtureRawDir } from './fixtures/raw-dir.ts';
import { RAW_FILES, readRawCapture } from './raw.ts';

const info = { id: 'fixture-6.18', source: { kind: 'running', procVersion: 'Linux version 6.18' }, method: 'running-kernel', capturedOn: '2025-01-01' } as const;

describe('buildSnapshot', () => {
	it('turns a raw capture into a sorted, valid snapshot with origins and contexts', () => {
		const snapshot = buildSnapshot(readRawCapture(makeFixtureRawDir()), info);
		SnapshotSchema.parse(snapshot);
		expect(snapshot.provenance).toEqual({
			id: 'fixture-6.18',
			release: '6.18.44-fc-v595',
			arch: 'x86_64',
			source: info.source,
			capturedOn: '2025-01-01',
			method: 'running-kernel',
			btf: true,
			syscallTracepoints: true,
			modulesLoaded: ['xfs'],
		});
		const summary = snapshot.events.map((e) => [
			`${e.category}:${e.name}`,
			e.origin.kind === 'module' ? e.origin.module : 'builtin',
			e.context.match,
			e.context.match === 'none' ? null : `${e.context.struct.btf}:${e.context.struct.name}`,
		]);
		expect(summary).toEqual([
			['block:block_rq_issue', 'builtin', 'class', 'vmlinux:trace_event_raw_block_rq'],
			// base.btf has no dma_fence struct.
			['dma_fence:dma_fence_emit', 'builtin', 'none', null],
			['raw_syscalls:sys_enter', 'builtin', 'event', 'vmlinux:trace_event_raw_sys_enter'],
			['sched:sched_process_exec', 'builtin', 'event', 'vmlinux:trace_event_raw_sched_process_exec'],
			['sched:sched_switch', 'builtin', 'event', 'vmlinux:trace_event_raw_sched_switch'],
			['syscalls:sys_enter_openat', 'builtin', 'syscall', 'vmlinux:trace_event_raw_sys_enter'],
			['syscalls:sys_exit_openat', 'builtin', 'syscall', 'vmlinux:trace_event_raw_sys_exit'],
			// Found in the module's split BTF.
			['xfs:xfs_group_get', 'xfs', 'class', 'xfs:trace_event_raw_xfs_group_class'],
		]);
		expect(snapshot.events[0]?.format.fields.map((f) => f.name)).toEqual(['dev', 'sector', 'nr_sector', 'bytes', 'ioprio', 'rwbs', 'comm', 'cmd']);
	});

	it('is deterministic', () => {
		const a = buildSnapshot(readRawCapture(makeFixtureRawDir()), info);
		const b = buildSnapshot(readRawCapture(makeFixtureRawDir()), info);
		expect(JSON.stringify(a)).toBe(JSON.stringify(b));
	});

	it('captures a kernel without BTF with btf:false and notes instead of structs', () => {
		const dir = makeFixtureRawDir();
		rmSync(join(dir, RAW_FILES.btf), { recursive: true });
		const snapshot = buildSnapshot(readRawCapture(dir), info);
		expect(snapshot.provenance.btf).toBe(false);
		expect(snapshot.events.every((e) => e.context.match === 'none' && /no BTF/.test(e.context.note))).toBe(true);
	});

	it('rejects an id the schema does not allow, naming the raw dir', () => {
		const dir = makeFixtureRawDir();
		expect(() => buildSnapshot(readRawCapture(dir), { ...info, id: 'Not An Id' })).toThrow(new RegExp(`the capture in ${dir} does not make a valid snapshot`));
	});
});

describe('defaultSnapshotId', () => {
	it("is <major.minor>-<Debian arch>, prefixed running- for the running kernel", () => {
		expect(defaultSnapshotId({ release: '6.1.0-37-amd64', arch: 'x86_64' }, 'debian')).toBe('6.1-amd64');
		expect(defaultSnapshotId({ release: '6.18.44-fc-v595', arch: 'x86_64' }, 'running')).toBe('running-6.18-amd64');
		expect(defaultSnapshotId({ release: '6.12.38+deb13-arm64', arch: 'aarch64' }, 'debian')).toBe('6.12-arm64');
		expect(() => defaultSnapshotId({ release: 'weird', arch: 'x86_64' }, 'debian')).toThrow(/pass --id/);
	});
});
