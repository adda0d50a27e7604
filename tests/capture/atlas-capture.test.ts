/**
 * public/atlas-capture.sh on fixture trees, under dash, busybox sh (with busybox's own tar, gzip
 * and awk) and mksh: what it puts in the archive, what it refuses, that it leaves nothing behind —
 * and that the archive reads back (src/lib/capture/archive.ts) as the same snapshot a capture
 * directory of the same data makes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../src/lib/capture/build-snapshot.ts';
import { makeFixtureRawDir } from '../../scripts/capture/fixtures/raw-dir.ts';
import { readRawCapture } from '../../scripts/capture/raw.ts';
import { readCaptureArchive } from '../../src/lib/capture/archive.ts';
import { RawCaptureError } from '../../src/lib/capture/raw.ts';
import { readTar } from '../../src/lib/capture/tar.ts';
import { FIXTURE_EVENTS, FIXTURE_RELEASE, isEmptyDir, makeFixtureRoot, runCaptureScript, shells, startCaptureScript } from './capture-script.ts';

const info = { id: 'fixture-6.18', source: { kind: 'running', procVersion: 'Linux version 6.18' }, method: 'running-kernel', capturedOn: '2025-01-01' } as const;
const members = (archive: string) => readTar(gunzipSync(readFileSync(archive))).files;
const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

describe.each(shells())('atlas-capture.sh under $name', (shell) => {
	it('captures a tree with module BTF: the archive reads back as the same snapshot as a capture directory', async () => {
		const { root } = makeFixtureRoot();
		const run = runCaptureScript(shell, [root]);
		expect(run.result.status, run.result.stderr).toBe(0);
		const archive = join(run.cwd, `atlas-${FIXTURE_RELEASE}.tar.gz`);
		expect(run.left).toEqual([`atlas-${FIXTURE_RELEASE}.tar.gz`]);
		expect(run.result.stdout).toContain(`wrote ${archive} (`);
		expect(run.result.stdout).toMatch(/copied 9 format files/);
		expect(run.result.stdout).toMatch(/copied BTF of vmlinux and 1 modules/);
		expect(isEmptyDir(run.tmp), 'the scratch directory is removed').toBe(true);

		const files = members(archive);
		// Kernel addresses are zeroed; only the trace-event lines of kallsyms are kept.
		expect(text(files.get('proc-modules'))).toBe('xfs 2031616 0 - Live 0x0\nnls_utf8 12288 1 - Live 0x0\n');
		const kallsyms = text(files.get('kallsyms-events'))!.trim().split('\n');
		expect(kallsyms.length).toBeGreaterThan(100);
		expect(kallsyms.every((l) => /^0 \w (__event_|str__)\S+ \[\w+\]$/.test(l))).toBe(true);
		expect([...files.keys()].filter((p) => p.startsWith('btf/')).sort()).toEqual(['btf/vmlinux', 'btf/xfs']);

		const contributed = await readCaptureArchive(readFileSync(archive), archive);
		expect(contributed.traceSource).toBe('tracefs');
		expect(contributed.os?.name).toBe(/^NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]);
		expect(contributed.raw.modulesLoaded).toEqual(['xfs']);
		const fromArchive = buildSnapshot(contributed.raw, info);
		const fromDirectory = buildSnapshot(readRawCapture(makeFixtureRawDir()), info);
		expect(fromArchive.events).toEqual(fromDirectory.events);
		const xfs = fromArchive.events.find((e) => e.name === 'xfs_group_get')!;
		expect(xfs.origin).toEqual({ kind: 'module', module: 'xfs' });
		expect(xfs.context.match !== 'none' && xfs.context.struct.btf).toBe('xfs');
	});

	it('captures a kernel without BTF: format files only', async () => {
		const { root } = makeFixtureRoot({ btf: false });
		const run = runCaptureScript(shell, [root]);
		expect(run.result.status, run.result.stderr).toBe(0);
		expect(run.result.stdout).toMatch(/no BTF .* format files only/);
		const contributed = await readCaptureArchive(readFileSync(run.archive!), run.archive!);
		expect(contributed.raw.btf).toBeNull();
		const snapshot = buildSnapshot(contributed.raw, info);
		expect(snapshot.provenance.btf).toBe(false);
		expect(snapshot.events.map((e) => `${e.category}:${e.name}`)).toEqual(FIXTURE_EVENTS);
		expect(snapshot.events.every((e) => e.context.match === 'none')).toBe(true);
	});

	it('finds the events under debugfs on a kernel without tracefs, and says so', async () => {
		const { root } = makeFixtureRoot({ debugfsOnly: true });
		const run = runCaptureScript(shell, [root]);
		expect(run.result.status, run.result.stderr).toBe(0);
		expect(run.result.stdout).toContain(`reading trace events from ${root}/sys/kernel/debug/tracing (debugfs)`);
		const contributed = await readCaptureArchive(readFileSync(run.archive!), run.archive!);
		expect(contributed.traceSource).toBe('debugfs');
		expect(contributed.raw.events.map((e) => `${e.category}:${e.name}`).sort()).toEqual(FIXTURE_EVENTS);
	});

	it('keeps hostile event names inside their quoted paths; the import then names the bad line', async () => {
		const { root, tracing } = makeFixtureRoot();
		const hostile = ['evil"quote', "it's", 'new\nline', '-rf', '$(touch PWNED)', '`touch PWNED`', '*', 'back\\slash', ' space'];
		for (const name of hostile) {
			mkdirSync(join(tracing, 'events/sched', name));
			writeFileSync(join(tracing, 'events/sched', name, 'format'), readFileSync(join(tracing, 'events/sched/sched_switch/format')));
		}
		writeFileSync(join(tracing, 'available_events'), `sched:evil"quote\nsched:new\nline\n`, { flag: 'a' });
		// A module name that is a path: its BTF must not be looked up.
		writeFileSync(join(root, 'proc/kallsyms'), 'ffffffffc0000000 d __event_x\t[../../etc]\n', { flag: 'a' });
		const run = runCaptureScript(shell, [root]);
		expect(run.result.status, run.result.stderr).toBe(0);
		expect(existsSync(join(root, 'PWNED'))).toBe(false);
		expect(run.left, 'no PWNED beside the archive').toEqual([`atlas-${FIXTURE_RELEASE}.tar.gz`]);
		expect(isEmptyDir(run.tmp)).toBe(true);
		const files = members(run.archive!);
		for (const name of hostile) expect(text(files.get(`events/sched/${name}/format`)), name).toContain('name: sched_switch');
		await expect(readCaptureArchive(readFileSync(run.archive!), run.archive!)).rejects.toThrow(RawCaptureError);
		await expect(readCaptureArchive(readFileSync(run.archive!), run.archive!)).rejects.toThrow(/available_events:\d+: expected "<category>:<name>" .* but found "sched:evil\\"quote"/);
	});

	it('names the archive after uname -r with anything but [A-Za-z0-9._+-] replaced; the import refuses such a release', async () => {
		const release = `6.1.0-evil/../x y'$(id)\``;
		const { root } = makeFixtureRoot({ release });
		const run = runCaptureScript(shell, [root]);
		expect(run.result.status, run.result.stderr).toBe(0);
		expect(run.left).toEqual(['atlas-6.1.0-evil_.._x_y___id__.tar.gz']);
		expect(text(members(run.archive!).get('uname-r'))).toBe(`${release}\n`);
		await expect(readCaptureArchive(readFileSync(run.archive!), run.archive!)).rejects.toThrow(/uname-r: ".*" is not a kernel release we can store/);
	});

	it('refuses a tree without tracefs, and leaves nothing behind', () => {
		const { root } = makeFixtureRoot();
		rmSync(join(root, 'sys/kernel/tracing'), { recursive: true });
		const run = runCaptureScript(shell, [root]);
		expect(run.result.status).toBe(1);
		expect(run.result.stderr).toContain(`atlas-capture: error: no tracefs in ${root}: expected ${root}/sys/kernel/tracing/available_events`);
		expect(run.left).toEqual([]);
		expect(isEmptyDir(run.tmp)).toBe(true);
	});

	it('refuses to read this machine when not root', () => {
		const run = runCaptureScript(shell, [], { uid: 65534 });
		expect(run.result.error, 'setpriv (util-linux) runs the script as nobody').toBeUndefined();
		expect(run.result.status).toBe(1);
		expect(run.result.stderr).toContain('need root: run it as root, e.g.  sudo sh atlas-capture.sh');
		expect(run.left).toEqual([]);
		expect(isEmptyDir(run.tmp)).toBe(true);
	});

	it('removes its scratch directory and the unfinished archive when interrupted', async () => {
		const { root, tracing } = makeFixtureRoot();
		// A format file that blocks the copy until the test interrupts it.
		mkdirSync(join(tracing, 'events/zz/blocked'), { recursive: true });
		expect(spawnSync('mkfifo', [join(tracing, 'events/zz/blocked/format')]).status).toBe(0);
		const { child, cwd, tmp } = startCaptureScript(shell, [root]);
		let stdout = '';
		await new Promise<void>((resolve) =>
			child.stdout.on('data', (chunk: Buffer) => {
				stdout += chunk.toString();
				if (stdout.includes('reading trace events')) resolve();
			}),
		);
		await new Promise((r) => setTimeout(r, 300));
		expect(isEmptyDir(tmp), 'the script is at work in its scratch directory').toBe(false);
		process.kill(-child.pid!, 'SIGTERM');
		const status = await new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : null))));
		expect(status).not.toBe(0);
		expect(isEmptyDir(tmp)).toBe(true);
		expect(isEmptyDir(cwd)).toBe(true);
	});
});

describe('atlas-capture.sh arguments', () => {
	it('says how to use it, and refuses a path that is not a directory', () => {
		const [dash] = shells();
		const help = runCaptureScript(dash!, ['--help']);
		expect(help.result.status).toBe(0);
		expect(help.result.stderr).toContain('usage: sudo sh atlas-capture.sh [ROOT]');
		const missing = join(mkdtempSync(join(tmpdir(), 'atlas-none-')), 'nowhere');
		const run = runCaptureScript(dash!, [missing]);
		expect(run.result.status).toBe(1);
		expect(run.result.stderr).toContain(`${missing} is not a directory`);
		expect(run.left).toEqual([]);
	});
});
