/**
 * Every CLI misused as a careless user or an attacker would: each failure must be one line on stderr
 * that names the command and the input, with exit status 1 and no stack trace, and must touch nothing.
 * Runs the real scripts on a small data folder cut from the committed snapshots.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot, writeSnapshot } from '../../src/data/store.ts';
import { writeVerifyResult, readVerifyResult } from '../../src/data/verify.ts';

const REPO = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
const work = mkdtempSync(join(tmpdir(), 'atlas-misuse-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
	pid: number;
	ms: number;
}

/** Runs a command without npm's variables (so relative paths are the cwd's), unless `env` brings them. */
function run(file: string, args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Run> {
	const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'INIT_CWD' && !k.startsWith('npm_'))) as Record<string, string>;
	const started = performance.now();
	const child = spawn(file, args, { cwd: options.cwd ?? work, env: { ...env, ...options.env } });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (c: Buffer) => (stdout += c));
	child.stderr.on('data', (c: Buffer) => (stderr += c));
	const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
	return new Promise((done) =>
		child.on('close', (status) => {
			clearTimeout(timer);
			done({ status, stdout, stderr, pid: child.pid!, ms: performance.now() - started });
		}),
	);
}
const script = (name: string) => (...args: string[]) => run(process.execPath, [join(REPO, 'scripts', `${name}.ts`), ...args]);
const capture = script('capture');
const generate = script('generate');
const verify = script('verify');
const reportVerify = script('report-verify');
const reportGenerate = script('report-generate');
const bench = script('bench');

/** The one-line failure every CLI promises. */
function expectFailure(r: Run, command: string, message: RegExp): void {
	const detail = `stderr: ${r.stderr}`;
	expect(r.status, detail).toBe(1);
	expect(r.stderr.endsWith('\n'), detail).toBe(true);
	expect(r.stderr.trimEnd().split('\n'), detail).toHaveLength(1);
	expect(r.stderr, detail).toMatch(new RegExp(`^${command}: `));
	expect(r.stderr, detail).toMatch(message);
	expect(r.stderr, detail).not.toMatch(/\bat .*\.ts:\d+/);
}

/** Everything under `dir` (hidden files too) as path → bytes, to compare a folder before and after. */
function tree(dir: string): Map<string, string> {
	const files = new Map<string, string>();
	for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		const path = join(entry.parentPath, entry.name);
		files.set(path.slice(dir.length), entry.isFile() ? readFileSync(path, 'latin1') : entry.isDirectory() ? '<dir>' : '<other>');
	}
	return files;
}

const captureLeftovers = (pid: number) => readdirSync(tmpdir()).filter((n) => n.startsWith(`atlas-capture-${pid}-`));

let data: string;
let kernels: [string, string];

beforeAll(() => {
	// Two real kernels, cut to one category so each command reads it in well under a second.
	const committed = join(REPO, 'data');
	const ids = listKernelIds(committed);
	if (ids.length < 2) throw new Error(`${committed} holds ${ids.length} kernels; these tests need two`);
	kernels = [ids[0]!, ids[1]!];
	data = join(work, 'data');
	for (const id of kernels) {
		const snapshot = readSnapshot(committed, id);
		writeSnapshot(data, { ...snapshot, events: snapshot.events.filter((e) => e.category === 'sched') });
	}
	const result = readVerifyResult(committed, kernels[0]);
	if (result) writeVerifyResult(data, result);
});

/** A copy of the fixture data folder with `damage` applied. */
function damagedData(name: string, damage: (dir: string) => void): string {
	const dir = join(work, name);
	cpSync(data, dir, { recursive: true });
	damage(dir);
	return dir;
}

