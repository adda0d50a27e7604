/**
 * The raw capture directory: what a capture source (the running kernel, or a Debian kernel booted
 * under qemu) leaves behind, and all that build-snapshot.ts reads to make a snapshot.
 *
 *   <raw>/uname-r            `uname -r`
 *   <raw>/uname-m            `uname -m`
 *   <raw>/proc-version       /proc/version
 *   <raw>/available_events   copy of tracefs available_events (`<category>:<name>` per line)
 *   <raw>/events/<category>/<name>/format
 *                            every format file listed in available_events, byte for byte
 *   <raw>/btf/vmlinux        copy of /sys/kernel/btf/vmlinux (absent when the kernel has no BTF)
 *   <raw>/btf/<module>       copy of /sys/kernel/btf/<module> for each loaded module that has BTF
 *                            (split BTF on top of btf/vmlinux)
 *   <raw>/event-origins      one line per module-defined event: `<category>:<name> <module>`
 *                            (built-in events are not listed; the file may be empty)
 *   <raw>/modules-loaded     one module name per line: the trace-event modules loaded for the
 *                            capture (may be empty)
 *
 * Text files may end with a newline or not; blank lines are ignored.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** File names inside a raw capture directory, for the sources that write one. */
export const RAW_FILES = {
	release: 'uname-r',
	arch: 'uname-m',
	procVersion: 'proc-version',
	availableEvents: 'available_events',
	events: 'events',
	btf: 'btf',
	eventOrigins: 'event-origins',
	modulesLoaded: 'modules-loaded',
} as const;

/** The path of one event's format file in a raw dir (or in tracefs, which has the same layout). */
export const formatPath = (dir: string, category: string, name: string) => join(dir, RAW_FILES.events, category, name, 'format');

/** A raw capture directory that is incomplete or malformed: names the file and what is wrong. */
export class RawCaptureError extends Error {
	constructor(file: string, problem: string) {
		super(`${file}: ${problem}`);
		this.name = 'RawCaptureError';
	}
}

export interface RawEvent {
	category: string;
	name: string;
	/** The format file's text. */
	format: string;
}

/** A raw capture directory, read and checked. */
export interface RawCapture {
	dir: string;
	release: string;
	arch: string;
	procVersion: string;
	/** In available_events order. */
	events: RawEvent[];
	/** BTF bytes: vmlinux and the modules that have BTF; null when the kernel has no BTF. */
	btf: { vmlinux: Uint8Array; modules: Map<string, Uint8Array> } | null;
	/** `<category>:<name>` → module, for module-defined events only. */
	eventOrigins: Map<string, string>;
	modulesLoaded: string[];
}

const EVENT_ID = /^([\w.-]+):([\w.-]+)$/;

function lines(text: string): string[] {
	return text
		.split('\n')
		.map((l) => l.trim())
		.filter((l) => l !== '');
}

/** Reads a raw capture directory; throws RawCaptureError naming the first missing or malformed file. */
export function readRawCapture(dir: string): RawCapture {
	if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RawCaptureError(dir, 'not a directory; expected a raw capture directory');
	const read = (name: string, what: string): string => {
		const file = join(dir, name);
		if (!existsSync(file)) throw new RawCaptureError(file, `missing (${what}); the capture source did not finish — capture again`);
		return readFileSync(file, 'utf8');
	};
	const oneLine = (name: string, what: string): string => {
		const value = read(name, what).trim();
		if (value === '' || value.includes('\n')) throw new RawCaptureError(join(dir, name), `expected one line (${what}), found ${value === '' ? 'nothing' : 'several'}`);
		return value;
	};

	const release = oneLine(RAW_FILES.release, 'the output of `uname -r`');
	const arch = oneLine(RAW_FILES.arch, 'the output of `uname -m`');
	const procVersion = oneLine(RAW_FILES.procVersion, 'a copy of /proc/version');

	const availableFile = join(dir, RAW_FILES.availableEvents);
	const seen = new Set<string>();
	const events = lines(read(RAW_FILES.availableEvents, 'a copy of tracefs available_events')).map((line, i) => {
		const m = EVENT_ID.exec(line);
		if (!m) throw new RawCaptureError(`${availableFile}:${i + 1}`, `expected "<category>:<name>" but found "${line}"`);
		if (seen.has(line)) throw new RawCaptureError(`${availableFile}:${i + 1}`, `${line} is listed twice`);
		seen.add(line);
		const [, category, name] = m as unknown as [string, string, string];
		const file = formatPath(dir, category, name);
		if (!existsSync(file)) throw new RawCaptureError(file, `missing: ${line} is in available_events but its format file was not copied`);
		return { category, name, format: readFileSync(file, 'utf8') };
	});
	if (events.length === 0) throw new RawCaptureError(availableFile, 'lists no events: the kernel has no trace events, or the copy failed');

	const originsFile = join(dir, RAW_FILES.eventOrigins);
	const eventOrigins = new Map<string, string>();
	lines(read(RAW_FILES.eventOrigins, 'module-defined events, one "<category>:<name> <module>" per line; empty when there are none')).forEach((line, i) => {
		const m = /^(\S+)\s+(\S+)$/.exec(line);
		if (!m) throw new RawCaptureError(`${originsFile}:${i + 1}`, `expected "<category>:<name> <module>" but found "${line}"`);
		const [, event, module] = m as unknown as [string, string, string];
		if (!seen.has(event)) throw new RawCaptureError(`${originsFile}:${i + 1}`, `${event} is not in available_events`);
		eventOrigins.set(event, module);
	});
	const modulesLoaded = lines(read(RAW_FILES.modulesLoaded, 'trace-event modules loaded for the capture, one per line; empty when none')).sort();

	const btfDir = join(dir, RAW_FILES.btf);
	let btf: RawCapture['btf'] = null;
	if (existsSync(join(btfDir, 'vmlinux'))) {
		const modules = new Map<string, Uint8Array>();
		for (const name of readdirSync(btfDir).sort()) if (name !== 'vmlinux') modules.set(name, readFileSync(join(btfDir, name)));
		btf = { vmlinux: readFileSync(join(btfDir, 'vmlinux')), modules };
	} else if (existsSync(btfDir) && readdirSync(btfDir).length > 0) {
		throw new RawCaptureError(join(btfDir, 'vmlinux'), 'missing while module BTF is present: module BTF is split BTF and cannot be read without it');
	}
	return { dir, release, arch, procVersion, events, btf, eventOrigins, modulesLoaded };
}
