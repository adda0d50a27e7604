/**
 * `npm run capture -- --archive FILE` on archives atlas-capture.sh made from fixture trees, and on
 * bad ones: each gets a one-line failure naming the file and what to do, and the data directory —
 * with a kernel already stored in it — is left byte for byte as it was.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot } from '../../src/data/store.ts';
import { ARCHIVE_LIMITS, ArchiveError, readCaptureArchive } from '../../src/lib/capture/archive.ts';
import { FIXTURE_RELEASE, makeFixtureRoot, runCaptureScript, shells } from './capture-script.ts';

const repo = new URL('../../', import.meta.url).pathname;
const capture = (...args: string[]) => spawnSync(process.execPath, ['scripts/capture.ts', ...args], { cwd: repo, encoding: 'utf8' });
const osId = /^ID=(\S+)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]?.replace(/"/g, '');

/** Every file under `dir` with its content hash: equal before and after means nothing changed. */
function fingerprint(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	const walk = (d: string) => {
		for (const name of readdirSync(d).sort()) {
			const path = join(d, name);
			if (statSync(path).isDirectory()) walk(path);
			else out[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
		}
	};
	walk(dir);
	return out;
}

let work: string;
let good: string;
let goodNoBtf: string;
let dataDir: string;

beforeAll(() => {
	work = mkdtempSync(join(tmpdir(), 'atlas-import-'));
	const [dash] = shells();
	const make = (options: Parameters<typeof makeFixtureRoot>[0], name: string) => {
		const run = runCaptureScript(dash!, [makeFixtureRoot(options).root]);
		if (run.result.status !== 0 || !run.archive) throw new Error(`atlas-capture.sh failed: ${run.result.stderr}`);
		copyFileSync(run.archive, join(work, name));
		return join(work, name);
	};
	good = make({}, `atlas-${FIXTURE_RELEASE}.tar.gz`);
	goodNoBtf = make({ btf: false, release: '6.18.44-nobtf' }, 'atlas-6.18.44-nobtf.tar.gz');
	dataDir = join(work, 'data');
	mkdirSync(dataDir);
});

describe('npm run capture -- --archive', () => {
	it('stores an archive as a contributed snapshot, named after its distribution, kernel and machine', () => {
		const run = capture('--archive', good, '--data', dataDir);
		expect(run.status, run.stderr).toBe(0);
		const id = `${osId}-6.18-amd64`;
		expect(listKernelIds(dataDir)).toEqual([id]);
		const snapshot = readSnapshot(dataDir, id);
		expect(snapshot.provenance).toMatchObject({
			release: FIXTURE_RELEASE,
			arch: 'x86_64',
			method: 'capture-script',
			btf: true,
			modulesLoaded: ['xfs'],
			source: { kind: 'contributed', traceSource: 'tracefs', procVersion: `Linux version ${FIXTURE_RELEASE} (fixture) #1 SMP PREEMPT_DYNAMIC` },
		});
		expect(snapshot.provenance.source.kind === 'contributed' && snapshot.provenance.source.os?.name).toBeTruthy();
		expect(run.stdout).toMatch(/events: 8 \(built-in 7, from modules 1\)/);
	});

	it('stores a kernel without BTF beside it under --id', () => {
		const run = capture('--archive', goodNoBtf, '--id', 'reader-nobtf', '--data', dataDir);
		expect(run.status, run.stderr).toBe(0);
		expect(readSnapshot(dataDir, 'reader-nobtf').events.every((e) => e.context.match === 'none')).toBe(true);
	});

	describe('bad input: a one-line failure naming the file and what to do; the data directory unchanged', () => {
		const refuses = (archive: string, message: RegExp | string, ...extra: string[]) => {
			const before = fingerprint(dataDir);
			const run = capture('--archive', archive, '--data', dataDir, ...extra);
			expect(run.status, run.stdout).toBe(1);
			expect(run.stderr.startsWith(`capture: ${archive}: `), run.stderr).toBe(true);
			expect(run.stderr).toMatch(message);
			expect(run.stderr).toContain(`nothing in ${dataDir} changed`);
			expect(fingerprint(dataDir)).toEqual(before);
			return run.stderr;
		};
		const variant = (name: string, bytes: Uint8Array) => {
			writeFileSync(join(work, name), bytes);
			return join(work, name);
		};

		it('a second import of the same kernel, under its id or another', () => {
			expect(listKernelIds(dataDir).length).toBe(2);
			refuses(good, `id ${osId}-6.18-amd64 is already taken by this same kernel, captured on`, '--id', `${osId}-6.18-amd64`);
			refuses(good, /this kernel \(6\.18\.44-fc-v595 x86_64\) is already stored as .*-6\.18-amd64/, '--id', 'again');
			refuses(good, /already taken by this same kernel.*pass --replace to replace it, or --id/);
		});

		it('a truncated archive, one with a flipped byte, and one cut inside its gzip trailer', () => {
			const bytes = readFileSync(good);
			refuses(variant('half.tar.gz', bytes.subarray(0, bytes.length >> 1)), /is damaged or truncated \(it does not unpack as gzip, or its checksum does not match what it unpacks to\).*sudo sh atlas-capture\.sh/);
			refuses(variant('trailer.tar.gz', bytes.subarray(0, bytes.length - 3)), /is damaged or truncated/);
			const flipped = bytes.slice();
			flipped[bytes.length >> 1] = (flipped[bytes.length >> 1] as number) ^ 0xff;
			refuses(variant('flipped.tar.gz', flipped), /is damaged or truncated/);
		});

		it('a tar of something else, and a file that is no archive at all', () => {
			const other = spawnSync('tar', ['-czf', '-', '-C', join(repo, 'src/lib/format'), 'fixtures']).stdout;
			refuses(variant('other.tar.gz', other), /is a tar archive but not a Tracepoint Atlas capture \(it has no atlas-capture-version; it holds "fixtures\//);
			refuses(variant('notes.tar.gz', readFileSync(join(repo, 'README.md'))), /is neither gzip-compressed nor a tar archive/);
		});

		it('an archive of 50 MB, and a small one that unpacks to more than the limit', () => {
			refuses(variant('big.tar.gz', randomBytes(50 * 1024 * 1024)), /is 50\.0 MB; a capture archive is a few MB \(at most 32 MB\)/);
			const bomb = gzipSync(Buffer.alloc(ARCHIVE_LIMITS.uncompressedBytes + 1024 * 1024));
			expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
			refuses(variant('bomb.tar.gz', bomb), /unpacks to more than 256\.0 MB/);
		});

		it('hostile member names', () => {
			const hostile = spawnSync('python3', ['-c', "import io,sys,tarfile\nb=io.BytesIO()\nt=tarfile.open(fileobj=b,mode='w:gz')\ni=tarfile.TarInfo('../../etc/cron.d/evil');i.size=1\nt.addfile(i,io.BytesIO(b'x'))\nt.close()\nsys.stdout.buffer.write(b.getvalue())"]).stdout;
			refuses(variant('escape.tar.gz', hostile), 'member "../../etc/cron.d/evil": ".." in a path is refused');
		});

		it('a missing file, and the data directory given as the archive', () => {
			refuses(join(work, 'nowhere.tar.gz'), /cannot read it \(ENOENT.*give the path of the atlas-<uname -r>\.tar\.gz/);
			refuses(dataDir, /cannot read it \(it is not a file\)/);
		});
	});

	it('replaces its own earlier import with --replace, and nothing else', () => {
		const other = readSnapshot(dataDir, 'reader-nobtf');
		const run = capture('--archive', good, '--replace', '--data', dataDir);
		expect(run.status, run.stderr).toBe(0);
		expect(readSnapshot(dataDir, 'reader-nobtf')).toEqual(other);
	});

	it('refuses archive-only and other-source-only options', () => {
		expect(capture('--archive', good, '--work', work).stderr).toMatch(/--work does not apply to --archive/);
		expect(capture('--running', '--replace').stderr).toMatch(/--replace only applies to --archive/);
		expect(capture('--archive', good, '--mirror', 'x').stderr).toMatch(/--mirror only applies to --debian/);
	});
});

describe('readCaptureArchive', () => {
	it('refuses an archive over the limit before unpacking it, naming it', async () => {
		await expect(readCaptureArchive(new Uint8Array(ARCHIVE_LIMITS.compressedBytes + 1), 'big.tar.gz')).rejects.toThrow(ArchiveError);
		await expect(readCaptureArchive(new Uint8Array(), 'empty.tar.gz')).rejects.toThrow('empty.tar.gz: is empty');
	});

	it('reads an archive that was gunzipped on the way (a plain tar)', async () => {
		const plain = new Uint8Array(spawnSync('gzip', ['-dc', good]).stdout);
		expect((await readCaptureArchive(plain, 'plain.tar')).raw.events).toEqual((await readCaptureArchive(readFileSync(good), good)).raw.events);
	});
});
