import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

	it('fails at once, naming the folder, for a data folder that cannot exist (under /proc)', () => {
		const started = performance.now();
		expect(() => writeSnapshot('/proc/atlas-data', snapshot('a-1', 0))).toThrow('/proc/atlas-data: cannot write it (no such file or folder); make it writable or choose another --data folder');
		expect(performance.now() - started).toBeLessThan(5000);
	});
});
