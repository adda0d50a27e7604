import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileOutcome, loadOutcome, parseLoadLines, trimLibbpfLog } from '../../scripts/verify/results.ts';
import { countOutcomes, type EventVerdict } from '../../src/schemas/verify.ts';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const lines = parseLoadLines(fixture('load-all-6.18.jsonl'));
const line = (object: string) => lines.find((l) => l.object === object)!;

describe('load-all results as outcomes', () => {
	it('keeps the verifier log up to the rejection, without libbpf chatter or the statistics', () => {
		const outcome = loadOutcome(line('rejected-load.bpf.o'));
		if (outcome === 'passed') throw new Error('the fixture is a rejected program');
		expect(outcome.stage).toBe('load');
		expect(outcome.error).toBe('Permission denied');
		const log = outcome.log.split('\n');
		expect(log.at(-1)).toBe("R0 invalid mem access 'map_value_or_null'");
		expect(log.some((l) => l.includes('call bpf_map_lookup_elem'))).toBe(true);
		expect(outcome.log).not.toMatch(/libbpf:|processed \d+ insns|END PROG LOAD LOG/);
	});

	it('keeps the log when load-all cut off its beginning', () => {
		const full = line('rejected-load.bpf.o').log!;
		const tail = full.slice(full.indexOf('BEGIN PROG LOAD LOG') + 40);
		expect(trimLibbpfLog(tail).split('\n').at(-1)).toBe("R0 invalid mem access 'map_value_or_null'");
		expect(trimLibbpfLog(tail)).not.toMatch(/libbpf:/);
	});

	it("keeps libbpf's own complaint for attach failures", () => {
		const refused = loadOutcome(line('rejected-attach.bpf.o'));
		const missing = loadOutcome(line('missing-event.bpf.o'));
		if (refused === 'passed' || missing === 'passed') throw new Error('the fixtures are failures');
		expect(refused).toMatchObject({ stage: 'attach', error: 'Permission denied' });
		expect(refused.log.split('\n').at(-1)).toBe("libbpf: prog 'handle': failed to attach to tracepoint 'syscalls/sys_enter_openat': Permission denied");
		expect(missing).toMatchObject({ stage: 'attach', error: 'No such file or directory' });
		expect(missing.log).toContain("failed to open '/sys/kernel/tracing/events/syscalls/sys_enter_no_such_call/id'");
		expect(missing.log).not.toContain('loading object from');
	});

	it('turns clang messages into the first error and the messages', () => {
		const outcome = compileOutcome(fixture('compile-error.stderr'));
		expect(outcome.stage).toBe('compile');
		expect(outcome.error).toBe("declaration of 'struct trace_event_raw_sched_switch' will not be visible outside of this function [-Werror,-Wvisibility]");
		expect(outcome.log).toContain("incomplete definition of type 'struct trace_event_raw_sched_switch'");
	});

	it('counts passed, failed and explained outcomes per context', () => {
		const failure = loadOutcome(line('missing-event.bpf.o'));
		if (failure === 'passed') throw new Error('the fixture is a failure');
		const verdicts: EventVerdict[] = [
			{ event: 'a:x', portable: 'passed', vmlinux: 'passed' },
			{ event: 'a:y', portable: failure, vmlinux: { ...failure, explanation: 'the kernel has no such event' } },
			{ event: 'a:z', portable: 'passed' },
		];
		expect(countOutcomes(verdicts, 'portable')).toEqual({ events: 3, passed: 2, failed: 1, explained: 0 });
		expect(countOutcomes(verdicts, 'vmlinux')).toEqual({ events: 2, passed: 1, failed: 1, explained: 1 });
	});
});
