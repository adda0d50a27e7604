/**
 * A module's trace_event_raw_* struct is in that module's BTF, not in the vmlinux.h the companion
 * dumps from /sys/kernel/btf/vmlinux: the first vmlinux.h verification of 6.1 failed to compile
 * every module event ("incomplete definition of type 'struct trace_event_raw_9p_client_req'").
 * The generator now declares such an event's ctx from its format file and says why.
 */
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/data/store.ts';
import { generateProject, planProject } from '../../src/lib/generate/index.ts';

const snapshot = readSnapshot(new URL('../../data', import.meta.url).pathname, '6.1-amd64');
const input = (key: string) => ({ kernel: snapshot.provenance, events: snapshot.events.filter((e) => `${e.category}:${e.name}` === key) });

describe('the vmlinux.h context for module events (6.1-amd64)', () => {
	it('falls back to the format file for a struct that only the module BTF has', () => {
		const event = input('9p:9p_client_req').events[0]!;
		expect(event.origin).toEqual({ kind: 'module', module: '9pnet' });
		expect(event.context.match !== 'none' && event.context.struct.btf).toBe('9pnet');
		const plan = planProject(input('9p:9p_client_req'), { context: 'vmlinux' });
		expect(plan.events[0]!.ctx).toMatchObject({ kind: 'portable', fallback: 'struct trace_event_raw_9p_client_req is defined by module 9pnet, whose types vmlinux.h does not include' });
		expect(plan.usesVmlinux).toBe(false);
		const bpf = generateProject(input('9p:9p_client_req'), { context: 'vmlinux' }).files.find((f) => f.path.endsWith('.bpf.c'))!;
		expect(bpf.content).not.toContain('#include "vmlinux.h"');
	});

	it('keeps vmlinux.h for built-in events', () => {
		const plan = planProject(input('sched:sched_switch'), { context: 'vmlinux' });
		expect(plan.events[0]!.ctx).toMatchObject({ kind: 'vmlinux', struct: 'trace_event_raw_sched_switch' });
	});
});
