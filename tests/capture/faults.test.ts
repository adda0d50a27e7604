/**
 * Fault tests of `npm run capture` (as root): the running kernel captured into a copy of the committed
 * data/ that is read-only in part, on a full disk, on two mounts, or whose capture is stopped by a
 * signal mid-way. Afterwards the copy must be byte for byte what it was (the `git status` of data/ is
 * clean) and no temporary folder may be left; a failure is one line that says nothing changed. Last,
 * strace kills a writer at each rename of its swap, and the next write must undo the half-done swap;
 * and stops one mid-swap, so that a second writer must wait for it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverInterruptedWrite, writeSnapshot } from '../../src/data/store.ts';
import { captureLiveSnapshot } from '../../scripts/generate/live.ts';

const REPO = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
const base = mkdtempSync(join(tmpdir(), 'atlas-faults-'));
const mounts: string[] = [];

function mount(...args: string[]): void {
	execFileSync('mount', args);
	mounts.push(args.at(-1)!);
}
function unmount(dir: string): void {
	execFileSync('umount', [dir]);
	mounts.splice(mounts.lastIndexOf(dir), 1);
}

afterAll(() => {
	for (const dir of mounts.reverse()) execFileSync('umount', ['-l', dir]);
	rmSync(base, { recursive: true, force: true });
});

/** Everything under `dir`, hidden files too, as relative path → bytes. */
function tree(dir: string): Map<string, string> {
	const files = new Map<string, string>();
	for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		const path = join(entry.parentPath, entry.name);
		files.set(path.slice(dir.length), entry.isFile() ? readFileSync(path, 'latin1') : entry.isDirectory() ? '<dir>' : '<other>');
	}
	return files;
}

/** Paths that differ between two trees (for a readable failure instead of a 20 MB diff). */
function differences(a: Map<string, string>, b: Map<string, string>): string[] {
	return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}

const leftovers = (pid: number) => readdirSync(tmpdir()).filter((n) => n.startsWith(`atlas-capture-${pid}-`));

interface Capture {
	pid: number;
	status: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/** `capture --running --data <dataDir>`; `during` may act on the running process (signal it). */
function capture(dataDir: string, during?: (child: { pid: number; stdout: () => string; kill: (s: NodeJS.Signals) => void; done: () => boolean }) => Promise<void>): Promise<Capture> {
	const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'INIT_CWD' && !k.startsWith('npm_')));
	const child = spawn(process.execPath, [join(REPO, 'scripts/capture.ts'), '--running', '--data', dataDir], { cwd: base, env });
	let stdout = '';
	let stderr = '';
	let finished = false;
	child.stdout.on('data', (c: Buffer) => (stdout += c));
	child.stderr.on('data', (c: Buffer) => (stderr += c));
	const ended = new Promise<Capture>((done) =>
		child.on('close', (status, signal) => {
			finished = true;
			done({ pid: child.pid!, status, signal, stdout, stderr });
		}),
	);
	void during?.({ pid: child.pid!, stdout: () => stdout, kill: (s) => child.kill(s), done: () => finished });
	return ended;
}

/** A failure line as every CLI prints it, saying data did not change. */
function expectCleanFailure(r: Capture, dataDir: string, problem: RegExp): void {
	expect(r.status, r.stderr).toBe(1);
	expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
	expect(r.stderr).toMatch(/^capture: /);
	expect(r.stderr).toMatch(problem);
	expect(r.stderr.trimEnd().endsWith(`(nothing in ${dataDir} changed)`), r.stderr).toBe(true);
}

let original: Map<string, string>;
let afterCapture: Map<string, string>;
let copies = 0;

/** A fresh copy of the committed data/ at `<parent>/data`. */
function copyData(parent = join(base, `copy-${++copies}`)): string {
	mkdirSync(parent, { recursive: true });
	cpSync(join(REPO, 'data'), join(parent, 'data'), { recursive: true });
	return join(parent, 'data');
}

