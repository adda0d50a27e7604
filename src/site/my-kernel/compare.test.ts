import { describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot } from '../../data/store.ts';
import type { Event } from '../../schemas/snapshot.ts';
import { dataDir } from '../data.ts';
import { compareKernels, countEvents, packKernelFields } from './compare.ts';

const [older, newer] = ((ids) => [ids[0]!, ids[ids.length - 1]!])(listKernelIds(dataDir()).filter((id) => /^\d/.test(id)).sort());
const mine = readSnapshot(dataDir(), older).events;
const theirs = readSnapshot(dataDir(), newer).events;
const key = (e: Pick<Event, 'category' | 'name'>) => `${e.category}:${e.name}`;

describe('comparing a reader’s kernel with a captured one (committed snapshots)', () => {
	it('counts events by category and origin', () => {
		const counts = countEvents(mine);
		expect(counts.builtin + counts.module).toBe(mine.length);
		expect(counts.module).toBe(mine.filter((e) => e.origin.kind === 'module').length);
		expect(counts.categories.find((c) => c.category === 'syscalls')?.builtin).toBe(mine.filter((e) => e.category === 'syscalls').length);
	});

	it('finds the events one kernel lacks, and those whose fields moved', () => {
		const comparison = compareKernels(mine, packKernelFields(newer, theirs));
		const mineKeys = new Set(mine.map(key));
		const theirKeys = new Set(theirs.map(key));
		expect(comparison.missing).toEqual(theirs.map(key).filter((k) => !mineKeys.has(k)).sort());
		expect(comparison.added).toEqual(mine.map(key).filter((k) => !theirKeys.has(k)).sort());
		expect(comparison.same + comparison.changed.length).toBe(mine.filter((e) => theirKeys.has(key(e))).length);
		expect(comparison.missing.length).toBeGreaterThan(0);
	});

	it('names each field whose offset differs, as when a distribution adds a field to the common header', () => {
		const connect = theirs.find((e) => e.name === 'sys_enter_connect')!;
		const shifted: Event = {
			...connect,
			format: {
				...connect.format,
				commonFields: [...connect.format.commonFields, { ...connect.format.commonFields.at(-1)!, name: 'common_preempt_lazy_count', declaration: 'unsigned char common_preempt_lazy_count', offset: 8 }],
				fields: connect.format.fields.map((f) => ({ ...f, offset: f.offset + 8 })),
			},
		};
		const comparison = compareKernels([shifted], packKernelFields(newer, [connect]));
		expect(comparison.changed).toHaveLength(1);
		const fields = comparison.changed[0]!.fields;
		expect(fields.map((f) => f.name).sort()).toEqual(['common_preempt_lazy_count', ...connect.format.fields.map((f) => f.name)].sort());
		const addr = fields.find((f) => f.name === 'uservaddr')!;
		expect(addr.mine!.offset - addr.theirs!.offset).toBe(8);
		expect(fields.find((f) => f.name === 'common_preempt_lazy_count')!.theirs).toBeNull();
	});
});
