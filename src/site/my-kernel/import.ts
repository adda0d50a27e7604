/**
 * A reader's archive → their kernel's snapshot, in the my-kernel page's Web Worker: the capture
 * CLI's own code (src/lib/capture/contributed.ts: archive reader, format parser, BTF reader,
 * context matcher, zod schema). A refusal comes back as a kind the page words in the reader's
 * language, with the reader's English detail naming the member at fault.
 */
import { ArchiveError, type ArchiveProblem } from '../../lib/capture/archive.ts';
import { snapshotFromArchive } from '../../lib/capture/contributed.ts';
import { RawCaptureError } from '../../lib/capture/raw.ts';
import type { Event, Provenance, Snapshot } from '../../schemas/snapshot.ts';

/** `malformed`: a member the script writes is missing or wrong; `invalid`: its formats or BTF do not make a valid snapshot. */
export type ImportProblem = ArchiveProblem | 'malformed' | 'invalid';

export type ImportResult = { ok: true; snapshot: Snapshot; ms: number } | { ok: false; problem: ImportProblem; detail: string; ms: number };

export function importArchive(bytes: Uint8Array, fileName: string): ImportResult {
	const started = performance.now();
	try {
		return { ok: true, snapshot: snapshotFromArchive(bytes, fileName), ms: performance.now() - started };
	} catch (error) {
		const problem: ImportProblem = error instanceof ArchiveError ? error.problem : error instanceof RawCaptureError ? 'malformed' : 'invalid';
		return { ok: false, problem, detail: error instanceof Error ? error.message : String(error), ms: performance.now() - started };
	}
}

/**
 * What the my-kernel page's report reads of a snapshot (views/my-kernel.ts, compare.ts): the worker
 * sends the page this, not the snapshot, which it stores itself; a fifth of the objects to clone.
 */
export interface KernelReport {
	provenance: Provenance;
	events: (Pick<Event, 'category' | 'name' | 'origin'> & { format: Pick<Event['format'], 'commonFields' | 'fields'> })[];
}

export function reportOf(snapshot: Snapshot): KernelReport {
	return {
		provenance: snapshot.provenance,
		events: snapshot.events.map(({ category, name, origin, format }) => ({ category, name, origin, format: { commonFields: format.commonFields, fields: format.fields } })),
	};
}
