import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../data/store.ts';
import { generateProject, planProject, type GenerateInput } from './index.ts';

const DATA = join(import.meta.dirname, '../../../data');
function dataInput(id: string, ...keys: string[]): GenerateInput {
	const snapshot = readSnapshot(DATA, id);
	const byKey = new Map(snapshot.events.map((e) => [`${e.category}:${e.name}`, e]));
	return { kernel: snapshot.provenance, events: keys.map((k) => byKey.get(k)!), lookup: (c, n) => byKey.get(`${c}:${n}`) };
}

describe('value tables in the generated header', () => {
	const openat72 = dataInput('7.2-amd64', 'syscalls:sys_enter_openat');

	it("carries 7.2's O_* table for openat, whose flags print by it", () => {
		const plan = planProject(openat72);
		expect(plan.tables.map((t) => [t.name, t.decoder.kind, t.decoder.entries.length])).toEqual([['decode_flags', 'flags', 15]]);
		expect(plan.events[0]!.decoded).toEqual({ flags: 'decode_flags' });
		const loader = generateProject(openat72).files.find((f) => f.path === 'sys_enter_openat.c')!.content;
		expect(loader).toContain('tp_print_flags("flags", (unsigned long long)r->flags, decode_flags, sizeof(decode_flags) / sizeof(decode_flags[0]), "|", ~0ULL, "O_RDONLY", decode_flags_before, NULL);');
		// The print fmt's separate `O_RDONLY|` argument comes with the table, as the header's condition on the value.
		const header = generateProject(openat72).files.find((f) => f.path === 'sys_enter_openat.h')!.content;
		expect(header).toContain('return ((v & 0xfffffffffffffffcULL) && !(v & 0x3ULL)) ? "O_RDONLY|" : "";');
	});

	it('shares one table between events whose print fmt has the same one (AF_INET, AF_INET6 for family)', () => {
		const plan = planProject(dataInput('7.2-amd64', 'sock:inet_sock_set_state', 'tcp:tcp_retransmit_skb'));
		const family = plan.tables.filter((t) => t.decoder.entries.some((e) => e.name === 'AF_INET6'));
		expect(family).toHaveLength(1);
		expect(plan.events.map((p) => p.decoded.family)).toEqual([family[0]!.name, family[0]!.name]);
		expect(new Set(plan.tables.map((t) => t.name)).size).toBe(plan.tables.length);
	});

	it("never borrows a table: 6.12's openat has none in its print fmt, so flags print as a number", () => {
		const plan = planProject(dataInput('6.12-amd64', 'syscalls:sys_enter_openat'));
		expect(plan.tables).toEqual([]);
		expect(plan.events[0]!.decoded).toEqual({});
	});

	it('has none when decoding is off, or when bpf_printk prints the values in the kernel', () => {
		expect(planProject(openat72, { decode: false }).tables).toEqual([]);
		expect(planProject(openat72, { output: 'printk' }).tables).toEqual([]);
		const header = generateProject(openat72, { decode: false, programName: 'plain' }).files.find((f) => f.path === 'plain.h')!.content;
		expect(header).not.toContain('tp_name');
	});

	it('refuses a decode option that is not true or false', () => {
		expect(() => planProject(openat72, { decode: 'yes' as never })).toThrow(/option decode must be true or false/);
	});
});
