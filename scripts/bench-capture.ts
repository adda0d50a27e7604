/**
 * The capture script's figures for `npm run bench`: public/atlas-capture.sh run as root on this
 * machine under dash and busybox sh (time, archive size), and reading that archive into a snapshot
 * (time) in Node, the way `npm run capture -- --archive` does, and in a Chromium Web Worker, the way
 * a my-kernel page would. Needs root, like the script.
 */
import { readFileSync, statSync } from 'node:fs';
import { buildSnapshot } from '../src/lib/capture/build-snapshot.ts';
import { readCaptureArchive } from '../src/lib/capture/archive.ts';
import { contributedSource } from '../src/lib/capture/contributed.ts';
import { bundleArchiveWorker, snapshotInChromium } from '../tests/capture/archive-worker.ts';
import { runCaptureScript, shells } from '../tests/capture/capture-script.ts';
import { launchChromium } from '../tests/site/browser.ts';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

export async function benchCapture(): Promise<void> {
	if (process.getuid?.() !== 0) {
		console.log('capture script: not measured (atlas-capture.sh reads tracefs and BTF as root: run npm run bench as root)');
		return;
	}
	for (const shell of shells().filter((s) => s.name !== 'mksh')) {
		const started = performance.now();
		const run = runCaptureScript(shell, []);
		const seconds = (performance.now() - started) / 1000;
		if (run.result.status !== 0 || !run.archive) throw new Error(`atlas-capture.sh under ${shell.name} failed: ${run.result.stderr}`);
		const events = /copied (\d+) format files/.exec(run.result.stdout)?.[1];
		console.log(`capture script under ${shell.name}: ${seconds.toFixed(1)} s, archive ${mb(statSync(run.archive).size)} (${events} format files)`);
		if (shell.name !== 'dash') continue;
		const importStarted = performance.now();
		const contributed = await readCaptureArchive(readFileSync(run.archive), run.archive);
		const read = performance.now();
		const snapshot = buildSnapshot(contributed.raw, { id: 'bench', source: contributedSource(contributed), method: 'capture-script' });
		const built = performance.now();
		console.log(
			`archive → snapshot in Node: ${((built - importStarted) / 1000).toFixed(2)} s (unpack and check ${((read - importStarted) / 1000).toFixed(2)} s, ` +
				`parse, BTF and match ${((built - read) / 1000).toFixed(2)} s) for ${snapshot.events.length} events`,
		);
		const browser = await launchChromium();
		const bundle = await bundleArchiveWorker();
		const times: number[] = [];
		for (let i = 0; i < 3; i++) {
			const answer = await snapshotInChromium(browser, bundle, readFileSync(run.archive), run.archive, snapshot.provenance.capturedOn);
			if (!answer.ok) throw new Error(`the archive failed in Chromium: ${answer.message}`);
			times.push(answer.ms);
		}
		await browser.close();
		console.log(
			`archive → snapshot in a Chromium Web Worker: ${times.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')} (3 fresh workers; worker bundle ${(bundle.length / 1024).toFixed(0)} kB, not minified)`,
		);
	}
}
