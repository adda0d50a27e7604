/**
 * A reader's capture archive (public/atlas-capture.sh) → a raw capture and what it says about its
 * machine. Pure: bytes in, so the capture CLI and a browser worker read archives with the same code.
 *
 * The archive is a gzipped tar holding a raw capture (raw.ts) without its derived files, plus:
 *
 *   atlas-capture-version   the layout's version, `1`
 *   kallsyms-events         the /proc/kallsyms lines of `__event_*` and `str__*__trace_system_name`
 *                           symbols, addresses zeroed: event-origins and modules-loaded come from it
 *   proc-modules            /proc/modules, addresses zeroed (empty without module support)
 *   os-release              /etc/os-release (absent on systems without one, e.g. Android)
 *   trace-source            `tracefs` or `debugfs`: where the script found the events
 *
 * Limits keep a wrong or hostile file from taking the reader's memory: see ARCHIVE_LIMITS and
 * tar.ts for paths and members.
 */
import { Gunzip } from 'fflate';
import { eventOriginsFromKallsyms, formatEventOrigins } from './origins.ts';
import { parseRawCapture, RAW_FILES, RawCaptureError, type RawCapture } from './raw.ts';
import { readTar, TarError } from './tar.ts';

export const ARCHIVE_LIMITS = {
	/** The archive as uploaded: a capture with every module's BTF is well under 16 MB. */
	compressedBytes: 32 * 1024 * 1024,
	/** The tar inside. */
	uncompressedBytes: 256 * 1024 * 1024,
} as const;

export const ARCHIVE_FORMAT_VERSION = '1';

/** The files the archive adds to a raw capture. */
export const ARCHIVE_FILES = {
	version: 'atlas-capture-version',
	kallsymsEvents: 'kallsyms-events',
	procModules: 'proc-modules',
	osRelease: 'os-release',
	traceSource: 'trace-source',
} as const;

/** What to do about any archive we cannot use. */
export const MAKE_AGAIN = 'make a new one with `sudo sh atlas-capture.sh` and use that file as it was written';

/** Why an archive cannot be used, for a reader's message in their language (the my-kernel page). */
export type ArchiveProblem = 'too-big' | 'empty' | 'damaged' | 'not-archive' | 'refused-member' | 'not-capture' | 'other-version';

/** An archive we cannot use: names it, says what is wrong and what to do. */
export class ArchiveError extends Error {
	readonly problem: ArchiveProblem;
	constructor(archive: string, problem: string, kind: ArchiveProblem) {
		super(`${archive}: ${problem}`);
		this.name = 'ArchiveError';
		this.problem = kind;
	}
}

/** The distribution, from os-release. */
export interface OsRelease {
	/** `ID`, e.g. `ubuntu`; null when absent. */
	id: string | null;
	/** `NAME`, e.g. `Ubuntu`. */
	name: string;
	/** `VERSION_ID`, e.g. `24.04`; null when absent. */
	version: string | null;
}

export interface ContributedCapture {
	raw: RawCapture;
	/** null when the machine has no os-release. */
	os: OsRelease | null;
	traceSource: 'tracefs' | 'debugfs';
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** gunzip with an output limit and the CRC-32 and length checks gzip's trailer allows (fflate skips them). */
function gunzip(bytes: Uint8Array, archive: string): Uint8Array {
	const chunks: Uint8Array[] = [];
	let total = 0;
	const inflater = new Gunzip((chunk) => {
		total += chunk.length;
		if (total > ARCHIVE_LIMITS.uncompressedBytes) {
			throw new ArchiveError(archive, `unpacks to more than ${mb(ARCHIVE_LIMITS.uncompressedBytes)}; a capture is far smaller, so this is not one — ${MAKE_AGAIN}`, 'too-big');
		}
		chunks.push(chunk);
	});
	try {
		// fflate inflates a whole pushed chunk before handing it over: small chunks keep a gzip bomb's
		// output to ~1000 × 64 kB at a time before the limit above can stop it.
		const step = 64 * 1024;
		for (let i = 0; i < bytes.length; i += step) inflater.push(bytes.subarray(i, i + step), i + step >= bytes.length);
	} catch (error) {
		if (error instanceof ArchiveError) throw error;
		throw new ArchiveError(archive, `is damaged or truncated (gzip: ${(error as Error).message}) — ${MAKE_AGAIN}`, 'damaged');
	}
	const tar = new Uint8Array(total);
	let at = 0;
	for (const c of chunks) {
		tar.set(c, at);
		at += c.length;
	}
	const trailer = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 8);
	if (trailer.getUint32(0, true) !== crc32(tar) || trailer.getUint32(4, true) !== total % 2 ** 32) {
		throw new ArchiveError(archive, `is damaged or truncated (its gzip checksum does not match what it unpacks to) — ${MAKE_AGAIN}`, 'damaged');
	}
	return tar;
}

