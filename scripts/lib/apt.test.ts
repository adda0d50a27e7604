/**
 * npm test's package install waits for apt's locks instead of dying, and reports a failure in one
 * line. Proven with real apt-get against a scratch copy of dpkg's state and package lists (so the
 * system's own locks are never held), with a real fcntl lock held by another process — the kind
 * apt itself takes (flock(1) locks are invisible to apt). Needs root, like npm test's install.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AptError, installPackages } from './apt.ts';

/**
 * Holds an fcntl write lock on `file`, as apt-get does; resolves once it holds it. It lets go at the
 * time (seconds since the epoch) written into `file`.release, so releases are timed from when the
 * test starts apt-get, not from a slow process start on a busy machine.
 */
async function holdLock(file: string): Promise<ChildProcess> {
	const script = [
		'import fcntl, os, sys, time',
		'f = open(sys.argv[1], "w")',
		'fcntl.lockf(f, fcntl.LOCK_EX)',
		'print("held", flush=True)',
		'release = sys.argv[1] + ".release"',
		'while not os.path.exists(release): time.sleep(0.05)',
		'time.sleep(max(0, float(open(release).read()) - time.time()))',
	].join('\n');
	const holder = spawn('python3', ['-c', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
	await new Promise<void>((resolve, reject) => {
		holder.stdout!.once('data', () => resolve());
		holder.once('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
	});
	return holder;
}
/** Written whole, then renamed into place: the holder must never read a half-written (empty) time. */
function releaseIn(file: string, seconds: number): void {
	writeFileSync(`${file}.release.part`, String(Date.now() / 1000 + seconds));
	renameSync(`${file}.release.part`, `${file}.release`);
}

describe("npm test's apt-get install", () => {
	let scratch: string;
	let options: string[];
	const holders: ChildProcess[] = [];
	beforeAll(() => {
		if (process.getuid?.() !== 0) throw new Error('this test drives apt-get as root, as npm test does: run it as root');
		scratch = mkdtempSync(join(tmpdir(), 'atlas-apt-'));
		for (const dir of ['dpkg/updates', 'lists/partial', 'cache/archives/partial', 'sources.list.d']) mkdirSync(join(scratch, dir), { recursive: true });
		copyFileSync('/var/lib/dpkg/status', join(scratch, 'dpkg', 'status'));
		for (const empty of ['dpkg/lock-frontend', 'dpkg/lock', 'lists/lock', 'sources.list']) writeFileSync(join(scratch, empty), '');
		// No package sources: update has nothing to download, install finds make already installed.
		options = ['-o', `Dir::State::status=${join(scratch, 'dpkg', 'status')}`, '-o', `Dir::State::Lists=${join(scratch, 'lists')}/`, '-o', `Dir::Cache=${join(scratch, 'cache')}/`, '-o', `Dir::Etc::sourcelist=${join(scratch, 'sources.list')}`, '-o', `Dir::Etc::sourceparts=${join(scratch, 'sources.list.d')}`];
	});
	afterAll(() => {
		for (const h of holders) h.kill();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
	});

	it('waits while another process holds the package lists lock and then the dpkg lock, then installs', async () => {
		expect(existsSync('/usr/bin/make')).toBe(true);
		// The holders let go after a few seconds, as a finishing unattended upgrade does.
		const lists = join(scratch, 'lists', 'lock');
		const dpkg = join(scratch, 'dpkg', 'lock-frontend');
		holders.push(await holdLock(lists), await holdLock(dpkg));
		releaseIn(lists, 3);
		releaseIn(dpkg, 6);
		const log: string[] = [];
		const started = Date.now();
		installPackages(['make'], { lockTimeout: 60, options, log: (l) => log.push(l) });
		expect(log.join('\n')).toMatch(/waiting up to \d+ s/);
		// It went on only once both were free: the dpkg lock was held for six seconds.
		expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
	});

	it('gives up after the timeout with one line naming the packages and the command to run by hand', async () => {
		const dpkg = join(scratch, 'dpkg', 'lock-frontend');
		rmSync(`${dpkg}.release`, { force: true });
		holders.push(await holdLock(dpkg));
		releaseIn(dpkg, 60);
		let error: unknown;
		try {
			installPackages(['make', 'cpio'], { lockTimeout: 2, options });
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(AptError);
		const message = (error as Error).message;
		expect(message.split('\n')).toHaveLength(1);
		expect(message).toContain('could not install make, cpio: apt-get install:');
		expect(message).toContain('lock-frontend');
		expect(message).toMatch(/Run as root: apt-get update && apt-get install -y make cpio$/);
	});
});
