/**
 * `npm run capture`: captures one kernel's tracepoints into data/. Run with --help for usage.
 *
 * A source fills a raw capture directory (scripts/capture/raw.ts), which is then turned into a
 * validated snapshot and written through the data store. Nothing in data/ changes unless the whole
 * capture succeeded and validated.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { listKernelIds, readSnapshot, writeSnapshot } from '../src/data/store.ts';
import { ARCHIVE_LIMITS, MAKE_AGAIN } from '../src/lib/capture/archive.ts';
import { duplicateProblem, snapshotFromArchive } from '../src/lib/capture/contributed.ts';
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
  npm run capture -- --archive FILE [--id ID] [--replace] [--data DIR]

Captures every trace event of one kernel — available_events, each format file, the matching
struct trace_event_raw_* from BTF and, for module events, the module — and writes it as one
snapshot into the data directory (data/kernels/<id>.json plus the shared format and struct pools).

Sources (exactly one):
  --running        the kernel this machine runs. Needs root: tracefs (mounted if needed),
                   /sys/kernel/btf and /proc/kallsyms. A kernel without BTF is still captured,
                   with no context structs.
  --debian SUITE   the newest kernel image package of a Debian suite (bullseye, bookworm, trixie,
                   sid, …), downloaded with apt and booted under qemu with its trace-event modules
                   loaded. The mirror is read from the system's apt sources unless --mirror is given.
  --archive FILE   an archive a reader made on their machine with atlas-capture.sh (served at the
                   site's root; see docs/capture.md): atlas-<uname -r>.tar.gz. Its provenance is
                   "contributed", with the distribution from its os-release. A kernel already
                   stored, under any id, is refused.

Options:
  --id ID          snapshot id used in file names and URLs (lowercase letters, digits, . _ -).
                   Default: <major.minor>-<arch> of the captured kernel (e.g. 6.1-amd64),
                   running-<major.minor>-<arch> for --running (e.g. running-6.18-amd64),
                   <os-release ID>-<major.minor>-<arch> for --archive (e.g. ubuntu-6.8-amd64).
  --replace        with --archive: replace the snapshot stored under the same id.
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
	archive: { type: 'string' },
	replace: { type: 'boolean' },
}).values;
if ([args.running, args.debian !== undefined, args.archive !== undefined].filter(Boolean).length !== 1) {
	fail(`give exactly one source, --running, --debian SUITE or --archive FILE\n\n${HELP}`);
}
for (const debianOnly of ['arch', 'builtin-only', 'mirror'] as const) {
	if (args.debian === undefined && args[debianOnly] !== undefined) fail(`--${debianOnly} only applies to --debian`);
}
if (args.archive !== undefined && args.work !== undefined) fail('--work does not apply to --archive, which needs no scratch directory');
if (args.archive === undefined && args.replace) fail('--replace only applies to --archive');

/** A reader's archive, read whole after its size is checked (nothing is unpacked to disk). */
function readArchiveFile(file: string): Uint8Array {
	let size: number;
	try {
		const stat = statSync(file);
		if (!stat.isFile()) throw new Error('it is not a file');
		size = stat.size;
	} catch (error) {
		throw new Error(`${file}: cannot read it (${(error as Error).message}); give the path of the atlas-<uname -r>.tar.gz that atlas-capture.sh wrote`);
	}
	if (size > ARCHIVE_LIMITS.compressedBytes) {
		throw new Error(`${file}: is ${(size / 1024 / 1024).toFixed(1)} MB; a capture archive is a few MB (at most ${ARCHIVE_LIMITS.compressedBytes / 1024 / 1024} MB), so this is not one — ${MAKE_AGAIN}`);
	}
	return readFileSync(file);
}

const dataDir = resolve(args.data);
const workDir = args.archive !== undefined ? null : args.work ? resolve(args.work) : mkdtempSync(join(tmpdir(), 'atlas-capture-'));
let snapshot: Snapshot;
try {
	if (args.archive !== undefined) {
		log(`reading the capture archive ${args.archive}`);
		snapshot = snapshotFromArchive(readArchiveFile(args.archive), args.archive, args.id ? { id: args.id } : {});
	} else {
		let source: KernelSource;
		let method: Provenance['method'];
		let rawDir = join(workDir as string, 'raw');
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
				workDir: workDir as string,
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
	}
	// Writing merges into the shared pools: read every stored kernel first, so damaged data stops us before any file changes.
	const stored = listKernelIds(dataDir).map((id) => readSnapshot(dataDir, id).provenance);
	if (args.archive !== undefined) {
		const problem = duplicateProblem(stored, snapshot.provenance, Boolean(args.replace));
		if (problem) throw new Error(`${args.archive}: ${problem}`);
	}
	writeSnapshot(dataDir, snapshot);
} catch (error) {
	fail(`${(error as Error).message}\n(${workDir ? `work files kept in ${workDir}; ` : ''}nothing in ${dataDir} changed)`);
}
if (workDir && !args.work) rmSync(workDir, { recursive: true, force: true });

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
