/**
 * The union of every captured kernel's events: which kernels have each event, where it comes
 * from, and which kernel an event page shows by default. Built once from the snapshots.
 */
import type { Event, Provenance, Snapshot } from '../schemas/snapshot.ts';
import { compareEvents } from '../schemas/snapshot.ts';
import { defaultKernel } from './arches.ts';
import { orderKernels } from './kernels.ts';

export interface CatalogEvent {
	category: string;
	name: string;
	/** Ids of the kernels that have the event, oldest first. */
	kernels: string[];
	/** The module that provides the event on the newest kernel where it comes from one; null when always built in. */
	module: string | null;
	/** The kernel an event page shows first: the newest amd64 kernel that has the event, else the newest of another architecture (arches.ts). */
	defaultKernel: string;
}

export interface Catalog {
	/** Oldest first. */
	kernels: Provenance[];
	/** Every distinct event, sorted by category then name. */
	events: CatalogEvent[];
	/** Categories, sorted. */
	categories: string[];
	find(category: string, name: string): CatalogEvent | undefined;
	/** One kernel's copy of an event. */
	event(kernel: string, category: string, name: string): Event | undefined;
	/** Every kernel's copy of an event, oldest kernel first. */
	versions(category: string, name: string): { kernel: Provenance; event: Event }[];
	/** One kernel's events of one category, sorted by name. */
	inCategory(kernel: string, category: string): Event[];
}

export const eventKey = (e: { category: string; name: string }) => `${e.category}:${e.name}`;

export function buildCatalog(snapshots: readonly Snapshot[]): Catalog {
	const ordered = orderKernels(snapshots.map((s) => ({ ...s.provenance, snapshot: s })));
	const kernels = ordered.map(({ snapshot, ...provenance }) => provenance);
	const perKernel = new Map<string, Map<string, Event>>();
	const union = new Map<string, CatalogEvent>();
	for (const { id, snapshot } of ordered) {
		const byKey = new Map<string, Event>();
		perKernel.set(id, byKey);
		for (const event of snapshot.events) {
			const key = eventKey(event);
			byKey.set(key, event);
			const entry = union.get(key) ?? { category: event.category, name: event.name, kernels: [], module: null, defaultKernel: id };
			entry.kernels.push(id);
			if (event.origin.kind === 'module') entry.module = event.origin.module;
			union.set(key, entry);
		}
	}
	for (const entry of union.values()) entry.defaultKernel = defaultKernel(kernels, (id) => entry.kernels.includes(id))!.id;
	const events = [...union.values()].sort(compareEvents);
	const byCategory = new Map<string, Event[]>();
	return {
		kernels,
		events,
		categories: [...new Set(events.map((e) => e.category))],
		find: (category, name) => union.get(`${category}:${name}`),
		event: (kernel, category, name) => perKernel.get(kernel)?.get(`${category}:${name}`),
		versions: (category, name) =>
			kernels.flatMap((kernel) => {
				const event = perKernel.get(kernel.id)?.get(`${category}:${name}`);
				return event ? [{ kernel, event }] : [];
			}),
		inCategory: (kernel, category) => {
			const key = `${kernel}\0${category}`;
			let list = byCategory.get(key);
			if (!list) {
				list = [...(perKernel.get(kernel)?.values() ?? [])].filter((e) => e.category === category);
				byCategory.set(key, list);
			}
			return list;
		},
	};
}