let crcTable: Uint32Array | undefined;
function crc32(data: Uint8Array): number {
	if (!crcTable) {
		crcTable = new Uint32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			crcTable[n] = c >>> 0;
		}
	}
	const table = crcTable;
	let crc = 0xffffffff;
	for (let i = 0; i < data.length; i++) crc = (table[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/** os-release's KEY=value lines (values optionally quoted, with shell backslash escapes). */
export function parseOsRelease(text: string): Map<string, string> {
	const values = new Map<string, string>();
	for (const line of text.split('\n')) {
		const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
		if (!m) continue;
		let value = m[2] as string;
		const quote = value[0];
		if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
			value = value.slice(1, -1);
			if (quote === '"') value = value.replace(/\\(["\\`$])/g, '$1');
		}
		values.set(m[1] as string, value);
	}
	return values;
}

// A name shown on pages: printable, one line, short. Anything else is dropped rather than stored.
const displayable = (value: string | undefined) => (value !== undefined && /^[^\p{Cc}]{1,100}$/u.test(value) ? value : null);

function osReleaseOf(text: string | undefined): OsRelease | null {
	if (text === undefined) return null;
	const values = parseOsRelease(text);
	const name = displayable(values.get('NAME'));
	if (name === null) return null;
	const id = values.get('ID');
	return { id: id !== undefined && /^[a-z0-9._-]{1,40}$/.test(id) ? id : null, name, version: displayable(values.get('VERSION_ID')) };
}

/**
 * Reads a capture archive (`archive` names it in messages). Throws ArchiveError for a file that is
 * not a usable capture, and RawCaptureError naming the member at fault for a malformed one.
 */
export function readCaptureArchive(bytes: Uint8Array, archive: string): ContributedCapture {
	if (bytes.length > ARCHIVE_LIMITS.compressedBytes) {
		throw new ArchiveError(archive, `is ${mb(bytes.length)}; a capture archive is a few MB (at most ${mb(ARCHIVE_LIMITS.compressedBytes)}), so this is not one — ${MAKE_AGAIN}`, 'too-big');
	}
	if (bytes.length === 0) throw new ArchiveError(archive, `is empty — ${MAKE_AGAIN}`, 'empty');
	const gzipped = bytes.length >= 18 && bytes[0] === 0x1f && bytes[1] === 0x8b;
	const tarBytes = gzipped ? gunzip(bytes, archive) : bytes;
	let contents;
	try {
		contents = readTar(tarBytes);
	} catch (error) {
		if (!(error instanceof TarError)) throw error;
		const problem = !gzipped && error.message.startsWith('not a tar archive') ? 'is neither gzip-compressed nor a tar archive' : error.message;
		// Less than one tar block, uncompressed, is no archive at all. tar.ts names a member it refuses (a
		// path leaving the archive, a link, a device) at the start of its message.
		const kind = error.message.startsWith('not a tar archive') || (!gzipped && bytes.length < 512) ? 'not-archive' : error.message.startsWith('member ') ? 'refused-member' : 'damaged';
		throw new ArchiveError(archive, `${problem} — ${MAKE_AGAIN}`, kind);
	}
	const { files } = contents;

	const version = files.get(ARCHIVE_FILES.version);
	if (version === undefined) {
		const some = [...files.keys()].slice(0, 3).map((p) => JSON.stringify(p)).join(', ');
		throw new ArchiveError(archive, `is a tar archive but not a Tracepoint Atlas capture (it has no ${ARCHIVE_FILES.version}; it holds ${some || 'no files'}) — ${MAKE_AGAIN}`, 'not-capture');
	}
	const text = (path: string) => {
		const data = files.get(path);
		return data === undefined ? undefined : new TextDecoder().decode(data);
	};
	if (text(ARCHIVE_FILES.version)?.trim() !== ARCHIVE_FORMAT_VERSION) {
		throw new ArchiveError(archive, `was made by another version of atlas-capture.sh (layout ${JSON.stringify(text(ARCHIVE_FILES.version)?.trim().slice(0, 20))}, this reads ${ARCHIVE_FORMAT_VERSION}) — download the script again and ${MAKE_AGAIN}`, 'other-version');
	}
	const traceSource = text(ARCHIVE_FILES.traceSource)?.trim();
	if (traceSource !== 'tracefs' && traceSource !== 'debugfs') {
		throw new RawCaptureError(`${archive}/${ARCHIVE_FILES.traceSource}`, `expected "tracefs" or "debugfs", found ${JSON.stringify(traceSource ?? 'nothing')}`);
	}
	const kallsyms = text(ARCHIVE_FILES.kallsymsEvents);
	if (kallsyms === undefined) throw new RawCaptureError(`${archive}/${ARCHIVE_FILES.kallsymsEvents}`, `missing — ${MAKE_AGAIN}`);

	// event-origins and modules-loaded are derived the way a running-kernel capture derives them, then
	// checked by parseRawCapture like every other file. Event ids are checked there too; here a
	// malformed line just matches nothing.
	const eventIds = (text(RAW_FILES.availableEvents) ?? '').split('\n').flatMap((line) => {
		const [category, name, ...rest] = line.trim().split(':');
		return category && name && rest.length === 0 ? [{ category, name }] : [];
	});
	const origins = eventOriginsFromKallsyms(kallsyms, eventIds, `${archive}/${ARCHIVE_FILES.kallsymsEvents}`);
	const derived = new Map<string, Uint8Array>([
		[RAW_FILES.eventOrigins, new TextEncoder().encode(formatEventOrigins(origins))],
		[RAW_FILES.modulesLoaded, new TextEncoder().encode([...new Set(origins.values())].sort().map((m) => `${m}\n`).join(''))],
	]);
	const raw = parseRawCapture({
		where: archive,
		read: (path) => derived.get(path) ?? files.get(path),
		list: (dir) => {
			const prefix = `${dir}/`;
			return [...files.keys()].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length)).sort();
		},
	});
	return { raw, os: osReleaseOf(text(ARCHIVE_FILES.osRelease)), traceSource };
}
