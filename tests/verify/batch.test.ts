/**
 * Verification's batch path, on this machine's kernel: a batch of real generated programs (events of
 * the running kernel, portable context) with two planted failures — one program that does not
 * compile, one the verifier rejects — goes through compileUnits (hundreds of programs per clang
 * call, split in halves when clang refuses) and load-all --per-program (one verdict per program,
 * though libbpf loads an object all or nothing), exactly as `npm run verify` runs them in its VM.
 * Exactly the two planted events must fail, each with the tool's own words; every other one must
 * load and attach, the rejected program's object-mates included.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/schemas/verify.ts';
import { captureLiveSnapshot } from '../../scripts/generate/live.ts';
import { compileUnits, writeUnits, type BuiltProgram, type Unit } from '../../scripts/verify/build.ts';
import { indexLoadLines, parseLoadLines, programOutcome } from '../../scripts/verify/results.ts';
import { bpfFlags, buildLoadAll, generateEach, requireTools, run } from '../generate/harness.ts';

const work = mkdtempSync(join(tmpdir(), 'atlas-verify-planted-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Events of the batch; the planted ones sit in different halves, so bisecting separates them. */
const SIZE = 60;
const NOT_COMPILING = 7;
const REJECTED = 45;

let units: Unit[];
let built: BuiltProgram[];
let outcomes: Map<string, Outcome>;

/** Adds `line` as the first statement of the program's tracepoint handler. */
function plant(unit: Unit, line: string): void {
	const text = readFileSync(unit.source, 'utf8');
	const handler = /(SEC\("tp\/[^"]+"\)\n[^\n]*\n\{\n)/.exec(text);
	if (!handler) throw new Error(`no tracepoint handler in ${unit.source}`);
	const planted = text.replace(handler[1]!, `${handler[1]}\t${line}\n`);
	writeFileSync(unit.source, planted);
}

beforeAll(async () => {
	requireTools();
	const live = captureLiveSnapshot();
	// One event of each category, so the batch crosses many subsystems' records.
	const events = live.events.filter((e, i, all) => all[i - 1]?.category !== e.category).slice(0, SIZE);
	expect(events.length).toBe(SIZE);
	const { generated, refused } = generateEach(live, { context: 'portable' }, events);
	expect(refused).toEqual([]);
	units = writeUnits(generated, join(work, 'src'));
	// A type error clang reports, and a read at 8 KiB into ctx, past the largest record a tracepoint hands a program (PERF_MAX_TRACE_SIZE), which the verifier refuses.
	plant(units[NOT_COMPILING]!, 'int planted = "a string";');
	plant(units[REJECTED]!, 'if (*(volatile __u64 *)((char *)ctx + 8192)) return 1;');
	built = await compileUnits(units, { plain: bpfFlags(join(work, 'src')), vmlinux: null }, join(work, 'src'), join(work, 'obj'));

	const loader = await buildLoadAll(join(work, 'tools'));
	const objects = [...new Set(built.flatMap((b) => (b.object ? [b.object] : [])))];
	const r = await run(loader, ['--per-program', ...objects]);
	const lines = indexLoadLines(parseLoadLines(r.stdout));
	outcomes = new Map(built.map((b) => [b.key, b.failure ?? programOutcome(b.object!, b.functions, lines, r.stderr)]));
}, 10 * 60_000);

describe('a batch with a program that does not compile and one the verifier rejects', () => {
	it('compiles the programs many to an object', () => {
		const objects = new Set(built.map((b) => b.object).filter(Boolean));
		// 60 programs: the first split leaves the rejected program's half whole; bisecting the other half costs a few more.
		expect(objects.size).toBeLessThanOrEqual(8);
		const rejectedObject = built[REJECTED]!.object;
		expect(built.filter((b) => b.object === rejectedObject).length).toBe(SIZE / 2);
	});

	it('reports the program that does not compile with clang\'s message about its own file', () => {
		const failure = outcomes.get(units[NOT_COMPILING]!.key);
		expect(failure).toMatchObject({ stage: 'compile' });
		if (failure === 'passed' || !failure) throw new Error('expected a failure');
		expect(failure.error).toMatch(/incompatible pointer to integer conversion/);
		expect(failure.log).toContain(`${NOT_COMPILING}.bpf.c:`);
		// Not the unity file the batch was compiled as (batch-000…); not merely any path with 'batch-' in it.
		expect(failure.log).not.toMatch(/\bbatch-\d{3}\b/);
	});

	it('reports the program the verifier rejects with the verifier\'s log', () => {
		const failure = outcomes.get(units[REJECTED]!.key);
		if (failure === 'passed' || !failure) throw new Error(`expected a failure, got ${JSON.stringify(failure)}`);
		expect(failure.stage).toBe('load');
		expect(failure.error).toBe('Permission denied');
		expect(failure.log).toMatch(/invalid bpf_context access off=8192 size=8/);
	});

	it('loads and attaches every other program', () => {
		const others = [...outcomes].filter(([key]) => key !== units[NOT_COMPILING]!.key && key !== units[REJECTED]!.key);
		expect(others).toHaveLength(SIZE - 2);
		expect(others.filter(([, o]) => o !== 'passed')).toEqual([]);
	});
});
