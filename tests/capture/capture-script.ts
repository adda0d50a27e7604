/**
 * For the tests of public/atlas-capture.sh: a fixture tree laid out like / (what the script reads
 * when given a directory), and a way to run the script under each shell it promises to support.
 *
 * The tree is made of real data: format files of a 6.18 kernel (src/lib/context/fixtures, plus
 * ftrace:print, which tracefs has but does not list in available_events), the BTF fixtures
 * (src/lib/btf/fixtures: vmlinux, and xfs's split BTF), kallsyms lines of Debian 6.1's xfs module
 * (src/lib/capture/fixtures/kallsyms.txt) with the `__event_xfs_group_get` line the 6.18 module
 * adds, and this machine's os-release.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURE_EVENTS } from '../../scripts/capture/fixtures/raw-dir.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const CAPTURE_SCRIPT = join(repo, 'public/atlas-capture.sh');
const fixtures = (dir: string, file: string) => join(repo, 'src/lib', dir, 'fixtures', file);

export const FIXTURE_RELEASE = '6.18.44-fc-v595';
export { FIXTURE_EVENTS };

export interface FixtureRootOptions {
	/** /sys/kernel/btf present (default true). */
	btf?: boolean;
	/** Events only under /sys/kernel/debug/tracing, as on kernels before tracefs (default false). */
	debugfsOnly?: boolean;
	/** `uname -r` (default FIXTURE_RELEASE). */
	release?: string;
}

/** Makes a fresh tree laid out like /; returns its path and where its tracing directory is. */
export function makeFixtureRoot(options: FixtureRootOptions = {}): { root: string; tracing: string } {
	const root = mkdtempSync(join(tmpdir(), 'atlas-root-'));
	const at = (...parts: string[]) => {
		const path = join(root, ...parts);
		mkdirSync(join(path, '..'), { recursive: true });
		return path;
	};
	const tracing = options.debugfsOnly ? join(root, 'sys/kernel/debug/tracing') : join(root, 'sys/kernel/tracing');
	writeFileSync(at('proc/sys/kernel/osrelease'), `${options.release ?? FIXTURE_RELEASE}\n`);
	writeFileSync(at('proc/sys/kernel/arch'), 'x86_64\n');
	writeFileSync(at('proc/version'), `Linux version ${FIXTURE_RELEASE} (fixture) #1 SMP PREEMPT_DYNAMIC\n`);
	copyFileSync('/etc/os-release', at('etc/os-release'));
	// tracefs lists events unsorted; so does this.
	writeFileSync(join(mkdirp(tracing), 'available_events'), `${FIXTURE_EVENTS.slice().reverse().join('\n')}\n`);
	for (const id of FIXTURE_EVENTS) {
		const [category, name] = id.split(':') as [string, string];
		const dir = mkdirp(join(tracing, 'events', category, name));
		copyFileSync(fixtures('context', `${category}.${name}.format`), join(dir, 'format'));
		writeFileSync(join(dir, 'enable'), '0\n');
		writeFileSync(join(tracing, 'events', category, 'enable'), '0\n');
	}
	copyFileSync(fixtures('format', 'ftrace.print.format'), join(mkdirp(join(tracing, 'events/ftrace/print')), 'format'));
	writeFileSync(join(tracing, 'events/header_page'), '\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n');
	if (options.btf ?? true) {
		copyFileSync(fixtures('btf', 'base.btf'), at('sys/kernel/btf/vmlinux'));
		copyFileSync(fixtures('btf', 'module.btf'), at('sys/kernel/btf/xfs'));
		// A module with BTF that defines no events: its BTF must stay out of the archive.
		copyFileSync(fixtures('btf', 'module.btf'), at('sys/kernel/btf/nls_utf8'));
	}
	const kallsyms = readFileSync(fixtures('capture', 'kallsyms.txt'), 'utf8');
	writeFileSync(at('proc/kallsyms'), `${kallsyms}ffffffffc0a1e0c8 d __event_xfs_group_get\t[xfs]\n`);
	writeFileSync(at('proc/modules'), 'xfs 2031616 0 - Live 0xffffffffc0a00000\nnls_utf8 12288 1 - Live 0xffffffffc0900000\n');
	return { root, tracing };
}

function mkdirp(dir: string): string {
	mkdirSync(dir, { recursive: true });
	return dir;
}

export interface Shell {
	name: string;
	argv: string[];
	/** PATH for the run: busybox's applets only, so its tar, gzip and awk are the ones tested. */
	path: string;
}

let busyboxBin: string | undefined;
/** dash, busybox sh with busybox's applets, and mksh (Android's shell). */
export function shells(): Shell[] {
	if (!busyboxBin) {
		busyboxBin = mkdtempSync(join(tmpdir(), 'atlas-busybox-'));
		const install = spawnSync('busybox', ['--install', '-s', busyboxBin], { encoding: 'utf8' });
		if (install.status !== 0) throw new Error(`busybox --install failed (is busybox-static installed?): ${install.stderr ?? install.error}`);
	}
	const systemPath = '/usr/sbin:/usr/bin:/sbin:/bin';
	return [
		{ name: 'dash', argv: ['dash'], path: systemPath },
		{ name: 'busybox sh', argv: [join(busyboxBin, 'sh')], path: busyboxBin },
		{ name: 'mksh', argv: ['mksh'], path: systemPath },
	];
}

export interface ScriptRun {
	result: SpawnSyncReturns<string>;
	/** The directory it ran in. */
	cwd: string;
	/** Its TMPDIR: must be empty again afterwards. */
	tmp: string;
	/** Files left in cwd. */
	left: string[];
	/** The archive it wrote, when it wrote one. */
	archive: string | null;
}

/** Runs the script (`sh script [root]`) in a fresh directory with a fresh TMPDIR. */
export function runCaptureScript(shell: Shell, args: string[], { uid }: { uid?: number } = {}): ScriptRun {
	const cwd = mkdtempSync(join(tmpdir(), 'atlas-script-cwd-'));
	const tmp = mkdtempSync(join(tmpdir(), 'atlas-script-tmp-'));
	chmodSync(cwd, 0o777);
	chmodSync(tmp, 0o777);
	const command = uid === undefined ? shell.argv : ['/usr/bin/setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', ...shell.argv];
	const result = spawnSync(command[0] as string, [...command.slice(1), CAPTURE_SCRIPT, ...args], {
		cwd,
		encoding: 'utf8',
		env: { PATH: shell.path, TMPDIR: tmp, HOME: cwd, LC_ALL: 'C' },
	});
	const left = readdirSync(cwd);
	const archive = left.find((f) => f.endsWith('.tar.gz'));
	return { result, cwd, tmp, left, archive: archive ? join(cwd, archive) : null };
}

/** Starts the script in its own process group (so a test can signal it like a terminal would). */
export function startCaptureScript(shell: Shell, args: string[]) {
	const cwd = mkdtempSync(join(tmpdir(), 'atlas-script-cwd-'));
	const tmp = mkdtempSync(join(tmpdir(), 'atlas-script-tmp-'));
	const child = spawn(shell.argv[0] as string, [...shell.argv.slice(1), CAPTURE_SCRIPT, ...args], {
		cwd,
		detached: true,
		env: { PATH: shell.path, TMPDIR: tmp, HOME: cwd, LC_ALL: 'C' },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return { child, cwd, tmp };
}

export const isEmptyDir = (dir: string) => existsSync(dir) && readdirSync(dir).length === 0;
