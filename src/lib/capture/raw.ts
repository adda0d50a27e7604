/**
 * The raw capture: what a capture source leaves behind — a directory (the running kernel, a Debian
 * kernel booted under qemu) or a reader's archive (archive.ts) — and all that build-snapshot reads
 * to make a snapshot. Pure: the files come through `RawFiles`, so the same checks serve a directory
 * on disk (scripts/capture/raw.ts) and an archive unpacked in memory, in Node or in a browser.
 *
 *   uname-r            `uname -r`
 *   uname-m            `uname -m`
 *   proc-version       /proc/version
 *   available_events   copy of tracefs available_events (`<category>:<name>` per line)
 *   events/<category>/<name>/format
 *                      every format file listed in available_events, byte for byte
 *   btf/vmlinux        copy of /sys/kernel/btf/vmlinux (absent when the kernel has no BTF)
 *   btf/<module>       copy of /sys/kernel/btf/<module> for each loaded module that has BTF
 *                      (split BTF on top of btf/vmlinux)
 *   event-origins      one line per module-defined event: `<category>:<name> <module>`
 *                      (built-in events are not listed; the file may be empty)
 *   modules-loaded     one module name per line: the trace-event modules loaded for the
 *                      capture (may be empty)
 *
 * Text files may end with a newline or not; blank lines are ignored.
 */
import { MODULE_NAME } from '../../schemas/snapshot.ts';

/** File names inside a raw capture, for the sources that write one. */
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

/** The path of one event's format file under `dir` (a raw capture, or tracefs, which has the same layout). */
export const formatPath = (dir: string, category: string, name: string) => `${dir}/${RAW_FILES.events}/${category}/${name}/format`;

/** A raw capture that is incomplete or malformed: names the file and what is wrong. */
export class RawCaptureError extends Error {
	constructor(file: string, problem: string) {
		super(`${file}: ${problem}`);
		this.name = 'RawCaptureError';
	}
}

/** The files of a raw capture, wherever they are. Paths are relative and use `/`. */
export interface RawFiles {
	/** Names the capture in messages and in `RawCapture.dir`: a directory, or an archive. */
	where: string;
	/** A file's bytes; undefined when there is no such file. */
	read(path: string): Uint8Array | undefined;
	/** Names of the files directly in a directory, sorted; empty when there is no such directory. */
	list(dir: string): string[];
}

export interface RawEvent {
	category: string;
	name: string;
	/** The format file's text. */
	format: string;
}

