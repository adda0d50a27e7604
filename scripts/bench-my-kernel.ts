/**
 * The my-kernel page's figures for `npm run bench`, as root (the capture script reads tracefs and
 * BTF): this machine's archive imported on the page — file → worker → IndexedDB, as a reader does
 * it — with the JS it loads on use and the worker's peak JS heap, read over the DevTools protocol
 * (Runtime.getHeapUsage on the worker's target, sampled while it works). The machine is shared: each
 * import is repeated `runs` times and printed with the median, the CPU time Chromium's processes
 * spent on it (less bent by other load than the clock) and the load average.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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
	/** Imports to time, each in a fresh browser profile. */
	runs: number;
}

/** CPU ticks (user + system) so far of each process of the Chromium started with `--remote-debugging-port=<debugPort>`, by pid. */
function chromiumTicks(debugPort: number): Map<number, number> {
	const procs = readdirSync('/proc').flatMap((pid) => {
		try {
			// The command name may hold spaces and parentheses: the fields start after the last `)`.
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			return [{ pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }];
		} catch {
			return [];
		}
	});
	const root = procs.find((p) => {
		try {
			const args = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0');
			return args.includes(`--remote-debugging-port=${debugPort}`) && !args.some((a) => a.startsWith('--type='));
		} catch {
			return false;
		}
	});
	const tree = new Set(root ? [root.pid] : []);
	for (let size = 0; size !== tree.size; ) {
		size = tree.size;
		for (const p of procs) if (tree.has(p.ppid)) tree.add(p.pid);
	}
	return new Map(procs.filter((p) => tree.has(p.pid)).map((p) => [p.pid, p.ticks]));
}

/** CPU seconds Chromium's processes spent since `before` (processes that ended meanwhile are not counted; USER_HZ is 100). */
function cpuSince(before: Map<number, number>, debugPort: number): number {
	let ticks = 0;
	for (const [pid, now] of chromiumTicks(debugPort)) ticks += now - (before.get(pid) ?? 0);
	return ticks / 100;
}

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

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

export async function benchMyKernel({ browser, url, gzipOf, debugPort, runs }: Options): Promise<void> {
	if (process.getuid?.() !== 0) {
		console.log('my-kernel import: not measured (atlas-capture.sh reads tracefs and BTF as root: run npm run bench as root)');
		return;
	}
	const run = runCaptureScript(shells()[0]!, []);
	if (run.result.status !== 0 || !run.archive) throw new Error(`atlas-capture.sh failed: ${run.result.stderr}`);
	const rounds: { total: number; worker: number; cpu: number; load: number }[] = [];
	let onUse = 0;
	let peak = 0;
	for (let i = 0; i < runs; i++) {
		// A fresh browser profile each round: nothing stored, nothing cached.
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${url}my-kernel/`, { waitUntil: 'networkidle' });
		let js = 0;
		page.on('response', (r) => {
			if (r.request().resourceType() === 'script' || /\.js$/.test(r.url())) js += gzipOf(r.url());
		});
		const heaps = await watchWorkerHeaps(debugPort);
		const cpuBefore = chromiumTicks(debugPort);
		await page.locator('[data-file]').setInputFiles(run.archive);
		await page.waitForFunction(() => (document.querySelector('atlas-my-kernel') as HTMLElement).dataset.importMs, undefined, { timeout: 120_000 }).catch(async (error) => {
			throw new Error(`the import did not finish: ${await page.locator('[data-status]').textContent()} (${(error as Error).message})`);
		});
		const cpu = cpuSince(cpuBefore, debugPort);
		peak = Math.max(peak, await heaps.stop());
		const ms = await page.evaluate(() => (document.querySelector('atlas-my-kernel') as HTMLElement).dataset);
		rounds.push({ total: Number(ms.importMs) / 1000, worker: Number(ms.workerMs) / 1000, cpu, load: loadavg()[0]! });
		if (i === 0) onUse = js;
		await context.close();
	}
	const events = /copied (\d+) format files/.exec(run.result.stdout)?.[1];
	const s = (x: number) => `${x.toFixed(2)} s`;
	console.log(
		`my-kernel import of this machine's archive (${(readFileSync(run.archive).length / 1024 / 1024).toFixed(2)} MB, ${events} events), file → Web Worker → IndexedDB, ` +
			`median of ${runs}: ${s(median(rounds.map((r) => r.total)))} (worker ${s(median(rounds.map((r) => r.worker)))}; Chromium CPU ${s(median(rounds.map((r) => r.cpu)))}; load average ${median(rounds.map((r) => r.load)).toFixed(1)} on ${navigator.hardwareConcurrency} cores)`,
	);
	console.log(`  each: ${rounds.map((r) => `${s(r.total)} (worker ${s(r.worker)}, CPU ${s(r.cpu)}, load ${r.load.toFixed(1)})`).join(', ')}`);
	console.log(`my-kernel on use: ${(onUse / 1024).toFixed(1)} kB gzip of JS (page module and worker); worker's peak JS heap: ${peak ? `${(peak / 1024 / 1024).toFixed(1)} MB` : 'not read'}`);
}
