/**
 * `npm run capture`: captures one kernel's tracepoints into data/. Run with --help for usage.
 *
 * A source fills a raw capture directory (scripts/capture/raw.ts), which is then turned into a
 * validated snapshot and written through the data store. Nothing in data/ changes unless the whole
 * capture succeeded and validated.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listKernelIds, PartialWriteError, readSnapshot, recoverInterruptedWrite, writeSnapshot } from '../src/data/store.ts';
import { ProvenanceSchema, type KernelSource, type Provenance, type Snapshot } from '../src/schemas/snapshot.ts';
import { ARCHIVE_LIMITS, MAKE_AGAIN } from '../src/lib/capture/archive.ts';
import { duplicateProblem, snapshotFromArchive } from '../src/lib/capture/contributed.ts';
import { buildSnapshot, defaultSnapshotId, type SnapshotInfo } from '../src/lib/capture/build-snapshot.ts';
import { readRawCapture } from './capture/raw.ts';
import { checkMirror, checkSuite } from './capture/debian/apt.ts';
import { archProfile, type DebianArch } from './capture/debian/arch.ts';
import { captureRunningRaw } from './capture/running.ts';
import { callerPath, dataFolder, describeError, emptyDir, parseCommandLine, runCli, temporaryDir, UsageError } from './lib/cli.ts';

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
                   loaded. The mirror is read from the system's apt sources unless --mirror is
                   given.
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
  --data DIR       data directory to write into (default: the repository's data/).
  --work DIR       scratch directory, empty or new, kept afterwards; the raw capture is in
                   DIR/raw (default: a temporary directory, removed however the capture ends).
  --help           show this text.

Relative paths are taken from the folder you run the command in. The data directory changes as
one: on any failure, or if the capture is interrupted, nothing in it changes and the command exits
with status 1 (128 + the signal's number when stopped by a signal).`;

const REPO = join(import.meta.dirname, '..');

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(`[${elapsed().padStart(7)}] ${line}`);

/** Lets a pending SIGINT/SIGTERM end the process here (see temporaryDir), between steps rather than after the write. */
const checkpoint = () => new Promise<void>((done) => setImmediate(done));

async function main(): Promise<void> {
	const args = parseCommandLine('capture', HELP, {
		running: { type: 'boolean' },
		debian: { type: 'string' },
		id: { type: 'string' },
		mirror: { type: 'string' },
		data: { type: 'string' },
		arch: { type: 'string' },
		'builtin-only': { type: 'boolean' },
		work: { type: 'string' },
		archive: { type: 'string' },
		replace: { type: 'boolean' },
	}).values;
	if ([args.running, args.debian !== undefined, args.archive !== undefined].filter(Boolean).length !== 1) {
		throw new UsageError('give exactly one source, --running, --debian SUITE or --archive FILE (see --help)');
	}
	for (const debianOnly of ['arch', 'builtin-only', 'mirror'] as const) {
		if (args.debian === undefined && args[debianOnly] !== undefined) throw new UsageError(`--${debianOnly} only applies to --debian`);
	}
	if (args.archive !== undefined && args.work !== undefined) throw new UsageError('--work does not apply to --archive, which needs no scratch directory');
	if (args.archive === undefined && args.replace) throw new UsageError('--replace only applies to --archive');
	const checked = <T>(check: () => T): T => {
		try {
			return check();
		} catch (error) {
			throw new UsageError((error as Error).message);
		}
	};
	if (args.debian !== undefined) checked(() => checkSuite(args.debian as string));
	if (args.mirror !== undefined) checked(() => checkMirror(args.mirror as string));
	const arch = args.arch === undefined ? undefined : checked(() => archProfile(args.arch as string).debian);
	if (args.id !== undefined && (args.id.length > 64 || !ProvenanceSchema.shape.id.safeParse(args.id).success)) {
		throw new UsageError(`--id ${JSON.stringify(args.id)} is not a snapshot id; use up to 64 lowercase letters, digits, '.', '_' and '-', starting with a letter or digit`);
	}

	const dataDir = dataFolder(args.data, join(REPO, 'data'), { forWriting: true });
	recoverInterruptedWrite(dataDir);
	const archive = args.archive === undefined ? undefined : callerPath(args.archive);
	const workDir = archive !== undefined ? null : args.work ? emptyDir(callerPath(args.work), '--work') : temporaryDir('capture');
	let snapshot: Snapshot;
	try {
		snapshot = await captureInto(workDir, dataDir, { ...args, archive, arch });
	} catch (error) {
		if (error instanceof PartialWriteError) throw error;
		throw new UsageError(`${describeError(error)} (nothing in ${dataDir} changed${args.work ? `; work files kept in ${workDir}` : ''})`);
	}

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
}

/** What to capture: the command line's choices, checked. */
interface CaptureRequest {
	running?: boolean | undefined;
	debian?: string | undefined;
	id?: string | undefined;
	mirror?: string | undefined;
	arch?: DebianArch | undefined;
	'builtin-only'?: boolean | undefined;
	/** A reader's atlas-capture.sh archive, as an absolute path. */
	archive?: string | undefined;
	replace?: boolean | undefined;
}

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

/** Builds the snapshot from the source (filling the raw directory in `workDir` unless it is an archive) and writes it into `dataDir`. */
async function captureInto(workDir: string | null, dataDir: string, args: CaptureRequest): Promise<Snapshot> {
	const snapshot = args.archive !== undefined ? await snapshotOfArchive(args.archive, args.id) : await snapshotOfKernel(workDir as string, args);
	await checkpoint();
	// Writing merges into the shared pools: read every stored kernel first, so damaged data stops us before any file changes.
	const stored = listKernelIds(dataDir).map((id) => readSnapshot(dataDir, id).provenance);
	if (args.archive !== undefined) {
		const problem = duplicateProblem(stored, snapshot.provenance, Boolean(args.replace));
		if (problem) throw new Error(`${args.archive}: ${problem}`);
	}
	await checkpoint();
	writeSnapshot(dataDir, snapshot);
	return snapshot;
}

async function snapshotOfArchive(file: string, id: string | undefined): Promise<Snapshot> {
	log(`reading the capture archive ${file}`);
	return snapshotFromArchive(readArchiveFile(file), file, id ? { id } : {});
}

/** Captures the running kernel, or a Debian kernel under qemu, into workDir/raw and builds its snapshot. */
async function snapshotOfKernel(workDir: string, args: CaptureRequest): Promise<Snapshot> {
	let rawDir = join(workDir, 'raw');
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
			...(args.arch ? { arch: args.arch } : {}),
			...(args.mirror ? { mirror: args.mirror } : {}),
			builtinOnly: Boolean(args['builtin-only']),
			workDir,
			onProgress: (line) => console.log(`          ${line}`),
		});
		rawDir = debian.rawDir;
		source = debian.source;
		method = debian.method;
	}
	await checkpoint();
	const raw = readRawCapture(rawDir);
	const info: SnapshotInfo = { id: args.id ?? defaultSnapshotId(raw, source.kind), source, method };
	log(`building snapshot ${info.id} from ${rawDir}`);
	return buildSnapshot(raw, info);
}

await runCli('capture', main);
