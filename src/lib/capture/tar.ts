/**
 * A small, strict tar reader: the members of a ustar/GNU/pax archive as path → bytes, for archives
 * a reader uploads. Pure (bytes in, map out) so the browser and Node share it.
 *
 * Only regular files and directories are accepted. Every path must be relative and plain: no
 * leading `/`, no `..` or empty component, no NUL, at most MAX_PATH bytes; a path may appear once.
 * Links, devices and fifos are refused, so nothing in an archive can point outside it.
 */

export const TAR_LIMITS = {
	/** Members (files and directories). A capture of a 7.x kernel with every module has about 25,000. */
	entries: 100_000,
	/** Bytes in one path. */
	path: 1024,
} as const;

/** The archive is not a tar we accept: says where (member or offset) and what is wrong. */
export class TarError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'TarError';
	}
}

export interface TarContents {
	/** Regular files by normalized path (`events/sched/sched_switch/format`); views into the tar's bytes. */
	files: Map<string, Uint8Array>;
	/** Directories by normalized path, without the trailing `/`. */
	directories: Set<string>;
}

const BLOCK = 512;
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function field(header: Uint8Array, offset: number, length: number): Uint8Array {
	const bytes = header.subarray(offset, offset + length);
	const end = bytes.indexOf(0);
	return end === -1 ? bytes : bytes.subarray(0, end);
}

/** A numeric header field: octal text, or GNU base-256 for large values. */
function number(header: Uint8Array, offset: number, length: number, what: string, at: number): number {
	const bytes = header.subarray(offset, offset + length);
	if ((bytes[0] as number) & 0x80) {
		let value = (bytes[0] as number) & 0x7f;
		for (const b of bytes.subarray(1)) value = value * 256 + b;
		if (!Number.isSafeInteger(value)) throw new TarError(`header at byte ${at}: ${what} is too large`);
		return value;
	}
	const text = latin1.decode(field(header, offset, length)).trim();
	if (text === '') return 0;
	if (!/^[0-7]+$/.test(text)) throw new TarError(`header at byte ${at}: ${what} is not an octal number (${JSON.stringify(text)})`);
	return parseInt(text, 8);
}

function checksumOk(header: Uint8Array, at: number): boolean {
	let sum = 0;
	for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] as number);
	try {
		return sum === number(header, 148, 8, 'checksum', at);
	} catch {
		return false;
	}
}

function decodePath(bytes: Uint8Array, at: number): string {
	try {
		return utf8.decode(bytes);
	} catch {
		throw new TarError(`member at byte ${at}: its name is not UTF-8`);
	}
}

/** `./a/b/` → `a/b`; throws on anything that is not a plain relative path. */
export function normalizeMemberPath(raw: string): string {
	const shown = JSON.stringify(raw);
	if (raw.includes('\0')) throw new TarError(`member ${shown}: its name holds a NUL byte`);
	if (new TextEncoder().encode(raw).length > TAR_LIMITS.path) throw new TarError(`member ${shown.slice(0, 80)}…: its name is longer than ${TAR_LIMITS.path} bytes`);
	if (raw.startsWith('/')) throw new TarError(`member ${shown}: absolute paths are refused`);
	let path = raw.replace(/\/+$/, '');
	while (path.startsWith('./')) path = path.slice(2);
	if (path === '.' || path === '') return '';
	for (const part of path.split('/')) {
		if (part === '..') throw new TarError(`member ${shown}: ".." in a path is refused`);
		if (part === '' || part === '.') throw new TarError(`member ${shown}: empty or "." path components are refused`);
	}
	return path;
}

/** Pax extended header records: `<len> <key>=<value>\n`. */
function paxRecords(data: Uint8Array, at: number): Map<string, string> {
	const records = new Map<string, string>();
	let pos = 0;
	while (pos < data.length) {
		const space = data.indexOf(0x20, pos);
		const length = space === -1 ? NaN : Number(latin1.decode(data.subarray(pos, space)));
		if (!Number.isInteger(length) || length <= 0 || pos + length > data.length) throw new TarError(`pax header at byte ${at} is malformed`);
		const record = data.subarray(space + 1, pos + length - 1);
		const eq = record.indexOf(0x3d);
		if (eq === -1) throw new TarError(`pax header at byte ${at} is malformed`);
		records.set(latin1.decode(record.subarray(0, eq)), decodePath(record.subarray(eq + 1), at));
		pos += length;
	}
	return records;
}

/** Reads every member of a tar archive held in `tar`; throws TarError on anything it does not accept. */
export function readTar(tar: Uint8Array): TarContents {
	const files = new Map<string, Uint8Array>();
	const directories = new Set<string>();
	let pos = 0;
	let entries = 0;
	let longName: string | null = null;
	let paxPath: string | null = null;
	for (;;) {
		if (pos + BLOCK > tar.length) throw new TarError(`truncated: the tar ends at byte ${tar.length} without its end-of-archive marker`);
		const header = tar.subarray(pos, pos + BLOCK);
		if (header.every((b) => b === 0)) break;
		if (!checksumOk(header, pos)) {
			throw new TarError(pos === 0 ? 'not a tar archive (its first header has no valid checksum)' : `damaged: the tar header at byte ${pos} has a bad checksum`);
		}
		const type = String.fromCharCode(header[156] as number);
		const size = number(header, 124, 12, 'size', pos);
		const dataStart = pos + BLOCK;
		const dataEnd = dataStart + size;
		if (dataEnd > tar.length) throw new TarError(`truncated: the member at byte ${pos} needs ${size} bytes but the tar ends first`);
		const data = tar.subarray(dataStart, dataEnd);
		const at = pos;
		pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;

		if (type === 'L') {
			longName = decodePath(field(data, 0, data.length), at);
			continue;
		}
		if (type === 'x') {
			paxPath = paxRecords(data, at).get('path') ?? paxPath;
			continue;
		}
		if (type === 'g') continue;

		const isUstar = latin1.decode(header.subarray(257, 262)) === 'ustar';
		const prefix = isUstar && latin1.decode(header.subarray(263, 265)) === '00' ? field(header, 345, 155) : new Uint8Array();
		const name = decodePath(field(header, 0, 100), at);
		const rawPath = paxPath ?? longName ?? (prefix.length > 0 ? `${decodePath(prefix, at)}/${name}` : name);
		longName = null;
		paxPath = null;
		const path = normalizeMemberPath(rawPath);
		if (++entries > TAR_LIMITS.entries) throw new TarError(`holds more than ${TAR_LIMITS.entries} members`);

		if (type === '5') {
			if (path !== '') directories.add(path);
			continue;
		}
		if (type !== '0' && type !== '\0' && type !== '7') {
			const kind = type === '1' ? 'a hard link' : type === '2' ? 'a symbolic link' : `of type ${JSON.stringify(type)}`;
			throw new TarError(`member ${JSON.stringify(rawPath)} is ${kind}; only regular files and directories are accepted`);
		}
		if (path === '') throw new TarError(`member at byte ${at} is a file without a name`);
		if (files.has(path) || directories.has(path)) throw new TarError(`member ${JSON.stringify(path)} appears twice`);
		files.set(path, data);
	}
	return { files, directories };
}
