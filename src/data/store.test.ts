import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFormat } from '../lib/format/parse.ts';
import type { Event, Snapshot } from '../schemas/snapshot.ts';
import { DataError, listKernelIds, readSnapshot, writeSnapshot } from './store.ts';

// Real format files from the parser's fixtures (a 6.18 kernel's tracefs).
const FIXTURES = new URL('../lib/format/fixtures/', import.meta.url);
const fixtureEvents = (idShift: number): Event[] =>
	readdirSync(FIXTURES)
		.sort()
		.map((file) => {
			const [category, name] = file.replace(/\.format$/, '').split('.') as [string, string];
			const text = readFileSync(new URL(file, FIXTURES), 'utf8').replace(/^ID: (\d+)$/m, (_, id) => `ID: ${Number(id) + idShift}`);
			return {
				category,
				name,
				origin: { kind: 'builtin' },
				formatText: text,
				format: parseFormat(text, file),
				context: { match: 'none', note: 'test snapshot without BTF' },
			};
		});

const snapshot = (id: string, idShift: number): Snapshot => ({
	provenance: {
		id,
		release: `${id}-test`,
		arch: 'x86_64',
		source: { kind: 'running', procVersion: 'Linux version test' },
		capturedOn: '2026-11-25',
		method: 'running-kernel',
		btf: false,
		syscallTracepoints: true,
		modulesLoaded: [],
	},
	events: fixtureEvents(idShift),
});

const tempData = () => mkdtempSync(join(tmpdir(), 'atlas-store-'));

describe('data store', () => {
	it('round-trips a snapshot exactly', () => {
		const dir = tempData();
		const original = snapshot('a-1', 0);
		writeSnapshot(dir, original);
		expect(readSnapshot(dir, 'a-1')).toEqual(original);
	});

	it('stores a format shared by two kernels once, keeping each kernel its own event ids', () => {
		const dir = tempData();
		writeSnapshot(dir, snapshot('a-1', 0));
		writeSnapshot(dir, snapshot('b-2', 1000));
		expect(listKernelIds(dir)).toEqual(['a-1', 'b-2']);
		const pool = JSON.parse(readFileSync(join(dir, 'formats', 'sched.json'), 'utf8')) as Record<string, string>;
		expect(Object.keys(pool)).toHaveLength(2); // sched_switch and sched_process_exec, once each
		const a = readSnapshot(dir, 'a-1').events[0]!;
		const b = readSnapshot(dir, 'b-2').events[0]!;
		expect(b.format.id).toBe(a.format.id + 1000);
	});

	it('drops pool entries no kernel uses after a re-capture', () => {
		const dir = tempData();
		writeSnapshot(dir, snapshot('a-1', 0));
		const smaller = snapshot('a-1', 0);
		smaller.events = smaller.events.filter((e) => e.category !== 'ext4');
		writeSnapshot(dir, smaller);
		expect(readdirSync(join(dir, 'formats'))).not.toContain('ext4.json');
		expect(readSnapshot(dir, 'a-1')).toEqual(smaller);
	});

	it('refuses an unsorted snapshot and writes nothing', () => {
		const dir = tempData();
		const bad = snapshot('a-1', 0);
		bad.events.reverse();
		expect(() => writeSnapshot(dir, bad)).toThrow(/events must be sorted and unique/);
		expect(listKernelIds(dir)).toEqual([]);
	});

	it('names the file and the fix for malformed data', () => {
		const dir = tempData();
		writeSnapshot(dir, snapshot('a-1', 0));
		writeFileSync(join(dir, 'structs.json'), '{ not json');
		expect(() => readSnapshot(dir, 'a-1')).toThrowError(DataError);
		expect(() => readSnapshot(dir, 'a-1')).toThrow(/structs\.json: not valid JSON .*git checkout -- /);
		expect(() => readSnapshot(dir, 'nope')).toThrow(/no snapshot for kernel "nope"; captured kernels: a-1/);
	});

	it('keeps the architecture in the id and the record in agreement', () => {
		const dir = tempData();
		const debian = (id: string, arch: string): Snapshot => ({
			...snapshot(id, 0),
			provenance: { ...snapshot(id, 0).provenance, arch, source: { kind: 'debian', suite: 'bookworm', package: 'linux-image-6.1.0-50-arm64-unsigned', version: '6.1.176-1' }, method: 'qemu-tcg' },
		});
		writeSnapshot(dir, debian('6.1-arm64', 'aarch64'));
		expect(readSnapshot(dir, '6.1-arm64').provenance.arch).toBe('aarch64');
		expect(() => writeSnapshot(dir, debian('6.1-amd64', 'aarch64'))).toThrow(/kernel id "6\.1-amd64" names amd64, whose kernels report uname -m x86_64, but this kernel reports aarch64/);
		expect(() => writeSnapshot(dir, debian('6.1', 'aarch64'))).toThrow(/kernel id "6\.1" of a Debian arm64 kernel must end in -arm64/);
		expect(() => writeSnapshot(dir, debian('6.1-riscv64', 'riscv64'))).toThrow(/a Debian package's kernel must be of amd64 \(x86_64\) or arm64 \(aarch64\), not riscv64/);
		// A reader's kernel of another architecture keeps the id it was given.
		writeSnapshot(dir, { ...snapshot('ubuntu-6.8-riscv64', 0), provenance: { ...snapshot('ubuntu-6.8-riscv64', 0).provenance, arch: 'riscv64' } });
		expect(listKernelIds(dir)).toEqual(['6.1-arm64', 'ubuntu-6.8-riscv64']);
		// A kernel file renamed to another id (here: another architecture) is refused by name.
		renameSync(join(dir, 'kernels', '6.1-arm64.json'), join(dir, 'kernels', '6.1-amd64.json'));
		expect(() => readSnapshot(dir, '6.1-amd64')).toThrow(/kernels\/6\.1-amd64\.json: holds kernel "6\.1-arm64", not "6\.1-amd64"/);
	});

	it('fails at once, naming the folder, for a data folder that cannot exist (under /proc)', () => {
		const started = performance.now();
		expect(() => writeSnapshot('/proc/atlas-data', snapshot('a-1', 0))).toThrow('/proc/atlas-data: cannot write it (no such file or folder); make it writable or choose another --data folder');
		expect(performance.now() - started).toBeLessThan(5000);
	});
});
