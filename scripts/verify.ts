/**
 * `npm run verify`: loads what the generator makes for each captured kernel into that kernel's own
 * verifier, and writes the results to data/verify/<id>.json. Run with --help for usage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listKernelIds, readProvenance, readSnapshot } from '../src/data/store.ts';
import { writeVerifyResult } from '../src/data/verify.ts';
import { checksOf, VerifiedContextSchema, type VerifiedContext, type VerifyResult } from '../src/schemas/verify.ts';
import { unverifiableReason } from './verify/kernel.ts';
import { buildKernel, runKernel, type VerifyOptions } from './verify/run.ts';
import { secondsLine } from './verify/results.ts';
import { selectEvents, SelectionError } from './verify/select.ts';
import { callerPath, dataFolder, describeError, parseCommandLine, runCli, UsageError } from './lib/cli.ts';

const HELP = `Usage:
  npm run verify -- --kernel ID [--kernel ID…] [options]
  npm run verify -- --all [options]

Proves that what the generator writes loads in each captured kernel's own verifier. For each kernel:

  1. generates the program of every event of its snapshot with the default options, in both ctx
     styles (portable and vmlinux.h), plus the variants the site offers: paired with sys_exit
     (every paired syscall), a perf buffer (built-in events) and bpf_printk (every event);
  2. compiles them here with clang, many programs per call;
  3. boots that kernel's own Debian package under qemu, with the objects, a static loader and the
     snapshot's trace-event modules in its initramfs;
  4. loads and attaches every program through that kernel's verifier, and runs the headline
     programs (connect paired with its exit, openat, execve, sched_process_exec) end to end;
  5. writes the results to data/verify/<id>.json (npm run report:verify prints them).

Options:
  --kernel ID        a captured kernel (data/kernels/<id>.json); may be repeated
  --all              every captured kernel that came from a Debian package
  --context C        portable, vmlinux or both (default: both)
  --no-variants      verify the default options only
  --events LIST      only these events, loading only their modules: comma-separated category:name
                     patterns where * matches any run of characters (syscalls:sys_enter_connect,
                     sched:*, syscalls:*stat*). Prints each event's outcome per check, failures
                     with their log; writes nothing to data/verify (a part would replace the whole)
  --data DIR         data directory (default: the repository's data/)
  --work DIR         scratch directory, kept afterwards (default: a temporary one, removed)
  --mirror URL       Debian mirror (default: the one in the system's apt sources)
  --help             show this text

Relative paths are taken from the folder you run the command in. Prints per kernel: events,
passed, failed and the time of each phase. With several kernels, one kernel's programs compile
while the previous kernel's VM runs. Exits with status 1 when a kernel could not be verified
(nothing is written for it); failed programs are results, not errors.`;

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const usage = (message: string): never => {
	throw new UsageError(message);
};

async function main(): Promise<void> {
	const args = parseCommandLine('verify', HELP, {
		kernel: { type: 'string', multiple: true },
		all: { type: 'boolean' },
		context: { type: 'string', default: 'both' },
		'no-variants': { type: 'boolean' },
		events: { type: 'string' },
		data: { type: 'string' },
		work: { type: 'string' },
		mirror: { type: 'string' },
	}).values;
	const dataDir = dataFolder(args.data, join(REPO, 'data'));
	const known = listKernelIds(dataDir);
	if (Boolean(args.all) === Boolean(args.kernel?.length)) throw new UsageError('give --kernel ID or --all (see --help)');
	const requested = args.all ? known.filter((id) => readProvenance(dataDir, id).source.kind === 'debian') : args.kernel!;
	for (const id of requested) if (!known.includes(id)) throw new UsageError(`no snapshot for kernel "${id}" in ${dataDir}; captured kernels: ${known.join(', ') || 'none'}`);
	const unverifiable = new Map(requested.map((id) => [id, unverifiableReason(readProvenance(dataDir, id))]));
	const ids = requested.filter((id) => unverifiable.get(id) === null);
	for (const id of requested) {
		const reason = unverifiable.get(id);
		if (!reason) continue;
		if (!args.all) throw new UsageError(`cannot verify ${id}: ${reason}`);
		console.log(`skipping ${id}: ${reason}`);
	}
	if (ids.length === 0) throw new UsageError(`no captured Debian kernels in ${dataDir}; capture one with npm run capture -- --debian SUITE`);
	// A pattern that names no event of some kernel is refused now, not after that kernel's build.
	if (args.events !== undefined) for (const id of ids) selectEvents(args.events, readSnapshot(dataDir, id).events, id);
	const contexts: VerifiedContext[] = args.context === 'both' ? ['portable', 'vmlinux'] : [VerifiedContextSchema.safeParse(args.context).data ?? usage(`--context is "${args.context}"; use portable, vmlinux or both`)];

	const cacheDir = join(REPO, '.cache/kernels');
	const summaries: string[] = [];
	let broken = 0;
	const allStarted = performance.now();
	const optionsOf = (id: string, workDir: string): VerifyOptions => ({
		dataDir, workDir, cacheDir, contexts, variants: !args['no-variants'], events: args.events, mirror: args.mirror, onProgress: (line) => console.log(`  ${id} ${line}`),
	});
	/** Starts building a kernel's programs; settled at once, so a failure waits for its turn to be reported. */
	const startBuild = (id: string) => {
		const workDir = args.work ? join(callerPath(args.work), id) : mkdtempSync(join(tmpdir(), `atlas-verify-${id}-`));
		const options = optionsOf(id, workDir);
		console.log(`verify ${id}`);
		return { id, workDir, options, build: buildKernel(id, options).then((b) => ({ ok: true as const, b }), (error: unknown) => ({ ok: false as const, error })) };
	};
	// While one kernel's VM runs (one core), the next kernel's programs compile (clang takes both when it can).
	let next = ids.length ? startBuild(ids[0]!) : null;
	for (let i = 0; next; i++) {
		const { id, workDir, options, build } = next;
		const built = await build;
		next = i + 1 < ids.length ? startBuild(ids[i + 1]!) : null;
		let result: VerifyResult;
		try {
			if (!built.ok) throw built.error;
			result = await runKernel(built.b, options);
		} catch (error) {
			console.error(`verify: ${id}: ${describeError(error).replace(/\s*\n\s*/g, ' ')} (work files kept in ${workDir}; data/verify/${id}.json unchanged)`);
			broken++;
			continue;
		}
		if (!args.work) rmSync(workDir, { recursive: true, force: true });
		if (args.events !== undefined) for (const line of eventLines(result)) console.log(line);
		const lines = summarize(result);
		for (const line of lines) console.log(line);
		if (args.events === undefined) console.log(`  wrote ${writeVerifyResult(dataDir, result)}`);
		else console.log(`  ${result.events.length} selected events: data/verify/${id}.json left as it was`);
		summaries.push(...lines);
	}
	if (ids.length > 1) {
		console.log('\nall kernels:');
		for (const line of summaries) console.log(line);
		console.log(`${ids.length} kernels in ${((performance.now() - allStarted) / 1000).toFixed(0)} s (builds overlap the previous kernel's VM)`);
	}
	process.exit(broken ? 1 : 0);
}