beforeAll(() => {
	if (process.getuid?.() !== 0) throw new Error('tests/capture/faults.test.ts captures the running kernel and mounts file systems: run npm test as root');
	original = tree(join(REPO, 'data'));
});

describe('capture into a damaged or interrupted data folder', () => {
	it('control: a capture that succeeds adds its kernel and leaves no staging or temporary folder', async () => {
		const data = copyData();
		const r = await capture(data);
		expect(r.status, r.stderr).toBe(0);
		afterCapture = tree(data);
		const changed = differences(original, afterCapture);
		expect(changed.some((path) => /^\/kernels\/running-[\d.]+-\w+\.json$/.test(path))).toBe(true);
		expect(changed.filter((path) => path.includes('.staging') || path.includes('.tmp-'))).toEqual([]);
		expect(leftovers(r.pid)).toEqual([]);
	});

	it('read-only data/kernels (a read-only bind mount): refused, nothing changed', async () => {
		const data = copyData();
		mount('--bind', join(data, 'kernels'), join(data, 'kernels'));
		execFileSync('mount', ['-o', 'remount,bind,ro', join(data, 'kernels')]);
		const r = await capture(data);
		unmount(join(data, 'kernels'));
		expectCleanFailure(r, data, new RegExp(`${data}/kernels: cannot write it \\(read-only file system\\); make it writable or choose another --data folder`));
		expect(differences(original, tree(data))).toEqual([]);
		expect(leftovers(r.pid)).toEqual([]);
	});

	it('a full disk (a tmpfs with 512 KiB free): refused, nothing changed, no *.tmp-* or staging files', async () => {
		const disk = join(base, 'full-disk');
		mkdirSync(disk);
		mount('-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', disk);
		const data = copyData(disk);
		const { blocks, bfree, bsize } = statfsSync(disk);
		execFileSync('mount', ['-o', `remount,size=${(Number(blocks) - Number(bfree)) * Number(bsize) + 512 * 1024}`, disk]);
		const r = await capture(data);
		expectCleanFailure(r, data, /cannot write it \(no space left on the device\)/);
		expect(differences(original, tree(data))).toEqual([]);
		expect(leftovers(r.pid)).toEqual([]);
	});

	it('data/kernels on another mount: the pools already swapped in are put back when the kernel file cannot follow', async () => {
		const data = copyData();
		const kernels = join(data, 'kernels');
		renameSync(kernels, `${kernels}.held`);
		mkdirSync(kernels);
		mount('-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', kernels);
		cpSync(`${kernels}.held`, kernels, { recursive: true });
		rmSync(`${kernels}.held`, { recursive: true });
		const r = await capture(data);
		expectCleanFailure(r, data, /kernels\/running-[\d.]+-\w+\.json: cannot write it \(on another mount than the data folder\)/);
		expect(differences(original, tree(data))).toEqual([]);
		unmount(kernels);
		expect(leftovers(r.pid)).toEqual([]);
	});

	it('SIGTERM while the snapshot is built: stops with status 143 before writing, nothing changed, temporary folder removed', async () => {
		const data = copyData();
		const r = await capture(data, async (child) => {
			while (!child.done() && !child.stdout().includes('building snapshot')) await sleep(5);
			child.kill('SIGTERM');
		});
		expect(r.stdout).toContain('building snapshot');
		expect(r.stdout).not.toContain('wrote ');
		expect(r.status).toBe(143);
		expect(differences(original, tree(data))).toEqual([]);
		expect(leftovers(r.pid)).toEqual([]);
	});

	it('SIGKILL while writing: data/ files untouched; the next capture cleans up the staging and temporary folders and writes the same result', async () => {
		const data = copyData();
		const staging = join(data, '.staging');
		const killed = await capture(data, async (child) => {
			while (!child.done() && !existsSync(staging)) await sleep(1);
			child.kill('SIGKILL');
		});
		expect(killed.signal).toBe('SIGKILL');
		expect(existsSync(staging), 'killed while data/.staging existed').toBe(true);
		expect(differences(original, tree(data)).filter((path) => !path.startsWith('/.staging'))).toEqual([]);
		expect(leftovers(killed.pid)).toHaveLength(1);

		const next = await capture(data);
		expect(next.status, next.stderr).toBe(0);
		expect(differences(afterCapture, tree(data))).toEqual([]);
		expect(leftovers(killed.pid)).toEqual([]);
		expect(leftovers(next.pid)).toEqual([]);
	});
});

