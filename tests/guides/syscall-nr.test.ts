/**
 * read-format step 4, provoked on this kernel: `(int)ctx->id` is an 8-byte load at offset 8, so on a
 * syscall without arguments (getppid, sched_yield: a 12-byte record) attaching fails with EACCES; reading
 * the format's 4-byte `__syscall_nr` attaches. The guide shows these snippets and these outcomes. Also
 * section-names step 5's three ways to see connect through syscall tracepoints, attached.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SNIPPET_DIR } from '../../src/components/guide/snippets.ts';
import { SYSCALL_NR } from '../../src/components/guide/presets.ts';
import { buildLoadAll, loadAll, type LoadResult } from '../generate/harness.ts';
import { compileBpf, requireRoot, requireTool, vmlinuxDir, type Compiled } from './bpf-toolchain.ts';

let objects: Compiled[];
let results: LoadResult[];

beforeAll(async () => {
	requireRoot('the syscall-number test');
	requireTool('llvm-objdump', 'llvm');
	const dir = vmlinuxDir();
	objects = await compileBpf([SYSCALL_NR.wide, SYSCALL_NR.narrow, 'raw-syscall.bpf.c'].map((f) => resolve(SNIPPET_DIR, f)), dir);
	const loader = await buildLoadAll(mkdtempSync(join(tmpdir(), 'atlas-syscall-nr-')));
	results = await loadAll(loader, objects.map((o) => o.object), join(dir, 'load'), { attach: true }, 10, 1);
}, 300_000);

/** The loads from ctx (r1) that the compiled program makes, as llvm-objdump prints them. */
const ctxLoads = (object: string) => execFileSync('llvm-objdump', ['-d', object], { encoding: 'utf8' }).match(/\*\(u\d+ \*\)\(r1 \+ \d+\)/g) ?? [];

describe('read-format step 4: the syscall number', () => {
	it('(int)ctx->id compiles to an 8-byte load at offset 8; the __syscall_nr read to a 4-byte one', () => {
		expect(ctxLoads(objects[0]!.object)).toEqual(['*(u64 *)(r1 + 8)']);
		expect(new Set(ctxLoads(objects[1]!.object))).toEqual(new Set(['*(u32 *)(r1 + 8)']));
	});

	it(`attaching (int)ctx->id to getppid's 12-byte record fails with "${SYSCALL_NR.refused}"; the 4-byte read attaches to getppid and sched_yield`, () => {
		expect(results[0]).toMatchObject({ ok: false, stage: 'attach', error: SYSCALL_NR.refused });
		expect(results[1], results[1]?.log).toMatchObject({ ok: true });
	});

	it('section-names step 5: raw_tracepoint/sys_enter, tp/raw_syscalls/sys_enter (trace_event_raw_sys_enter) and tp/syscalls/sys_enter_connect all attach', () => {
		expect(results[2], results[2]?.log).toMatchObject({ ok: true });
	});
});
