/**
 * `npm run capture`: captures one kernel's tracepoints into data/. Run with --help for usage.
 *
 * A source fills a raw capture directory (scripts/capture/raw.ts), which is then turned into a
 * validated snapshot and written through the data store. Nothing in data/ changes unless the whole
 * capture succeeded and validated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { listKernelIds, readSnapshot, writeSnapshot } from '../src/data/store.ts';
import type { KernelSource, Provenance, Snapshot } from '../src/schemas/snapshot.ts';
import { buildSnapshot, defaultSnapshotId, type SnapshotInfo } from './capture/build-snapshot.ts';
import { readRawCapture } from './capture/raw.ts';
import { archProfile } from './capture/debian/arch.ts';
import { captureRunningRaw } from './capture/running.ts';
import { fail as failWith, parseCommandLine } from './lib/cli.ts';

const HELP = `Usage:
  npm run capture -- --running [--id ID] [--data DIR] [--work DIR]
  npm run capture -- --debian SUITE [--arch ARCH] [--builtin-only] [--id ID] [--mirror URL]
                     [--data DIR] [--work DIR]

Captures every trace event of one kernel — available_events, each format file, the matching
struct trace_event_raw_* from BTF and, for module events, the module — and writes it as one
snapshot into the data directory (data/kernels/<id>.json plus the shared format and struct pools).

Sources (exactly one):
  --running        the kernel this machine runs. Needs root: tracefs (mounted if needed),
                   /sys/kernel/btf and /proc/kallsyms. A kernel without BTF is still captured,
                   with no context structs.
  --debian SUITE   the newest kernel image package of a Debian suite (bullseye, bookworm, trixie,
                   sid, …), downloaded with apt and booted under qemu with its trace-event modules
                   loaded. The mirror is read from the system's apt sources unless --mirror is
                   given.

Options:
  --id ID          snapshot id used in file names and URLs (lowercase letters, digits, . _ -).
                   Default: <major.minor>-<arch> of the captured kernel (e.g. 6.1-amd64),
                   running-<major.minor>-<arch> for --running (e.g. running-6.18-amd64).
  --arch ARCH      Debian architecture of the kernel to boot, amd64 or arm64 (default: amd64).
  --builtin-only   load no modules: capture only the kernel's built-in events (much faster).
  --mirror URL     Debian mirror to download the kernel package from (default: the one in the
                   system's apt sources). Downloads are cached in .cache/kernels.
  --data DIR       data directory to write into (default: data).
  --work DIR       scratch directory, kept afterwards; the raw capture is in DIR/raw
                   (default: a temporary directory, removed after a successful capture).
  --help           show this text.

On any failure nothing in the data directory changes and the command exits with status 1.`;

const fail: (message: string) => never = (message) => failWith('capture', message);

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(`[${elapsed().padStart(7)}] ${line}`);

const args = parseCommandLine('capture', HELP, {
	running: { type: 'boolean' },
	debian: { type: 'string' },
	id: { type: 'string' },
	mirror: { type: 'string' },
	data: { type: 'string', default: 'data' },
	arch: { type: 'string' },
	'builtin-only': { type: 'boolean' },
	work: { type: 'string' },
}).values;
if (Boolean(args.running) === (args.debian !== undefined)) fail(`give exactly one source, --running or --debian SUITE\n\n${HELP}`);
for (const debianOnly of ['arch', 'builtin-only', 'mirror'] as const) {
	if (args.running && args[debianOnly] !== undefined) fail(`--${debianOnly} only applies to --debian`);
}

const dataDir = resolve(args.data);
const workDir = args.work ? resolve(args.work) : mkdtempSync(join(tmpdir(), 'atlas-capture-'));
let rawDir = join(workDir, 'raw');
let snapshot: Snapshot;
try {
	let source: KernelSource;
	let method: Provenance['method'];
	if (args.running) {
		log('capturing the running kernel');
		captureRunningRaw(rawDir, log);
		source = { kind: 'running', procVersion: readRawCapture(rawDir).procVersion };
		method = 'running-kernel';
	} else {
		const suite = args.debian as string;
		log(`capturing the kernel of Debian ${suite} under qemu`);
		const { captureDebianRaw } = await import('./capture/debian/index.ts');
		const debian = await captureDebianRaw({
			suite,
			...(args.arch ? { arch: archProfile(args.arch).debian } : {}),
			...(args.mirror ? { mirror: args.mirror } : {}),
			builtinOnly: Boolean(args['builtin-only']),
			workDir,
			onProgress: (line) => console.log(`          ${line}`),
		});
		rawDir = debian.rawDir;
		source = debian.source;
		method = debian.method;
	}
	const raw = readRawCapture(rawDir);
	const info: SnapshotInfo = { id: args.id ?? defaultSnapshotId(raw, source.kind), source, method };
	log(`building snapshot ${info.id} from ${rawDir}`);
	snapshot = buildSnapshot(raw, info);
	// Writing merges into the shared pools: read every stored kernel first, so damaged data stops us before any file changes.
	for (const id of listKernelIds(dataDir)) readSnapshot(dataDir, id);
	writeSnapshot(dataDir, snapshot);
} catch (error) {
	fail(`${(error as Error).message}\n(work files kept in ${workDir}; nothing in ${dataDir} changed)`);
}
if (!args.work) rmSync(workDir, { recursive: true, force: true });

const count = (pick: (e: Snapshot['events'][number]) => string) => {
	const counts = new Map<string, number>();
	for (const e of snapshot.events) counts.set(pick(e), (counts.get(pick(e)) ?? 0) + 1);
	return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ');
};
const p = snapshot.provenance;
log(`wrote ${p.id} (${p.release} ${p.arch}) to ${dataDir}`);
console.log(`  events: ${snapshot.events.length} (${count((e) => (e.origin.kind === 'builtin' ? 'built-in' : 'from modules'))})`);
console.log(`  context structs: ${count((e) => e.context.match)}`);
console.log(`  BTF: ${p.btf ? 'yes' : 'no'}, syscall tracepoints: ${p.syscallTracepoints ? 'yes' : 'no'}, modules loaded: ${p.modulesLoaded.length}`);
console.log(`capture took ${elapsed()}`);
