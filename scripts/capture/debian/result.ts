/**
 * What the capture VM hands back: a tar at the start of its virtio disk, announced on the console
 * with its size and sha256, unpacked into the raw capture directory (scripts/capture/raw.ts).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RAW_FILES } from '../raw.ts';

/** Checks the tar at the start of `disk` against the announced size and hash, and unpacks it into `rawDir` (replaced). */
export function unpackResult(disk: string, announced: { bytes: number; sha256: string }, rawDir: string): void {
	const tar = Buffer.alloc(announced.bytes);
	const fd = openSync(disk, 'r');
	try {
		readSync(fd, tar, 0, announced.bytes, 0);
	} finally {
		closeSync(fd);
	}
	const actual = createHash('sha256').update(tar).digest('hex');
	if (actual !== announced.sha256) throw new Error(`the result on ${disk} is damaged: sha256 ${actual}, the guest wrote ${announced.sha256}`);
	const tarFile = `${disk}.tar`;
	writeFileSync(tarFile, tar);
	rmSync(rawDir, { recursive: true, force: true });
	mkdirSync(rawDir, { recursive: true });
	execFileSync('tar', ['-xf', tarFile, '-C', rawDir, '--no-same-permissions']);
	rmSync(tarFile);
}

/**
 * available_events without its repeated lines (the first of each kept), and which repeated.
 * Two modules can register the same event: in 6.12 both i915 and xe (which builds i915's display
 * code) define `i915:intel_pipe_enable` and 23 more, and tracefs lists each twice, yet shows one
 * events/ directory for it.
 */
export function dropRepeatedEvents(text: string): { text: string; repeated: string[] } {
	const seen = new Set<string>();
	const repeated: string[] = [];
	const kept = text.split('\n').filter((line) => {
		if (line === '') return false;
		if (!seen.has(line)) return seen.add(line);
		repeated.push(line);
		return false;
	});
	return { text: kept.map((line) => `${line}\n`).join(''), repeated };
}

/**
 * Fails unless the raw dir holds the expected kernel with BTF; drops repeated available_events
 * lines (see dropRepeatedEvents). Returns the repeated events and the count of module events.
 */
export function settleRawDir(rawDir: string, release: string, pkgName: string): { repeated: string[]; moduleEvents: number } {
	const file = (name: string) => join(rawDir, name);
	const booted = readFileSync(file(RAW_FILES.release), 'utf8').trim();
	if (booted !== release) throw new Error(`the VM ran kernel ${booted}, not ${release} from ${pkgName}`);
	if (!existsSync(join(rawDir, RAW_FILES.btf, 'vmlinux'))) {
		throw new Error(`${pkgName} exposes no /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF off): its context structs cannot be captured`);
	}
	const { text, repeated } = dropRepeatedEvents(readFileSync(file(RAW_FILES.availableEvents), 'utf8'));
	writeFileSync(file(RAW_FILES.availableEvents), text);
	const moduleEvents = readFileSync(file(RAW_FILES.eventOrigins), 'utf8').split('\n').filter(Boolean).length;
	return { repeated, moduleEvents };
}
