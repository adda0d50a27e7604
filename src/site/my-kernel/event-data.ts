/**
 * The reader's kernel as the event page's data source: the same EventData interface the shards
 * give (event-data.ts), from the snapshot kept in the browser, so the runtime, the views and the
 * generator draw "your kernel" exactly as they draw a captured one. Pure.
 */
import type { Event, Snapshot } from '../../schemas/snapshot.ts';
import type { EventData } from '../event-data.ts';

export function snapshotEventData(snapshot: Snapshot, category: string): EventData {
	const byName = new Map<string, Event>(snapshot.events.filter((e) => e.category === category).map((e) => [e.name, e]));
	const kernel = snapshot.provenance;
	const event = (name: string, id: string) => (id === kernel.id ? byName.get(name) : undefined);
	return {
		category,
		kernels: [kernel],
		event,
		versions: (name) => {
			const e = byName.get(name);
			return e ? [{ kernel, event: e }] : [];
		},
	};
}
