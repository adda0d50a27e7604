/**
 * The reader's kernel in this browser: one snapshot in IndexedDB, written and deleted each in one
 * transaction, so a failed or interrupted import leaves the kernel stored before exactly as it was.
 * A one-line hint in localStorage (release and arch) lets other pages offer "your kernel" without
 * opening the database; it follows every commit and is only ever a hint.
 */
import type { Provenance, Snapshot } from '../../schemas/snapshot.ts';

const DB_NAME = 'tracepoint-atlas';
const STORE = 'my-kernel';
const KEY = 'kernel';
/** Read by atlas-event.ts and the explorer: `{ release, arch }` of the stored kernel. */
export const MY_KERNEL_HINT = 'atlas-my-kernel';

export interface StoredKernel {
	snapshot: Snapshot;
	/** The archive's file name as the reader picked it. */
	fileName: string;
	/** ISO time of the import. */
	importedAt: string;
}

function open(): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const request = indexedDB.open(DB_NAME, 1);
		request.onupgradeneeded = () => request.result.createObjectStore(STORE);
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error ?? new Error('IndexedDB refused to open'));
		request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab of this site'));
	});
}

/** Runs `work` in one transaction; resolves when it commits, rejects (nothing written) when it aborts. */
async function inTransaction<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
	const db = await open();
	try {
		return await new Promise<T>((resolve, reject) => {
			const tx = db.transaction(STORE, mode);
			const request = work(tx.objectStore(STORE));
			tx.oncomplete = () => resolve(request.result);
			tx.onabort = () => reject(tx.error ?? new Error('the IndexedDB transaction was aborted'));
			tx.onerror = () => reject(tx.error ?? new Error('the IndexedDB transaction failed'));
		});
	} finally {
		db.close();
	}
}

function setHint(provenance: Provenance | null): void {
	try {
		if (provenance) localStorage.setItem(MY_KERNEL_HINT, JSON.stringify({ release: provenance.release, arch: provenance.arch }));
		else localStorage.removeItem(MY_KERNEL_HINT);
	} catch {
		// No localStorage (private mode): other pages just do not offer the kernel.
	}
}

/** Read once per page: the my-kernel event page's script and its runtime both ask for it. */
let reading: Promise<StoredKernel | null> | undefined;

/** `fresh`: read the database again (another tab may have changed it), as an import does before it compares. */
export function readStoredKernel({ fresh = false } = {}): Promise<StoredKernel | null> {
	if (fresh) reading = undefined;
	reading ??= inTransaction('readonly', (store) => store.get(KEY)).then((stored: StoredKernel | undefined) => {
		setHint(stored?.snapshot.provenance ?? null);
		return stored ?? null;
	});
	return reading;
}

/**
 * Replaces the stored kernel with `kernel`, or leaves it as it was when the write fails. The import
 * worker stores from there (it has no localStorage): the page then calls `kernelStored`.
 */
export async function storeKernel(kernel: StoredKernel): Promise<void> {
	reading = undefined;
	await inTransaction('readwrite', (store) => store.put(kernel, KEY));
	setHint(kernel.snapshot.provenance);
}

/** The import worker stored the kernel of `provenance`: read it afresh next time, and set the hint. */
export function kernelStored(provenance: Provenance): void {
	reading = undefined;
	setHint(provenance);
}

export async function forgetKernel(): Promise<void> {
	reading = undefined;
	await inTransaction('readwrite', (store) => store.delete(KEY));
	setHint(null);
}

/** Whether two provenances are of the same kernel: release, machine and /proc/version. */
export function sameKernel(a: Provenance, b: Provenance): boolean {
	const version = (p: Provenance) => (p.source.kind === 'debian' ? null : p.source.procVersion);
	return a.release === b.release && a.arch === b.arch && version(a) === version(b);
}
