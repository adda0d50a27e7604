import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContextSchema, ContextStructSchema, type Context, type ContextStruct } from '../../schemas/snapshot.ts';
import { parseFormat } from '../format/parse.ts';
import { indexStructs, matchContext, type ContextSources, type EventToMatch } from './match.ts';

// Real data from a 6.18 kernel: format files from tracefs, structs read from its vmlinux BTF
// (fixtures/make-fixtures.ts rebuilds them).
const fixture = (file: string) => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
const structs: ContextStruct[] = ContextStructSchema.array().parse(JSON.parse(fixture('structs.json')));
const struct = (name: string) => structs.find((s) => s.name === name) as ContextStruct;
const event = (id: string, module: string | null = null): EventToMatch => {
	const [category, name] = id.split(':') as [string, string];
	return { category, name, module, format: parseFormat(fixture(`${category}.${name}.format`), id) };
};
// The real kernel's event names that the tie-breaks below depend on: sched_kthread_stop_ret is an event.
const eventNames = new Set(['sched_switch', 'sched_wakeup', 'sched_kthread_stop_ret', 'netif_rx_exit', 'dma_fence_emit', 'sys_enter', 'sys_exit']);
const vmlinux: ContextSources = { vmlinux: indexStructs('vmlinux', structs), modules: new Map(), eventNames };

function matched(context: Context): [string, string] {
	ContextSchema.parse(context);
	return [context.match, context.match === 'none' ? context.note : context.struct.name];
}

describe('matchContext', () => {
	it('gives syscalls:sys_enter_*/sys_exit_* the raw_syscalls structs', () => {
		expect(matched(matchContext(event('syscalls:sys_enter_openat'), vmlinux))).toEqual(['syscall', 'trace_event_raw_sys_enter']);
		expect(matched(matchContext(event('syscalls:sys_exit_openat'), vmlinux))).toEqual(['syscall', 'trace_event_raw_sys_exit']);
	});

	it("matches an event's own struct by name when its members are the event's fields", () => {
		expect(matched(matchContext(event('raw_syscalls:sys_enter'), vmlinux))).toEqual(['event', 'trace_event_raw_sys_enter']);
		expect(matched(matchContext(event('sched:sched_switch'), vmlinux))).toEqual(['event', 'trace_event_raw_sched_switch']);
		// __data_loc char[] filename is the member u32 __data_loc_filename.
		expect(matched(matchContext(event('sched:sched_process_exec'), vmlinux))).toEqual(['event', 'trace_event_raw_sched_process_exec']);
	});

	it('matches a DEFINE_EVENT to its class struct by member names, offsets and sizes', () => {
		expect(matched(matchContext(event('sched:sched_wakeup'), vmlinux))).toEqual(['class', 'trace_event_raw_sched_wakeup_template']);
		expect(matched(matchContext(event('block:block_rq_issue'), vmlinux))).toEqual(['class', 'trace_event_raw_block_rq']);
	});

	it('breaks ties between structs of the same layout deterministically', () => {
		// Both structs hold a single `int ret` at 8; sched_kthread_stop_ret is another event's own struct.
		expect(matched(matchContext(event('net:netif_rx_exit'), vmlinux))).toEqual(['class', 'trace_event_raw_net_dev_rx_exit_template']);
		// dma_fence and dma_fence_unsignaled are both classes of the same layout: fewer extra words wins.
		expect(matched(matchContext(event('dma_fence:dma_fence_emit'), vmlinux))).toEqual(['class', 'trace_event_raw_dma_fence']);
		const reversed = { ...vmlinux, vmlinux: indexStructs('vmlinux', structs.slice().reverse()) };
		expect(matched(matchContext(event('dma_fence:dma_fence_emit'), reversed))).toEqual(['class', 'trace_event_raw_dma_fence']);
	});

	it("looks in a module's BTF first for the module's events", () => {
		const inModule = { ...struct('trace_event_raw_xfs_group_class'), btf: 'xfs' };
		const sources: ContextSources = { ...vmlinux, modules: new Map([['xfs', indexStructs('xfs', [inModule])]]) };
		const context = matchContext(event('xfs:xfs_group_get', 'xfs'), sources);
		expect(context).toMatchObject({ match: 'class', struct: { name: 'trace_event_raw_xfs_group_class', btf: 'xfs' } });
		// A built-in event of the same layout is still found in vmlinux.
		expect(matchContext(event('xfs:xfs_group_get'), vmlinux)).toMatchObject({ match: 'class', struct: { btf: 'vmlinux' } });
	});

	it('says why when nothing fits', () => {
		const noBtf = matchContext(event('sched:sched_switch'), { ...vmlinux, vmlinux: null });
		expect(matched(noBtf)[0]).toBe('none');
		expect(matched(noBtf)[1]).toMatch(/no BTF/);

		const without = indexStructs('vmlinux', structs.filter((s) => s.name !== 'trace_event_raw_sched_switch'));
		const [kind, note] = matched(matchContext(event('sched:sched_switch'), { ...vmlinux, vmlinux: without }));
		expect(kind).toBe('none');
		expect(note).toMatch(/^no trace_event_raw_\* struct in the vmlinux BTF has exactly this event's fields \(name@offset\+size: prev_comm@8\+16 /);

		const [, moduleNote] = matched(matchContext(event('xfs:xfs_group_get', 'xfs'), { ...vmlinux, vmlinux: indexStructs('vmlinux', []) }));
		expect(moduleNote).toMatch(/BTF of module xfs \(which has none\) or of vmlinux/);

		// A struct named after the event whose members differ is named in the note.
		const changed = structs.map((s) => (s.name === 'trace_event_raw_sched_switch' ? { ...s, members: s.members.filter((m) => m.name !== 'prev_prio') } : s));
		const [, changedNote] = matched(matchContext(event('sched:sched_switch'), { ...vmlinux, vmlinux: indexStructs('vmlinux', changed) }));
		expect(changedNote).toMatch(/^trace_event_raw_sched_switch exists but its members/);
	});
});
