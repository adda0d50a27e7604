/** The `capturedOn` input of generateProject, built from the snapshots at hand (pure: the site and the CLI share it). */
import type { EventFormat, Snapshot } from '../../schemas/snapshot.ts';

/** For each event, the kernels among `snapshots` that have it, with their format. */
export function capturedOnFrom(snapshots: Snapshot[]): (category: string, name: string) => { kernel: string; format: EventFormat }[] {
	const index = new Map<string, { kernel: string; format: EventFormat }[]>();
	for (const s of snapshots) {
		for (const e of s.events) {
			const key = `${e.category}:${e.name}`;
			index.set(key, [...(index.get(key) ?? []), { kernel: s.provenance.id, format: e.format }]);
		}
	}
	return (category, name) => index.get(`${category}:${name}`) ?? [];
}
