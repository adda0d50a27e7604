import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../data/store.ts';
import type { Event } from '../../schemas/snapshot.ts';
import { decodeEvent, type EventDecoding } from './decode.ts';
import { evaluateConstant } from './evaluate.ts';
import { parsePrintFmt, PrintFmtError } from './parse.ts';

const DATA = join(import.meta.dirname, '../../../data');
const snapshots = new Map<string, Map<string, Event>>();
function event(kernel: string, key: string): Event {
	if (!snapshots.has(kernel)) snapshots.set(kernel, new Map(readSnapshot(DATA, kernel).events.map((e) => [`${e.category}:${e.name}`, e])));
	const found = snapshots.get(kernel)?.get(key);
	if (!found) throw new Error(`${key} is not in ${kernel}`);
	return found;
}

/** A decoding as JSON for the golden files: values in hex, maps as objects. */
function asJson(d: EventDecoding): string {
	return `${JSON.stringify(
		{ decoders: Object.fromEntries(d.decoders), raw: Object.fromEntries(d.raw), unread: d.unread },
		(_, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v),
		'\t',
	)}\n`;
}

describe('the print fmt of real events, decoded (golden files)', () => {
	const cases = [
		['7.2-amd64', 'sched:sched_switch'],
		['7.2-amd64', 'block:block_rq_issue'],
		['7.2-amd64', 'syscalls:sys_enter_openat'],
		['6.12-amd64', 'syscalls:sys_enter_openat'],
		['7.2-amd64', 'skb:kfree_skb'],
		['7.2-amd64', 'irq:softirq_entry'],
		['7.2-amd64', 'writeback:writeback_queue'],
		// A table of enum names the kernel did not export: raw, with the reason.
		['7.2-amd64', 'writeback:writeback_dirty_inode_start'],
		['6.1-amd64', 'tps6598x:tps6598x_status'],
	] as const;
	it.each(cases)('%s %s', async (kernel, key) => {
		await expect(asJson(decodeEvent(event(kernel, key).format))).toMatchFileSnapshot(`./__golden__/${kernel}-${key.replace(':', '-')}.json`);
	});

	it("reads sched_switch's prev_state as masked flags that print R for 0", () => {
		const d = decodeEvent(event('7.2-amd64', 'sched:sched_switch').format).decoders.get('prev_state');
		expect(d).toMatchObject({ kind: 'flags', delimiter: '|', zeroName: 'R' });
		if (d?.kind !== 'flags') throw new Error('not flags');
		expect(d.entries.slice(0, 2)).toEqual([
			{ value: 1n, name: 'S' },
			{ value: 2n, name: 'D' },
		]);
		// The kernel masks with ((TASK_REPORT_MAX) << 1) - 1, written out as nested constant arithmetic.
		expect(d.mask).toBe(0xffn);
	});

	it("keeps block_rq_issue's rwbs a string (a char array printed with %s), not a flags table", () => {
		const d = decodeEvent(event('7.2-amd64', 'block:block_rq_issue').format);
		expect(d.decoders.get('rwbs')).toBeUndefined();
		expect(d.raw.get('rwbs')).toEqual({ why: 'plain', conversion: '%s' });
		expect(d.decoders.get('cmd')).toEqual({ kind: 'string', field: 'cmd' });
	});

	it("decodes openat's flags from 7.2's table, and leaves 6.12's raw: it has none", () => {
		const flags72 = decodeEvent(event('7.2-amd64', 'syscalls:sys_enter_openat').format).decoders.get('flags');
		expect(flags72).toMatchObject({ kind: 'flags', zeroName: 'O_RDONLY', mask: null });
		expect(flags72?.kind === 'flags' && flags72.entries.find((e) => e.name === 'O_CREAT')?.value).toBe(0x40n);
		const d612 = decodeEvent(event('6.12-amd64', 'syscalls:sys_enter_openat').format);
		expect(d612.decoders.get('flags')).toBeUndefined();
		expect(d612.raw.get('flags')).toEqual({ why: 'plain', conversion: '%08lx' });
	});

	it('reads the table that changed between kernels: kfree_skb reason 6.1 vs 7.2', () => {
		const table = (kernel: string) => {
			const d = decodeEvent(event(kernel, 'skb:kfree_skb').format).decoders.get('reason');
			return d?.kind === 'symbolic' ? new Map(d.entries.map((e) => [e.name, e.value])) : new Map();
		};
		expect(table('6.1-amd64').get('NO_SOCKET')).toBe(2n);
		expect(table('7.2-amd64').get('NO_SOCKET')).toBe(3n);
		expect(table('7.2-amd64').has('UNIX_DISCONNECT')).toBe(true);
		expect(table('6.1-amd64').has('UNIX_DISCONNECT')).toBe(false);
		expect(decodeEvent(event('5.10-amd64', 'skb:kfree_skb').format).raw.get('protocol')).toEqual({ why: 'plain', conversion: '%u' });
	});

	it('names what it cannot read: an enum name in a table, a bit-field extract', () => {
		const afs = decodeEvent(event('5.10-amd64', 'afs:afs_flock_ev').format);
		expect(afs.unread.find((u) => u.fields.includes('event'))).toMatchObject({ category: 'table-entry', detail: expect.stringContaining('afs_flock_acquired is a name') });
		expect(afs.raw.get('event')).toEqual({ why: 'unread', categories: ['table-entry'] });
		const tps = decodeEvent(event('6.12-amd64', 'tps6598x:tps25750_power_status').format);
		expect(tps.unread.some((u) => u.category === 'computed-value' && u.fields.includes('power_status'))).toBe(true);
	});
});

