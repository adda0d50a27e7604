/**
 * The explorer's "your kernel" choice, loaded when picked: a search over the events of the kernel
 * kept in this browser (the my-kernel page), each linking to the page that draws it for that
 * kernel; the chips still show which captured kernels have the event.
 */
import type { EventIndex, IndexEntry } from '../../site/event-index.ts';
import { createEventSearch, type EventSearch } from '../../site/search.ts';
import { readStoredKernel } from '../my-kernel/kernel-store.ts';

export async function myKernelSearch(index: EventIndex): Promise<EventSearch | null> {
	const stored = await readStoredKernel();
	if (!stored) return null;
	const captured = new Map(index.entries.map((e) => [`${e.category}:${e.name}`, e]));
	const entries: IndexEntry[] = stored.snapshot.events.map((e) => ({
		category: e.category,
		name: e.name,
		kernels: captured.get(`${e.category}:${e.name}`)?.kernels ?? 0,
		module: e.origin.kind === 'module' ? e.origin.module : null,
	}));
	return createEventSearch(entries, index);
}