describe('capture refuses bad input before any work, in one line', () => {
	it('a repeated flag, a suite name that is not one, a mirror that is not a URL, an id that is not one', async () => {
		const runs = await Promise.all([
			capture('--running', '--data', data, '--data', join(work, 'other')),
			capture('--running', '--running'),
			capture('--debian', '../..'),
			capture('--debian', 'bookworm\ndeb [trusted=yes] http://evil.invalid/ sid main'),
			capture('--debian', 'bookworm', '--mirror', 'http://mirror.invalid/debian [trusted=yes]'),
			capture('--debian', 'bookworm', '--mirror', 'ftp://mirror.invalid/debian'),
			capture('--debian', 'bookworm', '--arch', 'sparc'),
			capture('--running', '--id', '../../etc/x'),
			capture('--running', '--id', 'A'.repeat(300)),
		]);
		const expected: [RegExp][] = [
			[/--data is given twice \(".*" and ".*other"\); give it once/],
			[/--running is given twice; give it once/],
			[/--debian "\.\.\/\.\." is not a Debian suite name; use a codename or alias such as bookworm/],
			[/--debian "bookworm\\ndeb \[trusted=yes\].*" is not a Debian suite name/],
			[/--mirror "http:\/\/mirror\.invalid\/debian \[trusted=yes\]" is not a mirror URL/],
			[/--mirror "ftp:.*" is not a mirror URL; give one like http/],
			[/unknown architecture "sparc"; known: amd64, arm64/],
			[/--id "\.\.\/\.\.\/etc\/x" is not a snapshot id/],
			[/--id "A+" is not a snapshot id; use up to 64 lowercase letters/],
		];
		runs.forEach((r, i) => expectFailure(r, 'capture', expected[i]![0]));
		for (const r of runs) expect(r.stdout).toBe('');
		expect(existsSync(join(REPO, '.cache/kernels/..-amd64'))).toBe(false);
	});

	it('a --work folder that is not empty or is a file (stale work files are never reused), a --data that is a file', async () => {
		const used = join(work, 'used-work');
		mkdirSync(join(used, 'raw', 'btf'), { recursive: true });
		writeFileSync(join(used, 'raw', 'btf', 'stale_module'), 'old BTF');
		const file = join(work, 'work-file');
		writeFileSync(file, 'x');
		const before = tree(data);
		expectFailure(await capture('--running', '--data', data, '--work', used), 'capture', new RegExp(`--work ${used} is not empty \\(raw\\); give an empty or new folder`));
		expectFailure(await capture('--running', '--data', data, '--work', file), 'capture', new RegExp(`--work ${file} is a file`));
		expectFailure(await capture('--running', '--data', file), 'capture', new RegExp(`--data ${file} is not a folder; give the data folder to write into`));
		expect(readFileSync(join(used, 'raw', 'btf', 'stale_module'), 'utf8')).toBe('old BTF');
		expect(tree(data)).toEqual(before);
	});

	it('not root: refused in one line, its temporary folder removed, nothing in data changed', async () => {
		const owned = damagedData('nobody-data', () => {});
		const before = tree(owned);
		// As user nobody, kept able to read the checkout wherever it is (/root, say): only root's other powers are gone.
		const nobody = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search'];
		const r = await run('setpriv', [...nobody, process.execPath, join(REPO, 'scripts/capture.ts'), '--running', '--data', owned], { cwd: '/' });
		expectFailure(r, 'capture', /need root: run it as root .*\(nothing in .*nobody-data changed\)$/m);
		expect(captureLeftovers(r.pid)).toEqual([]);
		expect(tree(owned)).toEqual(before);
	});

	it('relative --data and --work are the caller\'s folder under npm run, not the repository\'s', async () => {
		const caller = join(work, 'caller');
		mkdirSync(join(caller, 'rel-work'), { recursive: true });
		writeFileSync(join(caller, 'rel-work', 'old'), 'x');
		const r = await run('npm', ['--prefix', REPO, 'run', '--silent', 'capture', '--', '--running', '--work', 'rel-work'], { cwd: caller });
		expect(r.status).not.toBe(0);
		expect(r.stderr).toContain(`capture: --work ${join(caller, 'rel-work')} is not empty (old)`);
	});
});

