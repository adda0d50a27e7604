/**
 * System test of verification on a kernel other than the CI machine's own: boot Debian's bookworm
 * kernel (6.1-amd64) under qemu with the programs of its built-in events, load and attach each through
 * that kernel's verifier, run the headline programs end to end, and compare with the committed
 * data/verify/6.1-amd64.json. Built-in events only, to keep CI quick; `npm run verify` does them all.
 *
 * Needs the network (Debian mirror from the apt sources), qemu, busybox-static, clang, bpftool and
 * the static libraries of libbpf-dev, libelf-dev and zlib1g-dev. Downloads are kept in
 * .cache/verify-test (not the capture's .cache/kernels: the capture test boots the same suite at the
 * same time, and two apt-get runs on one apt root would fight over its lock).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/data/store.ts';
import { readVerifyResult } from '../../src/data/verify.ts';
import { checksOf, type Outcome, type VerifyResult } from '../../src/schemas/verify.ts';
import { HEADLINES } from '../../scripts/verify/headline.ts';
import { secondsLine } from '../../scripts/verify/results.ts';
import { verifyKernel } from '../../scripts/verify/run.ts';
import { VARIANTS, variantEvents } from '../../scripts/verify/variants.ts';

const REPO = new URL('../..', import.meta.url).pathname;
const DATA = join(REPO, 'data');
const KERNEL_ID = '6.1-amd64';

let committed: VerifyResult;
let fresh: VerifyResult;
let work: string;

beforeAll(async () => {
	const stored = readVerifyResult(DATA, KERNEL_ID);
	if (!stored) throw new Error(`data/verify/${KERNEL_ID}.json is missing; run npm run verify -- --kernel ${KERNEL_ID}`);
	committed = stored;
	work = mkdtempSync(join(tmpdir(), 'atlas-verify-test-'));
	fresh = await verifyKernel(KERNEL_ID, {
		dataDir: DATA,
		workDir: work,
		cacheDir: join(REPO, '.cache/verify-test'),
		contexts: committed.contexts,
		builtinOnly: true,
		onProgress: (line) => console.log(line),
	});
	const counts = checksOf(fresh).map((c) => `${c}: ${fresh.counts[c]!.passed} passed, ${fresh.counts[c]!.failed} failed`).join('; ');
	console.log(`${KERNEL_ID} built-in events on ${fresh.release}: ${counts}; ${secondsLine(fresh)}`);
}, 40 * 60_000);

afterAll(() => {
	if (work) rmSync(work, { recursive: true, force: true });
});

describe(`the ${KERNEL_ID} kernel's own verifier`, () => {
	it('verified every built-in event of the snapshot', () => {
		const builtin = readSnapshot(DATA, KERNEL_ID).events.filter((e) => e.origin.kind === 'builtin');
		expect(fresh.events.map((v) => v.event)).toEqual(builtin.map((e) => `${e.category}:${e.name}`));
	});

	it('verified every variant on the events it covers', () => {
		expect(fresh.variants.map((v) => v.name)).toEqual(VARIANTS.map((v) => v.name));
		const builtin = { ...readSnapshot(DATA, KERNEL_ID) };
		builtin.events = builtin.events.filter((e) => e.origin.kind === 'builtin');
		for (const variant of VARIANTS) {
			const covered = variantEvents(variant, builtin).map((e) => `${e.category}:${e.name}`);
			expect(fresh.events.filter((v) => v[variant.name] !== undefined).map((v) => v.event), variant.name).toEqual(covered);
		}
	});

	it('passes exactly the built-in events the committed results pass, in each context and variant', () => {
		if (!fresh.package.sameAsSnapshot) {
			console.log(`the archive moved on: ${fresh.package.name} ${fresh.package.version} was booted, not the package ${KERNEL_ID} was captured from`);
		}
		const committedByEvent = new Map(committed.events.map((v) => [v.event, v]));
		const outcome = (o: Outcome | undefined) => (o === undefined ? 'not verified' : o === 'passed' ? 'passed' : `${o.stage}: ${o.error}`);
		for (const check of checksOf(fresh)) {
			const now = fresh.events.map((v) => `${v.event} ${outcome(v[check])}`);
			const then = fresh.events.map((v) => `${v.event} ${outcome(committedByEvent.get(v.event)?.[check])}`);
			expect(now, `${check} outcomes`).toEqual(then);
			const committedPassed = then.filter((line) => line.endsWith(' passed')).length;
			expect(fresh.counts[check]!.passed, `${check} pass count`).toBe(committedPassed);
		}
	});

	it('runs each headline program in the VM and it prints the line its trigger caused', () => {
		expect(fresh.headline).toHaveLength(HEADLINES.length * fresh.contexts.length);
		for (const run of fresh.headline) {
			expect(run.problem, `${run.event} (${run.context})`).toBeUndefined();
			expect(run.passed).toBe(true);
			expect(run.line).toContain(` ${run.expected.COMM} `);
		}
		const connect = fresh.headline.find((h) => h.event === 'syscalls:sys_enter_connect')!;
		expect(connect.line).toMatch(/ sys_enter_connect fd=\d+ uservaddr=127\.0\.0\.1:1 addrlen=16 ret=-ECONNREFUSED$/);
		expect(fresh.headline.filter((h) => h.passed)).toHaveLength(committed.headline.filter((h) => h.passed).length);
	});
});
