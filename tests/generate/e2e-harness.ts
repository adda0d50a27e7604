/**
 * A generated project for events of a snapshot, built with make in a copy of companion/ as a reader
 * builds a download. Running it and reading its lines is tests/generate/tracing.ts.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { captureLiveSnapshot } from '../../scripts/generate/live.ts';
import { generateProject, type GeneratorOptions } from '../../src/lib/generate/index.ts';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';
import { COMPANION, requireTools, run } from './harness.ts';

/** A built program: its folder and its binary's name. */
export interface Program {
	dir: string;
	name: string;
}

/** A generated project in a copy of companion/, built with its Makefile; returns the folder and program name. */
export async function buildProject(work: string, live: Snapshot, events: string[], options: Partial<GeneratorOptions> = {}): Promise<Program> {
	const byKey = new Map(live.events.map((e) => [`${e.category}:${e.name}`, e]));
	const picked = events.map((k) => byKey.get(k) as Event);
	const project = generateProject({ kernel: live.provenance, events: picked, lookup: (c, n) => byKey.get(`${c}:${n}`) }, options);
	const dir = join(work, project.programName);
	cpSync(COMPANION, dir, { recursive: true });
	for (const f of project.files.filter((f) => f.origin === 'generated')) writeFileSync(join(dir, f.path), f.content);
	const make = await run('make', ['-C', dir]);
	if (make.status !== 0) throw new Error(`make failed in ${dir}:\n${make.stdout}\n${make.stderr}`);
	return { dir, name: project.programName };
}

/**
 * What every end-to-end test file sets up: a work folder (removed after the file), root and the tools
 * checked, this machine's kernel captured once; `build` builds a project of its events in the folder.
 */
export function endToEnd(prefix: string): { work: string; build: (events: string[], options?: Partial<GeneratorOptions>) => Promise<Program> } {
	const work = mkdtempSync(join(tmpdir(), prefix));
	let live: Snapshot | undefined;
	afterAll(() => rmSync(work, { recursive: true, force: true }));
	beforeAll(() => {
		requireTools();
		if (process.getuid?.() !== 0) throw new Error('the end-to-end tests load BPF programs: run them as root (npm test does)');
		live = captureLiveSnapshot();
	});
	return { work, build: (events, options = {}) => buildProject(work, live as Snapshot, events, options) };
}
