/** Every snapshot committed under data/ unpacks and validates (and there may be none yet). */
import { describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot } from '../../src/data/store.ts';

const DATA = new URL('../../data/', import.meta.url).pathname;

describe('committed snapshots', () => {
	it('every kernel in data/ reads back as a valid snapshot', () => {
		const ids = listKernelIds(DATA);
		for (const id of ids) {
			const snapshot = readSnapshot(DATA, id);
			expect(snapshot.provenance.id).toBe(id);
			expect(snapshot.events.length).toBeGreaterThan(0);
		}
		console.log(`checked ${ids.length} committed snapshot${ids.length === 1 ? '' : 's'}${ids.length ? `: ${ids.join(', ')}` : ' (data/kernels is empty)'}`);
	});
});
