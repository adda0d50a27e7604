/**
 * Values printed by the names the kernel's print fmt gives them, end to end as root on this machine:
 * generated loaders built with make, run, the events triggered from here, the decoded names checked
 * against what happened (a sleeping task is S, loopback traffic raises NET_RX, a TCP connect passes
 * SYN_SENT to ESTABLISHED). And the generated print calls with 7.2's own tables, compiled and run on
 * values with bits and numbers no table names.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTracefs } from '../../scripts/lib/tracefs.ts';
import { readSnapshot } from '../../src/data/store.ts';
import { generateProject } from '../../src/lib/generate/index.ts';
import { endToEnd } from './e2e-harness.ts';
import { parse as parseLines, startTracing, traceWhile } from './tracing.ts';
import { COMPANION, REPO, run } from './harness.ts';

const { work, build } = endToEnd('atlas-decode-');
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `command` to completion. */
const runToEnd = (command: string, args: string[]) => new Promise<void>((resolve) => spawn(command, args, { stdio: 'ignore' }).on('exit', () => resolve()));

describe('decoded values, on this kernel', () => {
	it('sched:sched_switch: a task that sleeps leaves the CPU as prev_state=S; --no-decode prints the number', { timeout: 180_000 }, async () => {
		const trigger = async () => {
			for (let i = 0; i < 5; i++) await runToEnd('sleep', ['0.05']);
		};
		const decoded = parseLines(await traceWhile(await build(['sched:sched_switch'], { programName: 'switch_named' }), ['-c', 'sleep'], trigger)).filter((l) => l.fields.prev_comm === '"sleep"');
		expect(decoded.length, 'sched_switch lines of sleep').toBeGreaterThan(0);
		// sleep blocks in nanosleep: interruptible sleep, TASK_INTERRUPTIBLE (0x1), which the table names S.
		expect(decoded.map((l) => l.fields.prev_state)).toContain('S');
		// A task preempted inside the kernel (a busy machine) carries the print fmt's "+".
		for (const l of decoded) expect(l.fields.prev_state).toMatch(/^(?:[SDTtXZPI](?:\|[SDTtXZPI])*|R)\+?$/);

		const plain = parseLines(await traceWhile(await build(['sched:sched_switch'], { programName: 'switch_plain', decode: false }), ['-c', 'sleep'], trigger)).filter((l) => l.fields.prev_comm === '"sleep"');
		expect(plain.map((l) => l.fields.prev_state)).toContain('1');
	});

	it("sched:sched_switch: prev_state exactly as the kernel's own trace prints it, the print fmt's + for a preempted task included", { timeout: 180_000 }, async () => {
		const program = await build(['sched:sched_switch'], { programName: 'switch_as_kernel' });
		// On one CPU, a shell loop and a dd reading /dev/zero: a task is preempted (prev_state R+, the print fmt's own "+"
		// argument) where the kernel offers to reschedule inside a system call (read_zero's cond_resched), and switched out
		// as R on its way back to user space. Copies named atlas_spin let the trace and the loader pick their switches.
		const spin = (tool: string, dir: string) => {
			mkdirSync(join(work, dir), { recursive: true });
			copyFileSync(tool, join(work, dir, 'atlas_spin'));
			return join(work, dir, 'atlas_spin');
		};
		const commands = [
			[spin('/usr/bin/dash', 'loop'), '-c', 'while :; do :; done'],
			[spin('/usr/bin/dd', 'zero'), 'if=/dev/zero', 'of=/dev/null', 'bs=16M'],
		];
		const instance = join(ensureTracefs(), 'instances', `atlas-decode-${process.pid}`);
		mkdirSync(instance);
		try {
			writeFileSync(join(instance, 'events/sched/sched_switch/filter'), 'prev_comm == "atlas_spin"');
			const tracing = await startTracing(program, ['-c', 'atlas_spin']);
			writeFileSync(join(instance, 'events/sched/sched_switch/enable'), '1');
			const spinners = commands.map((command) => spawn('taskset', ['-c', '0', ...command], { stdio: 'ignore' }));
			await pause(600);
			await Promise.all(spinners.map((c) => new Promise<void>((resolve) => (c.kill('SIGKILL'), c.on('exit', () => resolve())))));
			await pause(200);
			writeFileSync(join(instance, 'events/sched/sched_switch/enable'), '0');
			const lines = await tracing.stop();
			const kernelTrace = readFileSync(join(instance, 'trace'), 'utf8');
			for (const { pid } of spinners) {
				// The kernel's line: `prev_comm=atlas_spin prev_pid=123 prev_prio=120 prev_state=R+ ==> next_comm=…`.
				const byKernel = [...kernelTrace.matchAll(new RegExp(`prev_pid=${pid} prev_prio=\\d+ prev_state=(\\S+) ==>`, 'g'))].map((m) => m[1]);
				const byLoader = parseLines(lines).filter((l) => l.event === 'sched_switch' && l.fields.prev_pid === String(pid)).map((l) => l.fields.prev_state);
				expect(byKernel.length, `sched_switch lines of atlas_spin ${pid} in the kernel's trace`).toBeGreaterThan(1);
				expect(byLoader).toEqual(byKernel);
			}
			const states = kernelTrace.match(/prev_state=\S+/g) ?? [];
			expect(states).toContain('prev_state=R+');
			expect(states).toContain('prev_state=R');
		} finally {
			for (let i = 0; i < 50 && existsSync(instance); i++) {
				try {
					rmdirSync(instance);
				} catch {
					await pause(100);
				}
			}
		}
	});

	it('irq:softirq_entry: loopback traffic runs NET_RX; every vec is a name of the table', { timeout: 180_000 }, async () => {
		const program = await build(['irq:softirq_entry']);
		const server = createServer((socket) => socket.pipe(socket));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const port = (server.address() as { port: number }).port;
		const lines = await traceWhile(program, [], async () => {
			for (let i = 0; i < 20; i++) {
				const socket = connect(port, '127.0.0.1');
				await new Promise<void>((resolve) => socket.on('connect', () => socket.end('ping', resolve)));
			}
			await pause(200);
		});
		server.close();
		const vecs = parseLines(lines).filter((l) => l.event === 'softirq_entry').map((l) => l.fields.vec);
		expect(vecs).toContain('NET_RX');
		expect(new Set(vecs).size).toBeGreaterThan(0);
		for (const v of vecs) expect(['HI', 'TIMER', 'NET_TX', 'NET_RX', 'BLOCK', 'IRQ_POLL', 'TASKLET', 'SCHED', 'HRTIMER', 'RCU']).toContain(v);
	});

	it('sock:inet_sock_set_state: a TCP connect goes CLOSE → SYN_SENT → ESTABLISHED, family AF_INET, protocol IPPROTO_TCP', { timeout: 180_000 }, async () => {
		const program = await build(['sock:inet_sock_set_state']);
		const server = createServer((socket) => socket.end());
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const port = (server.address() as { port: number }).port;
		const lines = await traceWhile(program, [], async () => {
			const socket = connect(port, '127.0.0.1');
			await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
			socket.destroy();
			await pause(200);
		});
		server.close();
		const mine = parseLines(lines).filter((l) => l.fields.dport === String(port));
		expect(mine.map((l) => `${l.fields.oldstate}>${l.fields.newstate}`)).toEqual(expect.arrayContaining(['TCP_CLOSE>TCP_SYN_SENT', 'TCP_SYN_SENT>TCP_ESTABLISHED']));
		for (const l of mine) expect([l.fields.family, l.fields.protocol]).toEqual(['AF_INET', 'IPPROTO_TCP']);
	});
});

