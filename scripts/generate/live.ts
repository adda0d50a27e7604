/** The running kernel as a snapshot, for `--kernel live` and the tests: the capture helper's code, into a temporary folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '../../src/schemas/snapshot.ts';
import { buildSnapshot, defaultSnapshotId } from '../../src/lib/capture/build-snapshot.ts';
import { readRawCapture } from '../capture/raw.ts';
import { captureRunningRaw } from '../capture/running.ts';

/** Reads the running kernel's tracefs and BTF into a validated snapshot (needs root). */
export function captureLiveSnapshot(): Snapshot {
	const dir = mkdtempSync(join(tmpdir(), 'atlas-live-'));
	try {
		captureRunningRaw(dir);
		const raw = readRawCapture(dir);
		return buildSnapshot(raw, {
			id: defaultSnapshotId(raw, 'running'),
			source: { kind: 'running', procVersion: raw.procVersion },
			method: 'running-kernel',
		});
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
