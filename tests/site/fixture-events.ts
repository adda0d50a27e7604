/**
 * Real events for the site's unit tests: the format files and BTF structs captured from a 6.18
 * kernel into src/lib/context/fixtures (by its make-fixtures.ts), matched to their context structs
 * by the capture's own matcher. Covers syscalls (enter/exit pairs), sched, block, net, xfs and a
 * `__data_loc` string event.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { indexStructs, matchContext } from '../../src/lib/context/match.ts';
import { parseFormat } from '../../src/lib/format/parse.ts';
import { compareEvents, type ContextStruct, type Event, type Provenance } from '../../src/schemas/snapshot.ts';

const DIR = new URL('../../src/lib/context/fixtures/', import.meta.url);

/** The kernel the fixtures were captured from. */
export const FIXTURE_KERNEL: Provenance = {
	id: 'fixture-6.18',
	release: '6.18.0',
	arch: 'x86_64',
	source: { kind: 'running', procVersion: 'Linux version 6.18.0 (src/lib/context/fixtures)' },
	capturedOn: '2026-11-25',
	method: 'running-kernel',
	btf: true,
	syscallTracepoints: true,
	modulesLoaded: [],
};

export function fixtureEvents(): Event[] {
	const structs = JSON.parse(readFileSync(new URL('structs.json', DIR), 'utf8')) as ContextStruct[];
	const files = readdirSync(DIR).filter((f) => f.endsWith('.format'));
	const parsed = files.map((file) => {
		const [category, name] = file.replace(/\.format$/, '').split('.') as [string, string];
		const formatText = readFileSync(new URL(file, DIR), 'utf8');
		return { category, name, formatText, format: parseFormat(formatText, file) };
	});
	const sources = { vmlinux: indexStructs('vmlinux', structs), modules: new Map(), eventNames: new Set(parsed.map((e) => e.name)) };
	return parsed
		.map((e) => ({ ...e, origin: { kind: 'builtin' as const }, context: matchContext({ ...e, module: null }, sources) }))
		.sort(compareEvents);
}
