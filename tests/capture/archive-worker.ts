/**
 * Runs snapshotFromArchive (src/lib/capture/contributed.ts) inside a Web Worker in Chromium: the
 * module and everything it imports bundled for the browser by esbuild (which fails on any Node
 * import), the archive's bytes posted in, the snapshot or the error message posted back.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import type { Snapshot } from '../../src/schemas/snapshot.ts';
import { serveStatic } from '../site/serve.ts';

const entry = new URL('../../src/lib/capture/contributed.ts', import.meta.url).pathname;

/** The worker's source: one ES module with no imports left. */
export async function bundleArchiveWorker(): Promise<string> {
	const result = await build({
		stdin: {
			contents: `import { snapshotFromArchive } from ${JSON.stringify(entry)};
self.onmessage = async (message) => {
	const { bytes, name, capturedOn } = message.data;
	const started = performance.now();
	try {
		const snapshot = await snapshotFromArchive(bytes, name, { id: 'in-browser', capturedOn });
		self.postMessage({ ok: true, snapshot, ms: performance.now() - started });
	} catch (error) {
		self.postMessage({ ok: false, message: error.message, ms: performance.now() - started });
	}
};`,
			resolveDir: new URL('.', import.meta.url).pathname,
			loader: 'ts',
		},
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		write: false,
		logLevel: 'silent',
	});
	return result.outputFiles[0]!.text;
}

export type WorkerAnswer = { ok: true; snapshot: Snapshot; ms: number } | { ok: false; message: string; ms: number };

/** Posts `bytes` to a fresh worker running `bundle`, served with a page over HTTP, and returns its answer. */
export async function snapshotInChromium(browser: Browser, bundle: string, bytes: Uint8Array, name: string, capturedOn: string): Promise<WorkerAnswer> {
	const dir = mkdtempSync(join(tmpdir(), 'atlas-worker-'));
	writeFileSync(join(dir, 'index.html'), '<!doctype html><title>archive worker</title>');
	writeFileSync(join(dir, 'worker.js'), bundle);
	writeFileSync(join(dir, '404.html'), 'not found'); // the server answers misses (the favicon) with it
	const server = await serveStatic(dir);
	const page = await browser.newPage();
	try {
		await page.goto(server.url);
		return await page.evaluate(
			async ({ base64, name, capturedOn }) => {
				const binary = atob(base64);
				const bytes = new Uint8Array(binary.length);
				for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
				const worker = new Worker('worker.js', { type: 'module' });
				const answer = new Promise((resolve, reject) => {
					worker.onmessage = (m) => resolve(m.data);
					worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
				});
				worker.postMessage({ bytes, name, capturedOn }, [bytes.buffer]);
				return answer;
			},
			{ base64: Buffer.from(bytes).toString('base64'), name, capturedOn },
		) as WorkerAnswer;
	} finally {
		await page.close();
		await server.close();
	}
}
