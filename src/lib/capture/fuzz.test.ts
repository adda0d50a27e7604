import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeFixtureRoot, runCaptureScript, shells } from '../../../tests/capture/capture-script.ts';
import { fuzz } from '../fuzz/fuzz.ts';
import { readCaptureArchive } from './archive.ts';
import { archiveReaderTarget } from './fuzz-target.ts';

// A real archive: atlas-capture.sh run under dash on the module-BTF fixture tree.
const run = runCaptureScript(shells()[0]!, [makeFixtureRoot().root]);
if (run.result.status !== 0 || !run.archive) throw new Error(`atlas-capture.sh failed: ${run.result.stderr}`);
const gzipped = new Uint8Array(readFileSync(run.archive));
const tar = new Uint8Array(gunzipSync(gzipped));

describe('fuzzing the capture archive reader with mutated real archives', () => {
	it('reads the unmutated archive, gzipped or not', () => {
		expect(readCaptureArchive(tar, 'fixture.tar').raw.events.length).toBe(readCaptureArchive(gzipped, 'fixture.tar.gz').raw.events.length);
	});

	it('refuses every broken tar with an ArchiveError or RawCaptureError, each within 2 s of CPU', { timeout: 600_000 }, () => {
		const report = fuzz(archiveReaderTarget([tar], 'readCaptureArchive (tar)'), { runs: 600, seed: 0x7a2, timeBoundMs: 2_000 });
		console.log(`${report.target}: ${report.runs} mutated inputs, ${report.accepted} read, ${report.refused} refused, slowest ${report.slowestMs.toFixed(1)} ms`);
		expect(report.failures).toEqual([]);
		expect(report.accepted).toBeGreaterThan(30);
		expect(report.refused).toBeGreaterThan(30);
	});

	it('refuses every broken gzip with an ArchiveError, each within 2 s of CPU', { timeout: 600_000 }, () => {
		const report = fuzz(archiveReaderTarget([gzipped], 'readCaptureArchive (tar.gz)'), { runs: 300, seed: 0x92f, timeBoundMs: 2_000 });
		console.log(`${report.target}: ${report.runs} mutated inputs, ${report.accepted} read, ${report.refused} refused, slowest ${report.slowestMs.toFixed(1)} ms`);
		expect(report.failures).toEqual([]);
	});
});
