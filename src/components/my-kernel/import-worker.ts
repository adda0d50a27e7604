/**
 * The my-kernel page's Web Worker: archive bytes in; the snapshot stays here and is stored from
 * here once the page says so (kernel-store.ts, one transaction). The page gets the provenance, then
 * the report's share of the snapshot: cloning the whole snapshot to the page, and again into
 * IndexedDB there, took longer than reading the archive. Nothing leaves the browser.
 */
import type { Provenance, Snapshot } from '../../schemas/snapshot.ts';
import { importArchive, reportOf, type ImportResult, type KernelReport } from '../../site/my-kernel/import.ts';
import { storeKernel } from './kernel-store.ts';

/** From the page: the archive, then `store` (or the page ends the worker: nothing to store). */
export type ToWorker = { bytes: Uint8Array; name: string } | { store: { fileName: string; importedAt: string } };

/** To the page: the archive read (or why not), then whether it is stored. */
export type FromWorker =
	| { ok: true; provenance: Provenance; ms: number }
	| Extract<ImportResult, { ok: false }>
	| { stored: true; report: KernelReport }
	| { stored: false; detail: string };

const answer = (message: FromWorker) => self.postMessage(message);
let snapshot: Snapshot | undefined;

self.onmessage = async (message: MessageEvent<ToWorker>) => {
	if ('bytes' in message.data) {
		const result = importArchive(message.data.bytes, message.data.name);
		if (result.ok) snapshot = result.snapshot;
		answer(result.ok ? { ok: true, provenance: result.snapshot.provenance, ms: result.ms } : result);
		return;
	}
	try {
		await storeKernel({ snapshot: snapshot!, ...message.data.store });
		answer({ stored: true, report: reportOf(snapshot!) });
	} catch (error) {
		answer({ stored: false, detail: (error as Error).message });
	}
};
