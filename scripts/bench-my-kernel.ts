/**
 * The my-kernel page's figures for `npm run bench`, as root (the capture script reads tracefs and
 * BTF): this machine's archive imported on the page — file → worker → IndexedDB, as a reader does
 * it — with the JS it loads on use and the worker's peak JS heap, read over the DevTools protocol
 * (Runtime.getHeapUsage on the worker's target, sampled while it works).
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { runCaptureScript, shells } from '../tests/capture/capture-script.ts';

interface Options {
	browser: Browser;
	/** The served site's root URL. */
	url: string;
	/** gzip size of a served file. */
	gzipOf(url: string): number;
	/** Chromium's --remote-debugging-port. */
	debugPort: number;
}

/** Samples the JS heap of every dedicated worker the browser starts until `stop()`; returns the peak in bytes. */
async function watchWorkerHeaps(debugPort: number): Promise<{ stop(): Promise<number> }> {
	const version = (await (await fetch(`http://127.0.0.1:${debugPort}/json/version`)).json()) as { webSocketDebuggerUrl: string };
	const socket = new WebSocket(version.webSocketDebuggerUrl);
	await new Promise((resolve, reject) => {
		socket.onopen = resolve;
		socket.onerror = reject;
	});
	let id = 0;
	const pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
	const send = (method: string, params: object = {}, sessionId?: string) =>
		new Promise<{ result?: unknown; error?: unknown }>((resolve) => {
			pending.set(++id, resolve);
			socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
		});
	let peak = 0;
	const sessions = new Set<string>();
	socket.onmessage = (message) => {
		const data = JSON.parse(String(message.data)) as { id?: number; method?: string; params?: { targetInfo?: { type: string; targetId: string } } };
		if (data.id !== undefined) pending.get(data.id)?.(data as { result?: unknown });
		if (data.method === 'Target.targetCreated' && data.params?.targetInfo?.type === 'worker') {
			void send('Target.attachToTarget', { targetId: data.params.targetInfo.targetId, flatten: true }).then((answer) => {
				const sessionId = (answer.result as { sessionId?: string } | undefined)?.sessionId;
				if (sessionId) sessions.add(sessionId);
			});
		}
	};
	await send('Target.setDiscoverTargets', { discover: true });
	const timer = setInterval(() => {
		for (const sessionId of sessions) {
			void send('Runtime.getHeapUsage', {}, sessionId).then((answer) => {
				if (answer.error) sessions.delete(sessionId);
				else peak = Math.max(peak, (answer.result as { usedSize: number }).usedSize);
			});
		}
	}, 20);
	return {
		async stop() {
			clearInterval(timer);
			socket.close();
			return peak;
		},
	};
}

export async function benchMyKernel({ browser, url, gzipOf, debugPort }: Options): Promise<void> {
	if (process.getuid?.() !== 0) {
		console.log('my-kernel import: not measured (atlas-capture.sh reads tracefs and BTF as root: run npm run bench as root)');
		return;
	}
	const run = runCaptureScript(shells()[0]!, []);
	if (run.result.status !== 0 || !run.archive) throw new Error(`atlas-capture.sh failed: ${run.result.stderr}`);
	const times: string[] = [];
	let onUse = 0;
	let peak = 0;
	for (let i = 0; i < 3; i++) {
		// A fresh browser profile each round: nothing stored, nothing cached.
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${url}my-kernel/`, { waitUntil: 'networkidle' });
		let js = 0;
		page.on('response', (r) => {
			if (r.request().resourceType() === 'script' || /\.js$/.test(r.url())) js += gzipOf(r.url());
		});
		const heaps = await watchWorkerHeaps(debugPort);
		await page.locator('[data-file]').setInputFiles(run.archive);
		await page.waitForFunction(() => (document.querySelector('atlas-my-kernel') as HTMLElement).dataset.importMs, undefined, { timeout: 120_000 }).catch(async (error) => {
			throw new Error(`the import did not finish: ${await page.locator('[data-status]').textContent()} (${(error as Error).message})`);
		});
		peak = Math.max(peak, await heaps.stop());
		const ms = await page.evaluate(() => (document.querySelector('atlas-my-kernel') as HTMLElement).dataset);
		times.push(`${(Number(ms.importMs) / 1000).toFixed(2)} s (worker ${(Number(ms.workerMs) / 1000).toFixed(2)} s)`);
		if (i === 0) onUse = js;
		await context.close();
	}
	const events = /copied (\d+) format files/.exec(run.result.stdout)?.[1];
	console.log(`my-kernel import of this machine's archive (${(readFileSync(run.archive).length / 1024 / 1024).toFixed(2)} MB, ${events} events), file → Web Worker → IndexedDB: ${times.join(', ')}`);
	console.log(`my-kernel on use: ${(onUse / 1024).toFixed(1)} kB gzip of JS (page module and worker); worker's peak JS heap: ${peak ? `${(peak / 1024 / 1024).toFixed(1)} MB` : 'not read'}`);
}