describe('a writer killed at any step of its swap (strace kills it at its n-th rename)', () => {
	const snapshotFile = join(base, 'live-snapshot.json');
	const store = join(REPO, 'src/data/store.ts');
	const writer = (data: string) => `import { readFileSync } from 'node:fs'; import { writeSnapshot } from ${JSON.stringify(store)}; writeSnapshot(${JSON.stringify(data)}, JSON.parse(readFileSync(${JSON.stringify(snapshotFile)}, 'utf8')));`;
	const traced = (data: string, inject: string[] = []) => ['-f', '-qq', '-e', 'trace=rename', ...inject, process.execPath, '--input-type=module', '-e', writer(data)];
	/** data/ after an uninterrupted write of the snapshot. */
	let written: Map<string, string>;
	let swapRenames: number;

	beforeAll(() => {
		writeFileSync(snapshotFile, JSON.stringify(captureLiveSnapshot()));
		// Renames of a write: the staging folder taking the lock, then one per changed file (the kernel file last).
		const data = copyData();
		const renames = spawnSync('strace', traced(data), { encoding: 'utf8' });
		if (renames.status !== 0) throw new Error(`writing the live snapshot under strace failed: ${renames.stderr}`);
		swapRenames = renames.stderr.split('\n').filter((l) => /rename\(.*\.staging\/new\//.test(l)).length;
		written = tree(data);
	});

	it('the next write finds data/ half swapped and puts every file back', () => {
		expect(swapRenames).toBeGreaterThan(2);
		for (const n of [1, 2, 3, Math.ceil(swapRenames / 2), swapRenames + 1]) {
			const data = copyData();
			const killed = spawnSync('strace', ['-o', '/dev/null', ...traced(data, ['-e', `inject=rename:signal=KILL:when=${n}`])], { encoding: 'utf8' });
			expect(killed.signal ?? killed.status, `rename ${n}`).not.toBe(0);
			const halfDone = differences(original, tree(data)).filter((path) => !/^\/\.staging/.test(path));
			// Killed at the k-th swap rename (n = k + 1), k - 1 files were already replaced.
			expect(halfDone.length, `rename ${n}: ${halfDone.join(' ')}`).toBe(n <= 2 ? 0 : n - 2);
			recoverInterruptedWrite(data);
			expect(differences(original, tree(data)), `rename ${n}`).toEqual([]);
		}
	});

	it('one writer at a time: a write while another is stopped mid-swap is refused naming it; once that one is killed, the next write undoes it and succeeds', async () => {
		const data = copyData();
		const stopped = spawn('strace', ['-o', '/dev/null', ...traced(data, ['-e', 'inject=rename:signal=STOP:when=3'])], { stdio: 'ignore' });
		const ended = new Promise((done) => stopped.on('exit', done));
		const owner = () => Number.parseInt(readFileSync(join(data, '.staging', 'owner'), 'utf8'), 10);
		const state = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
		while (!existsSync(join(data, '.staging', 'journal')) || !['t', 'T'].includes(state(owner()) ?? '')) await sleep(20);
		const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8'));
		expect(() => writeSnapshot(data, snapshot)).toThrow(`${data}: process ${owner()} is writing it (see ${join(data, '.staging')}); wait until it ends, then run this again`);
		// A stop is delivered as the third rename returns: two files are swapped.
		expect(differences(original, tree(data)).filter((path) => !/^\/\.staging/.test(path))).toHaveLength(2);
		process.kill(owner(), 'SIGKILL');
		await ended;
		writeSnapshot(data, snapshot);
		expect(differences(written, tree(data))).toEqual([]);
	});
});
