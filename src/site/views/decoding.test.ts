import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../data/store.ts';
import { decodeEvent } from '../../lib/printfmt/decode.ts';
import { tableChanges } from '../../lib/printfmt/table-changes.ts';
import { toHtml } from '../html.ts';
import { decodingCell, tableChangeList } from './decoding.ts';

const DATA = join(import.meta.dirname, '../../../data');
const snapshot = (id: string) => new Map(readSnapshot(DATA, id).events.map((e) => [`${e.category}:${e.name}`, e]));
const k72 = snapshot('7.2-amd64');
const decoding = (key: string, from = k72) => decodeEvent(from.get(key)!.format);

describe("the field table's value column", () => {
	it("shows sched_switch's prev_state table open, with its mask and the name for 0", () => {
		const cell = toHtml(decodingCell('en', decoding('sched:sched_switch'), 'prev_state'));
		expect(cell).toContain('<details class="names" open><summary>flags: 8 names joined by “|” (masked with 0xff first, 0 shows as R, “+” after the names, depending on the value)</summary>');
		expect(cell).toContain('<tr><td>0x1<td>S<tr><td>0x2<td>D');
	});

	it("says openat's O_RDONLY| comes before the names on 7.2", () => {
		expect(toHtml(decodingCell('zh', decoding('syscalls:sys_enter_openat'), 'flags'))).toContain('标志位：15 个名字，以 “|” 连接 (0 显示为 O_RDONLY, 视取值在名字前加 “O_RDONLY|”)');
	});

	it("collapses kfree_skb's long table of drop reasons", () => {
		const cell = toHtml(decodingCell('zh', decoding('skb:kfree_skb'), 'reason'));
		expect(cell).toMatch(/^<td><details class="names"><summary>取值名：\d{3} 个<\/summary>/);
		expect(cell).toContain('<td>NO_SOCKET');
	});

	it('says why a field stays a number: no table on 6.12, an enum the kernel did not export, not printed', () => {
		const k612 = snapshot('6.12-amd64');
		expect(toHtml(decodingCell('en', decoding('syscalls:sys_enter_openat', k612), 'flags'))).toContain('printed with %08lx, no names');
		expect(toHtml(decodingCell('en', decoding('writeback:writeback_dirty_inode_start'), 'state'))).toContain('enum names the kernel did not export');
		expect(toHtml(decodingCell('en', decoding('syscalls:sys_enter_openat'), '__syscall_nr'))).toContain('not in the print fmt');
	});

	it('escapes names from data', () => {
		const hostile = decodeEvent({ commonFields: [], fields: [{ name: 'x' } as never], printFmt: '"%s", __print_symbolic(REC->x, { 1, "<script>PWN</script>" })' });
		const cell = toHtml(decodingCell('en', hostile, 'x'));
		expect(cell).not.toContain('<script>');
		expect(cell).toContain('&lt;script&gt;PWN&lt;/script&gt;');
	});

	it('lists the table changes between kernels', () => {
		const k612 = snapshot('6.12-amd64');
		const changes = tableChanges(decoding('sock:inet_sock_set_state', k612), decoding('sock:inet_sock_set_state'));
		expect(toHtml(tableChangeList('en', changes)!)).toContain('<li>protocol: removed IPPROTO_DCCP</li>');
		expect(tableChangeList('en', [])).toBeNull();
	});
});