await runCli('verify', main, [SelectionError]);

/** One line per selected event and check, each failure followed by its log, indented. */
function eventLines(r: VerifyResult): string[] {
	return r.events.flatMap((v) =>
		checksOf(r).flatMap((c) => {
			const o = v[c];
			if (o === undefined) return [];
			if (o === 'passed') return [`  ${v.event} ${c}: passed`];
			return [`  ${v.event} ${c}: FAILED at ${o.stage}: ${o.error}${o.explanation ? ` (${o.explanation})` : ''}`, ...o.log.split('\n').map((l) => `      ${l}`)];
		}),
	);
}

/** The per-kernel figures: per context and variant events, passed, failed (with how many are explained); time; the headline runs. */
function summarize(r: VerifyResult): string[] {
	const lines = checksOf(r).map((c) => {
		const n = r.counts[c]!;
		return `${r.kernel} (${r.release}) ${c}: ${n.events} events, ${n.passed} passed, ${n.failed} failed${n.failed ? ` (${n.explained} explained)` : ''}`;
	});
	lines.push(`${r.kernel}: ${secondsLine(r)}`);
	const headlines = r.headline.map((h) => `${h.event}${h.pairExit ? '+exit' : ''} (${h.context}) ${h.passed ? 'ok' : `FAILED: ${h.problem}`}`);
	return [...lines, `${r.kernel} headline: ${r.headline.filter((h) => h.passed).length} of ${r.headline.length} printed the right line${headlines.some((h) => h.includes('FAILED')) ? `\n  ${headlines.filter((h) => h.includes('FAILED')).join('\n  ')}` : ''}`];
}