describe("the generated print calls with 7.2's own tables, compiled and run", () => {
	it('print names, keep unknown bits and values visible, and show the whole value', { timeout: 120_000 }, async () => {
		const snapshot = readSnapshot(join(REPO, 'data'), '7.2-amd64');
		const byKey = new Map(snapshot.events.map((e) => [`${e.category}:${e.name}`, e]));
		const events = ['syscalls:sys_enter_openat', 'skb:kfree_skb', 'sched:sched_switch'].map((k) => byKey.get(k)!);
		const project = generateProject({ kernel: snapshot.provenance, events, lookup: (c, n) => byKey.get(`${c}:${n}`) }, { programName: 'decode_check' });
		const file = (path: string) => project.files.find((f) => f.path === path)!.content;
		// The loader's own calls, with the record member replaced by test values.
		const call = (field: string) => {
			const line = file('decode_check.c').split('\n').find((l) => l.includes(`("${field}", (unsigned long long)r->`));
			if (!line) throw new Error(`no decoded print of ${field} in the loader`);
			return (value: string) => `${line.trim().replace(/\(unsigned long long\)r->\w+/, value)} putchar('\\n');`;
		};
		const [flags, reason, state] = [call('flags'), call('reason'), call('prev_state')];
		const dir = join(work, 'decode_check');
		cpSync(COMPANION, dir, { recursive: true });
		writeFileSync(join(dir, 'decode_check.h'), file('decode_check.h'));
		const main = [
			'#include <linux/types.h>',
			'#include "tp_helpers.h"',
			'#include "decode_check.h"',
			'int main(void)',
			'{',
			...['0x41ULL', '0x80001ULL', '0ULL', '0x80000ULL', '0x100001ULL'].map((v) => `\t${flags(v)}`),
			...['3ULL', '1234ULL'].map((v) => `\t${reason(v)}`),
			...['0ULL', '0x1ULL', '0x102ULL', '0x100ULL'].map((v) => `\t${state(v)}`),
			'\treturn 0;',
			'}',
		].join('\n');
		writeFileSync(join(dir, 'main.c'), main);
		const cc = await run('cc', ['-Wall', '-Werror', '-o', join(dir, 'check'), join(dir, 'main.c')]);
		expect(cc.stderr).toBe('');
		const out = await run(join(dir, 'check'), []);
		expect(out.stdout.split('\n').slice(0, 11)).toEqual([
			' flags=O_WRONLY|O_CREAT (0x41)',
			' flags=O_WRONLY|O_CLOEXEC (0x80001)',
			' flags=O_RDONLY (0x0)',
			// The print fmt's own `O_RDONLY|` argument: access mode 0 with other bits set.
			' flags=O_RDONLY|O_CLOEXEC (0x80000)',
			// __O_SYNC's bit has no entry of its own in the table: it stays visible.
			' flags=O_WRONLY|0x100000 (0x100001)',
			' reason=NO_SOCKET (3)',
			' reason=1234',
			' prev_state=R (0x0)',
			' prev_state=S (0x1)',
			// 0x100 (TASK_REPORT_MAX, a preempted task) is outside the mask: the names come from the low bits, the print fmt's own "+" marks it.
			' prev_state=D+ (0x102)',
			' prev_state=R+ (0x100)',
		]);
	});
});

