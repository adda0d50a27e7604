/**
 * A reader's archive → their kernel's snapshot, in the my-kernel page's Web Worker: the capture
 * CLI's own code (src/lib/capture/contributed.ts: archive reader, format parser, BTF reader,
 * context matcher, zod schema). A refusal comes back as a kind the page words in the reader's
 * language, with the reader's English detail naming the member at fault.
 */
import { ArchiveError, type ArchiveProblem } from '../../lib/capture/archive.ts';
import { snapshotFromArchive } from '../../lib/capture/contributed.ts';
import { RawCaptureError } from '../../lib/capture/raw.ts';
import type { Snapshot } from '../../schemas/snapshot.ts';

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
