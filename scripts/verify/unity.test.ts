import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/data/store.ts';
import { captureLiveSnapshot } from '../generate/live.ts';
import { bpfFlags, generateEach, REPO, vmlinuxPch } from '../../tests/generate/harness.ts';
import { compileUnits, writeUnits } from './build.ts';
import { definitions, unitySource } from './unity.ts';

const work = mkdtempSync(join(tmpdir(), 'atlas-unity-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// 7.2 has events of the same name in two categories (i915 and xe both have intel_pipe_enable).
const snapshot = readSnapshot(join(REPO, 'data'), '7.2-amd64');
const pick = (...keys: string[]) => keys.map((k) => snapshot.events.find((e) => `${e.category}:${e.name}` === k)!);
const events = pick('i915:intel_pipe_enable', 'xe:intel_pipe_enable', 'syscalls:sys_enter_openat');

describe('definitions', () => {
	const generated = [
		...generateEach(snapshot, { context: 'portable' }, events.slice(0, 2)).generated,
		...generateEach(snapshot, { context: 'portable', pairExit: true }, events.slice(2)).generated,
	];
	const files = (i: number) => generated[i]!.project.files.filter((f) => f.origin === 'generated' && /\.(h|bpf\.c)$/.test(f.path)).map((f) => f.content);

	it('finds what a generated program defines at file scope, and its BPF programs', () => {
		const openat = definitions(files(2));
		expect(openat.programs).toEqual(['handle_sys_enter_openat', 'handle_sys_exit_openat']);
		for (const name of ['LICENSE', 'target_tgid', 'target_comm', 'fill_header', 'events', 'record_header', 'record_kind', 'RECORD_SYS_ENTER_OPENAT', 'format_sys_enter_openat', 'handle_sys_exit_openat']) {
			expect(openat.names, name).toContain(name);
		}
		expect(openat.macros).toContain('SYS_ENTER_OPENAT_H');
		// Locals and fields are not file scope.
		expect(openat.names).not.toContain('zero');
		expect(openat.names).not.toContain('filename');
	});

	it('renames, per program, only the names another program of the unity file defines too', () => {
		const [i915, xe, openat] = [0, 1, 2].map((i) => ({ source: `/p/${i}.bpf.c`, defs: definitions(files(i)) }));
		const { texts, programs } = unitySource([i915!, xe!, openat!], 2);
		expect(texts).toHaveLength(2);
		const text = texts.join('');
		expect(programs).toEqual([['handle_intel_pipe_enable__0'], ['handle_intel_pipe_enable__1'], ['handle_sys_enter_openat', 'handle_sys_exit_openat']]);
		expect(text).toContain('#define LICENSE LICENSE__2\n');
		expect(text).not.toContain('#define handle_sys_enter_openat');
		expect(text).toContain('#include "/p/1.bpf.c"\n');
	});
});

describe('compileUnits', () => {
	it('compiles programs whose names clash, the same event name in two categories among them, into one object', async () => {
		const { generated } = generateEach(snapshot, { context: 'portable' }, events);
		const src = join(work, 'src');
		const built = await compileUnits(writeUnits(generated, src), { plain: bpfFlags(src), vmlinux: null }, src, join(work, 'obj'));
		expect(built.map((b) => b.failure)).toEqual([null, null, null]);
		expect(new Set(built.map((b) => b.object)).size).toBe(1);
		expect(built.map((b) => b.functions)).toEqual([['handle_intel_pipe_enable__0'], ['handle_intel_pipe_enable__1'], ['handle_sys_enter_openat']]);
	});

	it('lets a program keep a clashing name it also reads as a field of a vmlinux.h struct', async () => {
		// io_uring_poll_arm's record has a field `events`, the name of every program's ring buffer.
		const live = captureLiveSnapshot();
		const keys = ['syscalls:sys_enter_openat', 'io_uring:io_uring_poll_arm', 'sched:sched_switch'];
		const chosen = keys.map((k) => live.events.find((e) => `${e.category}:${e.name}` === k)!);
		const { generated } = generateEach(live, { context: 'vmlinux' }, chosen);
		const { includeDir, pch } = await vmlinuxPch(join(work, 'live-headers'));
		const src = join(work, 'live-src');
		const built = await compileUnits(writeUnits(generated, src), { plain: bpfFlags(src), vmlinux: [...bpfFlags(includeDir), '-include-pch', pch] }, src, join(work, 'live-obj'));
		expect(built.map((b) => b.failure)).toEqual([null, null, null]);
		expect(new Set(built.map((b) => b.object)).size).toBe(1);
	});

	it('links a batch into one object, or, when its files hold different numbers of programs, keeps an object per file', async () => {
		const compile = async (n: number, name: string) => {
			const { generated } = generateEach(snapshot, { context: 'portable' }, snapshot.events.slice(0, n));
			const src = join(work, name);
			return compileUnits(writeUnits(generated, src), { plain: bpfFlags(src), vmlinux: null }, src, join(work, `${name}-obj`));
		};
		// 100 programs: two files of 50, identical license sections, linked.
		const even = await compile(100, 'even');
		expect(even.filter((b) => b.failure)).toEqual([]);
		expect(new Set(even.map((b) => b.object)).size).toBe(1);
		// 60: files of 50 and 10, whose license sections the linker refuses to merge.
		const uneven = await compile(60, 'uneven');
		expect(uneven.filter((b) => b.failure)).toEqual([]);
		expect(new Set(uneven.map((b) => b.object)).size).toBe(2);
	});
});
