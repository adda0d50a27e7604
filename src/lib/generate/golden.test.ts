/**
 * Golden files: the complete output for representative events and option sets, compared with the
 * committed copies in __golden__/. After an intended change: npx vitest run src/lib/generate -u, then
 * read the diff. The compile, verifier and run tests in tests/generate/ prove the output works.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../data/store.ts';
import { fixtureInput } from './fixtures/load.ts';
import { generateProject, type GeneratorOptions } from './index.ts';

/** The input for `keys` of a kernel in data/ (events the CI fixture does not carry). */
function dataInput(id: string, ...keys: string[]): ReturnType<typeof fixtureInput> {
	const snapshot = readSnapshot(join(import.meta.dirname, '../../../data'), id);
	const byKey = new Map(snapshot.events.map((e) => [`${e.category}:${e.name}`, e]));
	return { kernel: snapshot.provenance, events: keys.map((k) => byKey.get(k) as (typeof snapshot.events)[number]), lookup: (c, n) => byKey.get(`${c}:${n}`) };
}

const CASES: { name: string; input: ReturnType<typeof fixtureInput>; options: Partial<GeneratorOptions>; files?: string[] }[] = [
	{ name: 'connect-paired', input: fixtureInput('running-6.18-amd64', 'syscalls:sys_enter_connect'), options: { pairExit: true } },
	{ name: 'openat-portable-en', input: fixtureInput('running-6.18-amd64', 'syscalls:sys_enter_openat'), options: { context: 'portable', section: 'tracepoint', language: 'en' } },
	{ name: 'exec-printk', input: fixtureInput('running-6.18-amd64', 'sched:sched_process_exec'), options: { output: 'printk' } },
	{
		name: 'tcp-block-perfbuf',
		input: fixtureInput('running-6.18-amd64', 'tcp:tcp_retransmit_skb', 'block:block_rq_issue'),
		options: { output: 'perfbuf', filterPid: false, filterComm: false, programName: 'io_watch' },
		files: ['io_watch.bpf.c', 'io_watch.c', 'io_watch.h'],
	},
	{ name: 'execve-argv', input: fixtureInput('running-6.18-amd64', 'syscalls:sys_enter_execve'), options: {}, files: ['sys_enter_execve.bpf.c', 'sys_enter_execve.c'] },
	{ name: 'openat-7.2', input: fixtureInput('7.2-amd64', 'syscalls:sys_enter_openat'), options: { pairExit: true }, files: ['sys_enter_openat.bpf.c', 'sys_enter_openat.c', 'sys_enter_openat.h'] },
	// Output arguments: paired with the exit without being asked, read there through the saved pointers.
	{ name: 'accept4-outputs-6.12', input: dataInput('6.12-amd64', 'syscalls:sys_enter_accept4'), options: {} },
	{ name: 'write-buffer-6.12', input: dataInput('6.12-amd64', 'syscalls:sys_enter_write'), options: { language: 'en' }, files: ['sys_enter_write.bpf.c', 'sys_enter_write.c', 'sys_enter_write.h'] },
	{ name: 'read-portable-printk-6.12', input: dataInput('6.12-amd64', 'syscalls:sys_enter_read'), options: { context: 'portable', output: 'printk' }, files: ['sys_enter_read.bpf.c'] },
	{ name: 'mount-7.2-fallback', input: fixtureInput('7.2-amd64', 'syscalls:sys_enter_mount'), options: {}, files: ['sys_enter_mount.bpf.c', 'README.md'] },
];

describe('generated files match the golden copies', () => {
	for (const c of CASES) {
		const project = generateProject(c.input, c.options);
		const files = project.files.filter((f) => f.origin === 'generated' && (!c.files || c.files.includes(f.path)));
		it.each(files.map((f) => [f.path, f.content]))(`${c.name}/%s`, async (path, content) => {
			await expect(content).toMatchFileSnapshot(`./__golden__/${c.name}/${path}`);
		});
	}
});