describe('the parts', () => {
	it('evaluates integer constant expressions and says why it will not', () => {
		const value = (text: string) => evaluateConstant(parsePrintFmt(`"%d", ${text}`).args[0] as never);
		expect(value('(1UL << 3)')).toEqual({ ok: true, value: 8n });
		expect(value('0x01|0x02')).toEqual({ ok: true, value: 3n });
		expect(value('(~(((0UL))) >> (64 - 1 - (31)))')).toEqual({ ok: true, value: 0xffffffffn });
		expect(value('(u8)-1')).toEqual({ ok: true, value: 0xffn });
		expect(value('-1')).toEqual({ ok: true, value: 0xffffffffffffffffn });
		expect(value('1 / 0')).toMatchObject({ ok: false, reason: 'division by zero' });
		expect(value('1 << 64')).toMatchObject({ ok: false, reason: 'a shift by 64 bits' });
		expect(value('FOO_BAR')).toMatchObject({ ok: false, reason: expect.stringContaining('FOO_BAR is a name') });
		expect(value('sizeof(struct x)')).toMatchObject({ ok: false, reason: 'sizeof is not evaluated' });
	});

	it('reads format strings with bare quotes and line breaks as the kernel prints them', () => {
		const afs = parsePrintFmt('"d=%x "%s"", REC->vnode, __get_str(name)');
		expect(afs.format).toBe('d=%x "%s"');
		expect(afs.conversions.map((c) => c.text)).toEqual(['%x', '%s']);
		expect(parsePrintFmt('"a\n%.3x: %16ph\\n", REC->a, REC->b').conversions.map((c) => c.text)).toEqual(['%.3x', '%16ph']);
		expect(parsePrintFmt('"%*ph %pI4 %%", 4, REC->a, REC->b').conversions.map((c) => [c.text, c.takes])).toEqual([
			['%*ph', 2],
			['%pI4', 1],
		]);
	});

	it("reads GNU's `a ?: b`, a unless it is 0 (arm64's kvm:kvm_sys_access)", () => {
		const sysAccess = event('6.1-arm64', 'kvm:kvm_sys_access');
		const [, name] = parsePrintFmt(sysAccess.format.printFmt).args;
		expect(name).toMatchObject({ k: 'binary', op: '?:', left: { k: 'member', name: 'name' }, right: { k: 'str', value: 'UNKN' } });
		expect(decodeEvent(sysAccess.format).unread.filter((u) => u.category === 'syntax')).toEqual([]);
		expect(evaluateConstant(parsePrintFmt('"%d", 0 ?: 7').args[0] as never)).toEqual({ ok: true, value: 7n });
		expect(evaluateConstant(parsePrintFmt('"%d", 3 ?: 7').args[0] as never)).toEqual({ ok: true, value: 3n });
	});

	it('refuses what is not a print fmt, naming where, and bounds nesting and size', () => {
		expect(() => parsePrintFmt('REC->a')).toThrow(PrintFmtError);
		expect(() => parsePrintFmt('"%d", (REC->a')).toThrow(/expected "\)" at the end/);
		expect(() => parsePrintFmt('"%d", REC->a @')).toThrow(/unexpected character "@" at offset 13/);
		expect(() => parsePrintFmt(`"%d", ${'('.repeat(5000)}1${')'.repeat(5000)}`)).toThrow(/nested deeper than 200/);
		expect(() => parsePrintFmt(`"%d", ${Array.from({ length: 5000 }, () => '1').join(' + ')}`)).toThrow(/nested deeper than 200/);
		expect(() => parsePrintFmt(`"${'x'.repeat(300_000)}"`)).toThrow(/longer than/);
		// decodeEvent never throws for a bad line: the whole line becomes one `syntax` entry, every field raw.
		const d = decodeEvent({ commonFields: [], fields: [{ name: 'a' } as never], printFmt: '"%d", (REC->a' });
		expect(d.unread).toMatchObject([{ category: 'syntax', argument: -1 }]);
		expect(d.raw.get('a')).toEqual({ why: 'unread', categories: ['syntax'] });
	});

	it('takes a conditional text as part of the field only when its %s touches the names\' %s, and says what the rest is', () => {
		const decode = (printFmt: string) => decodeEvent({ commonFields: [], fields: [{ name: 'f' } as never, { name: 'g' } as never], printFmt });
		const table = '__print_symbolic(REC->f, { 1, "ONE" })';
		const touching = decode(`"f=%s%s%s g=%d", (REC->f & 8) ? "<" : "", ${table}, REC->f == 2 ? "!" : "?", REC->g`);
		expect(touching.unread).toEqual([]);
		expect(touching.decoders.get('f')).toMatchObject({ before: [{ then: '<', else: '' }], after: [{ then: '!', else: '?' }] });
		// A space between them, another field's test, a test the loader cannot make as the kernel does: not attached.
		const apart = decode(`"f=%s %s %s%s", (REC->f & 8) ? "<" : "", ${table}, REC->g ? "+" : "", REC->f < 0 ? "-" : ""`);
		expect(apart.decoders.get('f')).toEqual({ kind: 'symbolic', field: 'f', entries: [{ value: 1n, name: 'ONE' }] });
		expect(apart.unread.map((u) => [u.argument, u.textKind])).toEqual([
			[0, 'own-text'],
			[2, 'own-text'],
			[3, 'condition'],
		]);
	});

	it('takes casts apart from parenthesised expressions', () => {
		const [cast, paren, typeofCast] = parsePrintFmt('"%d %d %d", (unsigned long)REC->a, (REC->b) - 1, (typeof(x))(REC->c)').args;
		expect(cast).toMatchObject({ k: 'cast', type: 'unsigned long', operand: { k: 'member', name: 'a' } });
		expect(paren).toMatchObject({ k: 'binary', op: '-' });
		expect(typeofCast).toMatchObject({ k: 'cast', type: 'typeof(x)' });
	});
});
