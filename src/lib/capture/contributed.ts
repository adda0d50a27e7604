/**
 * A reader's archive as a snapshot: its source, its default id, and whether data/ already has it.
 * Pure: the capture CLI and a browser worker both turn archive bytes into a snapshot here.
 */
import { buildSnapshot, defaultSnapshotId } from './build-snapshot.ts';
import type { KernelSource, Provenance, Snapshot } from '../../schemas/snapshot.ts';
import { readCaptureArchive, type ContributedCapture } from './archive.ts';

/** The snapshot source of a contributed capture. */
export function contributedSource(capture: ContributedCapture): Extract<KernelSource, { kind: 'contributed' }> {
	return {
		kind: 'contributed',
		procVersion: capture.raw.procVersion,
		os: capture.os && { name: capture.os.name, version: capture.os.version },
		traceSource: capture.traceSource,
	};
}

/**
 * `<os id>-<major.minor>-<arch>` (e.g. `ubuntu-6.8-amd64`), `contributed-…` without an os-release.
 * `versionAndArch` is build-snapshot's `<major.minor>-<arch>` for the same kernel.
 */
export function contributedSnapshotId(capture: ContributedCapture, versionAndArch: string): string {
	return `${capture.os?.id?.replace(/[^a-z0-9]+/g, '') || 'contributed'}-${versionAndArch}`;
}

/**
 * Why `candidate` must not be stored next to `stored`, or null when it may: an id already taken
 * (unless `replace`), or the same kernel — release, arch and /proc/version — under another id.
 */
export function duplicateProblem(stored: readonly Provenance[], candidate: Pick<Provenance, 'id' | 'release' | 'arch' | 'source'>, replace: boolean): string | null {
	const procVersion = (p: Pick<Provenance, 'source'>) => (p.source.kind === 'debian' ? null : p.source.procVersion);
	const same = stored.find((p) => p.id !== candidate.id && p.release === candidate.release && p.arch === candidate.arch && procVersion(p) === procVersion(candidate));
	if (same) return `this kernel (${candidate.release} ${candidate.arch}) is already stored as ${same.id}, captured on ${same.capturedOn}; nothing to add`;
	const taken = stored.find((p) => p.id === candidate.id);
	if (taken && !replace) {
		const what = taken.release === candidate.release && procVersion(taken) === procVersion(candidate) ? 'this same kernel' : `kernel ${taken.release}`;
		return `id ${candidate.id} is already taken by ${what}, captured on ${taken.capturedOn}; pass --replace to replace it, or --id to store this one under another id`;
	}
	return null;
}

/**
 * Archive bytes → a validated snapshot (`archive` names the file in messages). Rejects with ArchiveError
 * or RawCaptureError for an archive that cannot be used, like every capture's checks.
 */
export async function snapshotFromArchive(bytes: Uint8Array, archive: string, options: { id?: string; capturedOn?: string } = {}): Promise<Snapshot> {
	const capture = await readCaptureArchive(bytes, archive);
	return buildSnapshot(capture.raw, {
		id: options.id ?? contributedSnapshotId(capture, defaultSnapshotId(capture.raw, 'contributed')),
		source: contributedSource(capture),
		method: 'capture-script',
		...(options.capturedOn ? { capturedOn: options.capturedOn } : {}),
	});
}