/** A raw capture, read and checked. */
export interface RawCapture {
	/** Where it was read from (a directory, or an archive); file names in messages start with it. */
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

/** Reads and checks a raw capture; throws RawCaptureError naming the first missing or malformed file. */
export function parseRawCapture(files: RawFiles): RawCapture {
	const dir = files.where;
	const decoder = new TextDecoder('utf-8', { fatal: true });
	const text = (path: string, bytes: Uint8Array): string => {
		try {
			return decoder.decode(bytes);
		} catch {
			throw new RawCaptureError(`${dir}/${path}`, 'is not UTF-8 text, so it is not what the kernel wrote there — capture again');
		}
	};
	const read = (name: string, what: string): string => {
		const bytes = files.read(name);
		if (bytes === undefined) throw new RawCaptureError(`${dir}/${name}`, `missing (${what}); the capture source did not finish — capture again`);
		return text(name, bytes);
	};
	const oneLine = (name: string, what: string): string => {
		const value = read(name, what).trim();
		if (value === '' || value.includes('\n')) throw new RawCaptureError(`${dir}/${name}`, `expected one line (${what}), found ${value === '' ? 'nothing' : 'several'}`);
		return value;
	};

	// Both end up in file names, page text and generated code: only what real kernels use gets through.
	const release = oneLine(RAW_FILES.release, 'the output of `uname -r`');
	if (!/^[\w.+~-]{1,64}$/.test(release)) {
		throw new RawCaptureError(`${dir}/${RAW_FILES.release}`, `${JSON.stringify(release.slice(0, 80))} is not a kernel release we can store (letters, digits and . _ + ~ -, at most 64)`);
	}
	const arch = oneLine(RAW_FILES.arch, 'the output of `uname -m`');
	if (!/^[\w-]{1,32}$/.test(arch)) throw new RawCaptureError(`${dir}/${RAW_FILES.arch}`, `${JSON.stringify(arch.slice(0, 80))} is not a machine name (uname -m)`);
	const procVersion = oneLine(RAW_FILES.procVersion, 'a copy of /proc/version');

	const availableFile = `${dir}/${RAW_FILES.availableEvents}`;
	const seen = new Set<string>();
	const events = lines(read(RAW_FILES.availableEvents, 'a copy of tracefs available_events')).map((line, i) => {
		const m = EVENT_ID.exec(line);
		if (!m) throw new RawCaptureError(`${availableFile}:${i + 1}`, `expected "<category>:<name>" (letters, digits, _ . -) but found ${JSON.stringify(line)}`);
		if (seen.has(line)) throw new RawCaptureError(`${availableFile}:${i + 1}`, `${line} is listed twice`);
		seen.add(line);
		const [, category, name] = m as unknown as [string, string, string];
		const file = formatPath('', category, name).slice(1);
		const bytes = files.read(file);
		if (bytes === undefined) throw new RawCaptureError(`${dir}/${file}`, `missing: ${line} is in available_events but its format file was not copied`);
		return { category, name, format: text(file, bytes) };
	});
	if (events.length === 0) throw new RawCaptureError(availableFile, 'lists no events: the kernel has no trace events, or the copy failed');

	const originsFile = `${dir}/${RAW_FILES.eventOrigins}`;
	const eventOrigins = new Map<string, string>();
	lines(read(RAW_FILES.eventOrigins, 'module-defined events, one "<category>:<name> <module>" per line; empty when there are none')).forEach((line, i) => {
		const m = /^(\S+)\s+(\S+)$/.exec(line);
		if (!m || !MODULE_NAME.test(m[2] as string)) throw new RawCaptureError(`${originsFile}:${i + 1}`, `expected "<category>:<name> <module>" but found ${JSON.stringify(line)}`);
		const [, event, module] = m as unknown as [string, string, string];
		if (!seen.has(event)) throw new RawCaptureError(`${originsFile}:${i + 1}`, `${event} is not in available_events`);
		eventOrigins.set(event, module);
	});
	const modulesFile = `${dir}/${RAW_FILES.modulesLoaded}`;
	const modulesLoaded = lines(read(RAW_FILES.modulesLoaded, 'trace-event modules loaded for the capture, one per line; empty when none')).sort();
	for (const module of modulesLoaded) {
		if (!MODULE_NAME.test(module)) throw new RawCaptureError(modulesFile, `${JSON.stringify(module)} is not a module name`);
	}

	const btfNames = files.list(RAW_FILES.btf);
	let btf: RawCapture['btf'] = null;
	const vmlinux = files.read(`${RAW_FILES.btf}/vmlinux`);
	if (vmlinux) {
		const modules = new Map<string, Uint8Array>();
		for (const name of btfNames) {
			if (name === 'vmlinux') continue;
			if (!MODULE_NAME.test(name)) throw new RawCaptureError(`${dir}/${RAW_FILES.btf}/${name}`, 'is not named after a module');
			modules.set(name, files.read(`${RAW_FILES.btf}/${name}`) as Uint8Array);
		}
		btf = { vmlinux, modules };
	} else if (btfNames.length > 0) {
		throw new RawCaptureError(`${dir}/${RAW_FILES.btf}/vmlinux`, 'missing while module BTF is present: module BTF is split BTF and cannot be read without it');
	}
	return { dir, release, arch, procVersion, events, btf, eventOrigins, modulesLoaded };
}
