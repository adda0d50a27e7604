import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../data/store.ts';
import type { Event } from '../../schemas/snapshot.ts';
import { decodeEvent } from './decode.ts';
import { tableChanges } from './table-changes.ts';

const DATA = join(import.meta.dirname, '../../../data');
const cache = new Map<string, Map<string, Event>>();
function decoding(kernel: string, key: string) {
	if (!cache.has(kernel)) cache.set(kernel, new Map(readSnapshot(DATA, kernel).events.map((e) => [`${e.category}:${e.name}`, e])));
	return decodeEvent(cache.get(kernel)!.get(key)!.format);
}

describe('value tables that change between kernels', () => {
	it("kfree_skb's drop reasons: 7.2 adds UNIX_DISCONNECT and renumbers the reasons after it", () => {
		const [reason] = tableChanges(decoding('6.12-amd64', 'skb:kfree_skb'), decoding('7.2-amd64', 'skb:kfree_skb'));
		expect(reason).toMatchObject({ field: 'reason', kind: 'changed' });
		expect(reason!.added).toContain('UNIX_DISCONNECT');
		expect(reason!.moved).toContain('UNIX_SKIP_OOB');
		expect(reason!.moved).not.toContain('NO_SOCKET');
	});

	it("openat's flags: a table appears on 7.2, where 6.12's print fmt had none", () => {
		expect(tableChanges(decoding('6.12-amd64', 'syscalls:sys_enter_openat'), decoding('7.2-amd64', 'syscalls:sys_enter_openat'))).toEqual([
			expect.objectContaining({ field: 'flags', kind: 'added', removed: [], added: expect.arrayContaining(['O_WRONLY', 'O_CREAT']) }),
		]);
	});

	it('nothing for the same tables', () => {
		expect(tableChanges(decoding('6.12-amd64', 'irq:softirq_entry'), decoding('7.2-amd64', 'irq:softirq_entry'))).toEqual([]);
	});
});