/**
 * Where this kernel's print fmt has no table (its openat prints flags in hex), the reference is the
 * captured kernel's own format file read by libtraceevent, the library perf and trace-cmd print
 * records with as ftrace does (tests/generate/traceevent-print.c): a record of that event holding the
 * value, printed by it, against the generated loader's print call for the same value.
 */
describe("captured kernels' print fmt: the loader prints what libtraceevent prints for the same record", () => {
	// [kernel, event, field, text before the field's value in the event's line, text after it, values]
	const cases = [
		// Access mode 0 with other bits: the print fmt's separate "O_RDONLY|" argument; unknown bits; O_RDWR.
		['7.2-amd64', 'syscalls:sys_enter_openat', 'flags', 'flags: ', ', mode: ', ['0', '41', '80000', '80001', '80002', '88000', '100001', '100000', '3']],
		// Masked flags, R for 0, and the "+" argument for TASK_REPORT_MAX (a preempted task).
		['7.2-amd64', 'sched:sched_switch', 'prev_state', 'prev_state=', ' ==> ', ['0', '1', '2', '102', '100', '81', 'ff', '1ff']],
		['5.10-amd64', 'sched:sched_switch', 'prev_state', 'prev_state=', ' ==> ', ['0', '1', '2', '102', '100', '81', '7f', 'ff']],
	] as const;

	it.each(cases)('%s %s %s', { timeout: 120_000 }, async (kernel, key, field, before, after, values) => {
		const snapshot = readSnapshot(join(REPO, 'data'), kernel);
		const byKey = new Map(snapshot.events.map((e) => [`${e.category}:${e.name}`, e]));
		const event = byKey.get(key)!;
		const dir = join(work, `reference_${kernel}_${event.name}`.replace(/\W/g, '_'));
		cpSync(COMPANION, dir, { recursive: true });
		writeFileSync(join(dir, 'format'), event.formatText);
		const pkg = await run('pkg-config', ['--cflags', '--libs', 'libtraceevent']);
		if (pkg.status !== 0) throw new Error('libtraceevent is missing: apt-get install libtraceevent-dev (npm test installs it)');
		const built = await run('cc', ['-Wall', '-Werror', '-O1', '-o', join(dir, 'reference'), join(REPO, 'tests/generate/traceevent-print.c'), ...pkg.stdout.trim().split(/\s+/)]);
		expect(built.stderr).toBe('');
		const reference = await run(join(dir, 'reference'), ['format', event.category, field, ...values], { cwd: dir });
		expect(reference.stderr).toBe('');
		const byKernel = reference.stdout.trimEnd().split('\n').map((line) => {
			const start = line.indexOf(before) + before.length;
			return line.slice(start, line.indexOf(after, start));
		});
		expect(byKernel).toHaveLength(values.length);

		const project = generateProject({ kernel: snapshot.provenance, events: [event], lookup: (c, n) => byKey.get(`${c}:${n}`) }, { programName: 'decode_reference' });
		const file = (path: string) => project.files.find((f) => f.path === path)!.content;
		const line = file('decode_reference.c').split('\n').find((l) => l.includes(`("${field}", (unsigned long long)r->`));
		if (!line) throw new Error(`no decoded print of ${field} in the loader`);
		writeFileSync(join(dir, 'decode_reference.h'), file('decode_reference.h'));
		const calls = values.map((v) => `\t${line.trim().replace(/\(unsigned long long\)r->\w+/, `0x${v}ULL`)} putchar('\\n');`);
		writeFileSync(join(dir, 'main.c'), ['#include <linux/types.h>', '#include "tp_helpers.h"', '#include "decode_reference.h"', 'int main(void)', '{', ...calls, '\treturn 0;', '}'].join('\n'));
		const cc = await run('cc', ['-Wall', '-Werror', '-o', join(dir, 'check'), join(dir, 'main.c')]);
		expect(cc.stderr).toBe('');
		const out = await run(join(dir, 'check'), []);
		// ` flags=O_RDONLY|O_CLOEXEC (0x80000)`: the decoded text, then the whole value in brackets.
		const byLoader = out.stdout.trimEnd().split('\n').map((l) => l.replace(new RegExp(`^ ${field}=`), '').replace(/ \(0x[0-9a-f]+\)$/, ''));
		expect(byLoader).toEqual(byKernel);
		expect(out.stdout.trimEnd().split('\n').map((l) => /\((0x[0-9a-f]+)\)$/.exec(l)?.[1])).toEqual(values.map((v) => `0x${v}`));
	});
});
