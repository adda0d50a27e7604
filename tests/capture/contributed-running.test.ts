/**
 * System test on this machine's kernel (as root): the served atlas-capture.sh, run under dash and
 * under busybox sh with busybox's applets, writes an archive that `npm run capture -- --archive`
 * turns into the same events, fields and context structs as `npm run capture -- --running`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/data/store.ts';
import type { Snapshot } from '../../src/schemas/snapshot.ts';
import { CAPTURE_SCRIPT, isEmptyDir, runCaptureScript, shells } from './capture-script.ts';

const repo = new URL('../../', import.meta.url).pathname;
const capture = (...args: string[]) => spawnSync(process.execPath, ['scripts/capture.ts', ...args], { cwd: repo, encoding: 'utf8' });
const release = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();

let running: Snapshot;

beforeAll(() => {
	if (process.getuid?.() !== 0) throw new Error('tests/capture/contributed-running.test.ts reads this machine as root: run npm test as root');
	const data = mkdtempSync(join(tmpdir(), 'atlas-running-data-'));
	const run = capture('--running', '--id', 'running', '--data', data);
	if (run.status !== 0) throw new Error(`npm run capture -- --running failed: ${run.stderr}`);
	running = readSnapshot(data, 'running');
});

describe.each(shells().filter((s) => s.name !== 'mksh'))('atlas-capture.sh on this machine under $name', (shell) => {
	it('makes an archive that imports as the same events, fields and structs as --running', () => {
		const script = runCaptureScript(shell, []);
		expect(script.result.status, script.result.stderr).toBe(0);
		expect(script.left).toEqual([`atlas-${release}.tar.gz`]);
		expect(isEmptyDir(script.tmp)).toBe(true);
		expect(script.result.stdout).toMatch(/reading trace events from \/sys\/kernel\/(debug\/)?tracing \((tracefs|debugfs)\)/);

		const data = mkdtempSync(join(tmpdir(), 'atlas-contributed-data-'));
		const run = capture('--archive', script.archive!, '--id', 'mine', '--data', data);
		expect(run.status, run.stderr).toBe(0);
		const mine = readSnapshot(data, 'mine');
		expect(mine.provenance).toMatchObject({
			release: running.provenance.release,
			arch: running.provenance.arch,
			btf: running.provenance.btf,
			syscallTracepoints: running.provenance.syscallTracepoints,
			modulesLoaded: running.provenance.modulesLoaded,
			method: 'capture-script',
		});
		expect(mine.provenance.source).toMatchObject({ kind: 'contributed', procVersion: running.provenance.source.kind === 'running' ? running.provenance.source.procVersion : '' });
		expect(mine.events.map((e) => `${e.category}:${e.name}`)).toEqual(running.events.map((e) => `${e.category}:${e.name}`));
		expect(mine.events.map((e) => e.format)).toEqual(running.events.map((e) => e.format));
		expect(mine.events.map((e) => e.context)).toEqual(running.events.map((e) => e.context));
		expect(mine.events).toEqual(running.events);
		console.log(`${shell.name}: ${mine.events.length} events, ${new Set(mine.events.flatMap((e) => (e.context.match === 'none' ? [] : [e.context.struct.name]))).size} context structs, same as --running`);
	});
});

describe('atlas-capture.sh mounting tracefs', () => {
	it('mounts tracefs when it is not mounted, and says so (in a private mount namespace)', () => {
		const [dash] = shells();
		const cwd = mkdtempSync(join(tmpdir(), 'atlas-script-cwd-'));
		const tmp = mkdtempSync(join(tmpdir(), 'atlas-script-tmp-'));
		// Only this namespace loses its tracefs: the machine's stays mounted for everyone else.
		// tracefs may be mounted there more than once (every engineer's test run mounts it when missing).
		const inner = `while umount /sys/kernel/debug 2>/dev/null; do :; done; while umount /sys/kernel/tracing 2>/dev/null; do :; done; test -e /sys/kernel/tracing/available_events && exit 99; exec dash '${CAPTURE_SCRIPT}'`;
		const run = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', inner], {
			cwd,
			encoding: 'utf8',
			env: { PATH: dash!.path, TMPDIR: tmp },
		});
		expect(run.status, run.stderr).toBe(0);
		expect(run.stdout).toContain('mounted tracefs at /sys/kernel/tracing (left mounted; umount /sys/kernel/tracing undoes it)');
		expect(run.stdout).toContain('reading trace events from /sys/kernel/tracing (tracefs)');
		expect(isEmptyDir(tmp)).toBe(true);
	});
});
