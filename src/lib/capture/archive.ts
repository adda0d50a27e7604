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

/**
 * gunzip with DecompressionStream (browsers and Node alike; its zlib checks gzip's CRC-32 and length
 * trailer) and an output limit. The input goes in piece by piece, each write waiting for the output
 * to be read: what one piece unpacks to (deflate's ratio is at most ~1,000) is all a gzip bomb can
 * pile up before the limit stops it.
 */
async function gunzip(bytes: Uint8Array, archive: string): Promise<Uint8Array> {
	const stream = new DecompressionStream('gzip');
	const writer = stream.writable.getWriter();
	const reader = stream.readable.getReader();
	const piece = 16 * 1024;
	const feeding = (async () => {
		// A file's or a message's bytes: never a SharedArrayBuffer's, which the stream would refuse.
		const input = bytes as Uint8Array<ArrayBuffer>;
		for (let at = 0; at < input.length; at += piece) await writer.write(input.subarray(at, at + piece));
		await writer.close();
	})();
	// A failure shows on the reading side too; this only keeps the writer's copy of it from going unhandled.
	feeding.catch(() => {});
	const chunks: Uint8Array[] = [];
	let total = 0;
	try {
		for (let next = await reader.read(); !next.done; next = await reader.read()) {
			total += next.value.length;
			if (total > ARCHIVE_LIMITS.uncompressedBytes) {
				await reader.cancel();
				throw new ArchiveError(archive, `unpacks to more than ${mb(ARCHIVE_LIMITS.uncompressedBytes)}; a capture is far smaller, so this is not one — ${MAKE_AGAIN}`, 'too-big');
			}
			chunks.push(next.value);
		}
		await feeding;
	} catch (error) {
		if (error instanceof ArchiveError) throw error;
		// Browsers and Node word zlib's errors differently: the message stays the same everywhere.
		throw new ArchiveError(archive, `is damaged or truncated (it does not unpack as gzip, or its checksum does not match what it unpacks to) — ${MAKE_AGAIN}`, 'damaged');
	}
	const tar = new Uint8Array(total);
	let at = 0;
	for (const chunk of chunks) {
		tar.set(chunk, at);
		at += chunk.length;
	}
	return tar;
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
 * Reads a capture archive (`archive` names it in messages). Rejects with ArchiveError for a file that is
 * not a usable capture, and RawCaptureError naming the member at fault for a malformed one.
 */
export async function readCaptureArchive(bytes: Uint8Array, archive: string): Promise<ContributedCapture> {
	if (bytes.length > ARCHIVE_LIMITS.compressedBytes) {
		throw new ArchiveError(archive, `is ${mb(bytes.length)}; a capture archive is a few MB (at most ${mb(ARCHIVE_LIMITS.compressedBytes)}), so this is not one — ${MAKE_AGAIN}`, 'too-big');
	}
	if (bytes.length === 0) throw new ArchiveError(archive, `is empty — ${MAKE_AGAIN}`, 'empty');
	const gzipped = bytes.length >= 18 && bytes[0] === 0x1f && bytes[1] === 0x8b;
	const tarBytes = gzipped ? await gunzip(bytes, archive) : bytes;
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
