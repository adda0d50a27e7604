/**
 * A raw capture (raw.ts) → a validated Snapshot: formats parsed, origins tagged, context structs
 * matched. Pure (no Node APIs), so a browser worker can run it on a reader's archive.
 */
import { contextStructs } from '../btf/context-structs.ts';
import { parseBtf } from '../btf/read.ts';
import { indexStructs, matchContext, type StructIndex } from '../context/match.ts';
import { parseFormat } from '../format/parse.ts';
import { compareEvents, describeIssues, SnapshotSchema, type Event, type KernelSource, type Provenance, type Snapshot } from '../../schemas/snapshot.ts';
import { debianArchOf } from './arch-names.ts';
import { formatPath, RAW_FILES, type RawCapture } from './raw.ts';

/** What the raw directory does not say: chosen by the caller. */
export interface SnapshotInfo {
	id: string;
	source: KernelSource;
	method: Provenance['method'];
	/** `YYYY-MM-DD`; today (UTC) when omitted. */
	capturedOn?: string;
}

/**
 * The default snapshot id: `<major.minor>-<arch>` (e.g. `6.1-amd64`, Debian's arch name when there
 * is one), prefixed `running-` for the running kernel, which is not a Debian package.
 */
export function defaultSnapshotId(raw: Pick<RawCapture, 'release' | 'arch'>, source: KernelSource['kind']): string {
	const version = /^(\d+\.\d+)/.exec(raw.release)?.[1];
	if (!version) throw new Error(`cannot read a major.minor version from the kernel release "${raw.release}"; pass --id`);
	const arch = debianArchOf(raw.arch) ?? raw.arch.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
	return `${source === 'running' ? 'running-' : ''}${version}-${arch}`;
}

/** Builds and validates the snapshot; throws naming the raw file at fault. */
export function buildSnapshot(raw: RawCapture, info: SnapshotInfo): Snapshot {
	let vmlinux: StructIndex | null = null;
	const modules = new Map<string, StructIndex>();
	if (raw.btf) {
		const base = parseBtf(raw.btf.vmlinux, `${raw.dir}/${RAW_FILES.btf}/vmlinux`);
		vmlinux = indexStructs('vmlinux', contextStructs(base, 'vmlinux'));
		for (const [module, bytes] of raw.btf.modules) {
			const split = parseBtf(bytes, `${raw.dir}/${RAW_FILES.btf}/${module}`, base);
			modules.set(module, indexStructs(module, contextStructs(split, module)));
		}
	}
	const eventNames = new Set(raw.events.map((e) => e.name));
	const events: Event[] = raw.events.map((e) => {
		const format = parseFormat(e.format, formatPath(raw.dir, e.category, e.name));
		const module = raw.eventOrigins.get(`${e.category}:${e.name}`) ?? null;
		return {
			category: e.category,
			name: e.name,
			origin: module === null ? { kind: 'builtin' } : { kind: 'module', module },
			formatText: e.format,
			format,
			context: matchContext({ category: e.category, name: e.name, module, format }, { vmlinux, modules, eventNames }),
		};
	});
	events.sort(compareEvents);

	const snapshot = {
		provenance: {
			id: info.id,
			release: raw.release,
			arch: raw.arch,
			source: info.source,
			capturedOn: info.capturedOn ?? new Date().toISOString().slice(0, 10),
			method: info.method,
			btf: raw.btf !== null,
			syscallTracepoints: events.some((e) => e.category === 'syscalls'),
			modulesLoaded: raw.modulesLoaded,
		},
		events,
	};
	const result = SnapshotSchema.safeParse(snapshot);
	if (!result.success) throw new Error(`the capture in ${raw.dir} does not make a valid snapshot:\n${describeIssues(result.error, snapshot)}`);
	return result.data;
}
