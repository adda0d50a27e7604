/**
 * The reader of capture archives as a fuzz target: mutated archives (a plain tar, or gzipped) must
 * be read into a checked raw capture or end in an ArchiveError or RawCaptureError naming the archive.
 */
import { mutateBytes, type FuzzTarget } from '../fuzz/fuzz.ts';
import { ArchiveError, readCaptureArchive } from './archive.ts';
import { RawCaptureError } from './raw.ts';

export function archiveReaderTarget(seeds: readonly Uint8Array[], name: string): FuzzTarget<Uint8Array> {
	return {
		name,
		seeds,
		mutate: mutateBytes,
		read: (bytes) => readCaptureArchive(bytes, 'fuzzed.tar.gz'),
		isClean: (error) => error instanceof ArchiveError || error instanceof RawCaptureError,
	};
}