describe('generate', () => {
	const [a, b] = [() => kernels[0], () => kernels[1]];

	it('--out under /proc, at a file, or where nothing may be written: one line, at once', async () => {
		const file = join(work, 'a-file');
		writeFileSync(file, 'mine');
		const runs = await Promise.all(
			['/proc/atlas-x', '/proc/atlas-x/y/z', file, '/sys/atlas-x', '/dev/null/x'].map((out) => generate('sched:sched_switch', '--kernel', a(), '--data', data, '--out', out)),
		);
		expectFailure(runs[0]!, 'generate', /cannot write the project to --out \/proc\/atlas-x: \/proc\/atlas-x: no such file or folder; choose another folder/);
		expectFailure(runs[1]!, 'generate', /cannot write the project to --out \/proc\/atlas-x\/y\/z: \/proc\/atlas-x: no such file or folder/);
		expectFailure(runs[2]!, 'generate', new RegExp(`--out ${file} is a file; give a folder`));
		expectFailure(runs[3]!, 'generate', /cannot write the project to --out \/sys\/atlas-x: \/sys\/atlas-x: operation not permitted/);
		expectFailure(runs[4]!, 'generate', /cannot write the project to --out \/dev\/null\/x: .*a part of the path is a file/);
		for (const r of runs) expect(r.ms).toBeLessThan(60_000);
		expect(readFileSync(file, 'utf8')).toBe('mine');
	});

	it('--force replaces a symbolic link named like a project file instead of writing through it', async () => {
		const out = join(work, 'forced');
		mkdirSync(out);
		const victim = join(work, 'victim');
		writeFileSync(victim, 'precious\n');
		symlinkSync(victim, join(out, 'Makefile'));
		const r = await generate('sched:sched_switch', '--kernel', a(), '--data', data, '--out', out, '--force');
		expect(r.status, r.stderr).toBe(0);
		expect(readFileSync(victim, 'utf8')).toBe('precious\n');
		expect(lstatSync(join(out, 'Makefile')).isSymbolicLink()).toBe(false);
		expect(readFileSync(join(out, 'Makefile'), 'utf8')).toMatch(/^# /);
		expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
	});

	it('a repeated flag or a --data that is not a folder', async () => {
		const [twice, missing] = await Promise.all([
			generate('sched:sched_switch', '--kernel', a(), '--kernel', b(), '--data', data),
			generate('sched:sched_switch', '--kernel', a(), '--data', join(work, 'no-such-data')),
		]);
		expectFailure(twice, 'generate', new RegExp(`--kernel is given twice \\("${a()}" and "${b()}"\\); give it once`));
		expectFailure(missing, 'generate', /--data .*no-such-data is not a folder/);
	});

	it('one damaged kernel file fails only the commands that need that kernel, naming the file', async () => {
		const damaged = damagedData('damaged-kernel', (dir) => writeFileSync(join(dir, 'kernels', `${b()}.json`), '{"provenance": {"id": "'));
		const brokenFile = join(damaged, 'kernels', `${b()}.json`);
		const out = join(work, 'from-good-kernel');
		const [good, bad, list] = await Promise.all([
			generate('sched:sched_switch', '--kernel', a(), '--data', damaged, '--out', out),
			generate('sched:sched_switch', '--kernel', b(), '--data', damaged, '--out', join(work, 'from-bad-kernel')),
			generate('--list-kernels', '--data', damaged),
		]);
		expect(good.status, good.stderr).toBe(0);
		expect(readdirSync(out)).toContain('sched_switch.bpf.c');
		expect(good.stderr).toMatch(new RegExp(`^generate: warning: kernel ${b()} left out of the "captured on" notes: ${brokenFile}: not valid JSON`));
		expectFailure(bad, 'generate', new RegExp(`${brokenFile}: not valid JSON .*; restore it with \`git checkout -- ${brokenFile}\``));
		expect(existsSync(join(work, 'from-bad-kernel'))).toBe(false);
		expect(list.status).toBe(0);
		expect(list.stdout).toMatch(new RegExp(`^${a()}\\t`, 'm'));
		expect(list.stdout).toMatch(new RegExp(`^${b()}\\tunreadable: ${brokenFile}: not valid JSON`, 'm'));
	});

	it('a damaged shared pool or a kernel file that breaks its schema: one line naming the file', async () => {
		const pool = damagedData('damaged-pool', (dir) => writeFileSync(join(dir, 'structs.json'), '{"0123456789abcdef": {"name": 5}}'));
		const schema = damagedData('damaged-schema', (dir) => {
			const file = join(dir, 'kernels', `${a()}.json`);
			writeFileSync(file, readFileSync(file, 'utf8').replace(/"format":"[0-9a-f]{16}"/, '"format":"$(reboot)"'));
		});
		const [r1, r2] = await Promise.all([
			generate('sched:sched_switch', '--kernel', a(), '--data', pool),
			generate('sched:sched_switch', '--kernel', a(), '--data', schema),
		]);
		// Pool entries are checked where an event uses them: the replaced pool lacks the first struct asked for.
		expectFailure(r1, 'generate', new RegExp(`struct [0-9a-f]{16} is not in ${join(pool, 'structs.json')}`));
		expectFailure(r2, 'generate', new RegExp(`${join(schema, 'kernels', `${a()}.json`)}: does not match its schema: event .* at events\\[\\d+\\]\\.format: .*; restore it with`));
	});

	it('relative --out and --data are the caller\'s folder under npm run', async () => {
		const caller = join(work, 'gen-caller');
		mkdirSync(caller);
		cpSync(data, join(caller, 'my-data'), { recursive: true });
		const r = await run('npm', ['--prefix', REPO, 'run', '--silent', 'generate', '--', 'sched:sched_switch', '--kernel', a(), '--data', 'my-data', '--out', 'my-project'], { cwd: caller });
		expect(r.status, r.stderr).toBe(0);
		expect(readdirSync(join(caller, 'my-project'))).toContain('sched_switch.bpf.c');
		expect(existsSync(join(REPO, 'my-project'))).toBe(false);
	});
});

describe('verify and the report scripts', () => {
	it('verify: a repeated flag, and a damaged kernel file named in one line', async () => {
		const damaged = damagedData('verify-damaged', (dir) => writeFileSync(join(dir, 'kernels', `${kernels[0]}.json`), 'garbage'));
		const [twice, bad] = await Promise.all([verify('--all', '--data', data, '--data', data), verify('--all', '--data', damaged)]);
		expectFailure(twice, 'verify', /--data is given twice/);
		expectFailure(bad, 'verify', new RegExp(`${join(damaged, 'kernels', `${kernels[0]}.json`)}: not valid JSON`));
	});

	it('report-verify: a damaged result file named in one line; report-generate and bench: flags checked before any work', async () => {
		const damaged = damagedData('report-damaged', (dir) => {
			mkdirSync(join(dir, 'verify'), { recursive: true });
			writeFileSync(join(dir, 'verify', `${kernels[0]}.json`), '{"kernel": 1}');
		});
		const [bad, twice, unknown, noBuild, benchTwice] = await Promise.all([
			reportVerify('--data', damaged),
			reportGenerate('--no-attach', '--no-attach'),
			reportGenerate('--attach'),
			bench('--dist', 'no-such-build'),
			bench('--dist', work, '--dist', work),
		]);
		expectFailure(bad, 'report-verify', new RegExp(`${join(damaged, 'verify', `${kernels[0]}.json`)}: does not match its schema: .*; run \`npm run verify -- --kernel ${kernels[0]}\` again`));
		expectFailure(twice, 'report-generate', /--no-attach is given twice; give it once/);
		expectFailure(unknown, 'report-generate', /Unknown option '--attach'/);
		expectFailure(noBuild, 'bench', new RegExp(`--dist ${join(work, 'no-such-build')} has no index.html`));
		expectFailure(benchTwice, 'bench', /--dist is given twice/);
	});
});
