/**
 * The my-kernel page's working half, loaded on first use (a file picked or dropped, a kernel
 * already stored, the forget button): reads the archive in a Web Worker with the capture CLI's own
 * code, keeps the snapshot in IndexedDB (kernel-store.ts: one transaction, so a refused file leaves
 * the stored kernel as it was), and reports on it with src/site/views/my-kernel.ts.
 */
import { nearestKernel, type CapturedKernel } from '../../lib/capture/nearest.ts';
import { ARCHIVE_LIMITS } from '../../lib/capture/archive.ts';
import { html, toHtml, type RawHtml } from '../../site/html.ts';
import { strings, type Lang } from '../../site/i18n.ts';
import { compareKernels, type PackedKernelFields } from '../../site/my-kernel/compare.ts';
import type { ImportProblem, KernelReport } from '../../site/my-kernel/import.ts';
import { createUrls } from '../../site/urls.ts';
import { comparisonView, kernelSummary } from '../../site/views/my-kernel.ts';
import type { FromWorker, ToWorker } from './import-worker.ts';
import { forgetKernel, kernelStored, readStoredKernel, sameKernel, type StoredKernel } from './kernel-store.ts';

/** A stored kernel as the report reads it: the whole snapshot, or the share the import worker sends. */
type Reported = Omit<StoredKernel, 'snapshot'> & { snapshot: KernelReport };

function context(root: HTMLElement) {
	const lang: Lang = root.dataset.lang === 'en' ? 'en' : 'zh';
	return {
		lang,
		t: strings(lang),
		urls: createUrls(root.dataset.base ?? '/'),
		status: root.querySelector<HTMLElement>('[data-status]')!,
		report: root.querySelector<HTMLElement>('[data-report]')!,
		kernels: JSON.parse(root.dataset.kernels ?? '[]') as CapturedKernel[],
	};
}
type Context = ReturnType<typeof context>;

function say(ctx: Context, message: RawHtml, alert = false): void {
	ctx.status.setAttribute('role', alert ? 'alert' : 'status');
	ctx.status.innerHTML = toHtml(message);
}

/** Draws the stored kernel (or says there is none), then the comparison once its data is there. */
async function draw(ctx: Context, stored: Reported | null): Promise<void> {
	if (!stored) {
		ctx.report.innerHTML = '';
		return;
	}
	ctx.report.innerHTML = toHtml(kernelSummary(ctx.lang, stored, ctx.urls)) + toHtml(html`<div data-compare><p class="muted">${ctx.t.myKernelCompareLoading}</p></div>`);
	const compare = ctx.report.querySelector<HTMLElement>('[data-compare]')!;
	const nearest = nearestKernel(stored.snapshot.provenance.release, ctx.kernels);
	if (!nearest.ok) {
		compare.remove();
		return;
	}
	try {
		const response = await fetch(ctx.urls.kernelFields(nearest.kernel.id));
		if (!response.ok) throw new Error(`${ctx.urls.kernelFields(nearest.kernel.id)}: HTTP ${response.status}`);
		const fields = (await response.json()) as PackedKernelFields;
		compare.innerHTML = toHtml(comparisonView(ctx.lang, compareKernels(stored.snapshot.events, fields), nearest.kernel, ctx.urls));
	} catch (error) {
		compare.innerHTML = toHtml(html`<p class="notice">${(error as Error).message}</p>`);
	}
}

export async function showStored(root: HTMLElement): Promise<void> {
	const ctx = context(root);
	await draw(ctx, await readStoredKernel());
	root.dataset.ready = 'true';
}

/** Why a file was not used, in the reader's words, with the reader's detail; and the kernel kept. */
function refuse(ctx: Context, fileName: string, problem: ImportProblem | 'storage', detail: string, kept: StoredKernel | null): void {
	say(
		ctx,
		html`<p><strong>${ctx.t.myKernelNotUsed(fileName)}</strong>${ctx.t.myKernelProblem(problem)} ${problem === 'storage' || problem === 'other-version' ? '' : ctx.t.myKernelAgain}</p>
${kept ? html`<p>${ctx.t.myKernelKept(kept.snapshot.provenance.release)}</p>` : null}
<details><summary>${ctx.t.myKernelDetail}</summary><pre class="out">${detail}</pre></details>`,
		true,
	);
	ctx.status.dataset.problem = problem;
}

/** The import worker: each `send` resolves with its next answer. */
function startWorker() {
	const worker = new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module' });
	return {
		send(message: ToWorker): Promise<FromWorker> {
			return new Promise<FromWorker>((resolve, reject) => {
				worker.onmessage = (answer: MessageEvent<FromWorker>) => resolve(answer.data);
				worker.onerror = (event) => reject(new Error(`the worker failed: ${event.message}`));
				worker.postMessage(message, 'bytes' in message ? [message.bytes.buffer] : []);
			});
		},
		end: () => worker.terminate(),
	};
}

export async function importFile(root: HTMLElement, file: File): Promise<void> {
	const ctx = context(root);
	delete ctx.status.dataset.problem;
	delete root.dataset.importMs;
	const before = await readStoredKernel({ fresh: true }).catch(() => null);
	// A file far too large is refused before it is read into memory; the worker checks the bytes again.
	if (file.size > ARCHIVE_LIMITS.compressedBytes) {
		refuse(ctx, file.name, 'too-big', `${file.name}: ${(file.size / 1024 / 1024).toFixed(1)} MB > ${ARCHIVE_LIMITS.compressedBytes / 1024 / 1024} MB`, before);
		return;
	}
	say(ctx, html`<p>${ctx.t.myKernelReading(file.name)}</p>`);
	const started = performance.now();
	const worker = startWorker();
	let report: KernelReport;
	let stored: { fileName: string; importedAt: string };
	try {
		const result = await worker.send({ bytes: new Uint8Array(await file.arrayBuffer()), name: file.name });
		if (!('ok' in result)) throw new Error('the worker answered out of turn');
		if (!result.ok) {
			refuse(ctx, file.name, result.problem, result.detail, before);
			return;
		}
		if (before && sameKernel(before.snapshot.provenance, result.provenance)) {
			say(ctx, html`<p>${ctx.t.myKernelAlready(before.snapshot.provenance.release, before.importedAt.slice(0, 10))}</p>`);
			ctx.status.dataset.problem = 'same-kernel';
			return;
		}
		// The worker stores the snapshot it holds (one transaction) and sends what the report shows.
		stored = { fileName: file.name, importedAt: new Date().toISOString() };
		const outcome = await worker.send({ store: stored });
		if (!('stored' in outcome)) throw new Error('the worker answered out of turn');
		if (!outcome.stored) {
			refuse(ctx, file.name, 'storage', outcome.detail, before);
			return;
		}
		kernelStored(result.provenance);
		const ms = performance.now() - started;
		// Read by the tests and `npm run bench`: from the bytes to the stored kernel.
		root.dataset.importMs = ms.toFixed(0);
		root.dataset.workerMs = result.ms.toFixed(0);
		say(ctx, html`<p>${ctx.t.myKernelStored(file.name, (ms / 1000).toFixed(1))}</p>`);
		report = outcome.report;
	} finally {
		worker.end();
	}
	await draw(ctx, { snapshot: report, ...stored });
}

export async function forget(root: HTMLElement): Promise<void> {
	const ctx = context(root);
	await forgetKernel();
	await draw(ctx, null);
	say(ctx, html`<p>${ctx.t.myKernelForgotten}</p>`);
}
