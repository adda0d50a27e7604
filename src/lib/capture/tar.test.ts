/**
 * The tar reader on archives written by real tar implementations — GNU tar (gnu and pax formats),
 * busybox tar, Python's tarfile — including the hostile members only a hand-driven writer makes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTar, TarError } from './tar.ts';

const LONG = `${'a'.repeat(60)}/${'b'.repeat(70)}/${'c'.repeat(40)}`;

/** A small tree: a nested file, a long path, a non-ASCII name, an empty file. */
function makeTree(): string {
	const dir = mkdtempSync(join(tmpdir(), 'atlas-tar-'));
	mkdirSync(join(dir, 'events/sched/sched_switch'), { recursive: true });
	writeFileSync(join(dir, 'events/sched/sched_switch/format'), 'name: sched_switch\n');
	mkdirSync(join(dir, LONG, '..'), { recursive: true });
	writeFileSync(join(dir, LONG), 'long\n');
	writeFileSync(join(dir, 'événement'), 'utf8\n');
	writeFileSync(join(dir, 'empty'), '');
	return dir;
}

function tarWith(argv: string[], cwd: string): Uint8Array {
	const run = spawnSync(argv[0] as string, argv.slice(1), { cwd, maxBuffer: 64 << 20 });
	if (run.status !== 0) throw new Error(`${argv.join(' ')}: ${run.stderr}`);
	return run.stdout;
}

/** Python tarfile programs, one archive each (`add(name, data, type, link)` adds a member), run in one process. */
function python(bodies: string[]): Uint8Array[] {
	const program = `import base64, io, json, sys, tarfile
def make(body):
    buf = io.BytesIO()
    t = tarfile.open(fileobj=buf, mode='w', format=tarfile.GNU_FORMAT)
    def add(name, data=b'x', type=tarfile.REGTYPE, link=''):
        i = tarfile.TarInfo(name); i.type = type; i.linkname = link; i.size = len(data) if type == tarfile.REGTYPE else 0
        t.addfile(i, io.BytesIO(data) if type == tarfile.REGTYPE else None)
    exec(body)
    t.close()
    return base64.b64encode(buf.getvalue()).decode()
print(json.dumps([make(b) for b in json.load(sys.stdin)]))
`;
	const run = spawnSync('python3', ['-c', program], { input: JSON.stringify(bodies), encoding: 'utf8', maxBuffer: 64 << 20 });
	if (run.status !== 0) throw new Error(`python3: ${run.stderr}`);
	return (JSON.parse(run.stdout) as string[]).map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
}

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

describe('readTar', () => {
	const tree = makeTree();
	for (const [writer, argv] of [
		['GNU tar, gnu format', ['tar', '--format=gnu', '-cf', '-', '.']],
		['GNU tar, pax format', ['tar', '--format=pax', '-cf', '-', '.']],
		['GNU tar, ustar format', ['tar', '--format=ustar', '-cf', '-', '.']],
		['busybox tar', ['busybox', 'tar', '-cf', '-', '.']],
	] as const) {
		it(`reads what ${writer} writes`, () => {
			const { files, directories } = readTar(tarWith([...argv], tree));
			expect(text(files.get('events/sched/sched_switch/format'))).toBe('name: sched_switch\n');
			expect(text(files.get(LONG))).toBe('long\n');
			expect(text(files.get('événement'))).toBe('utf8\n');
			expect(files.get('empty')?.length).toBe(0);
			expect(directories.has('events/sched')).toBe(true);
			expect([...files.keys()].sort()).toEqual(['empty', 'events/sched/sched_switch/format', LONG, 'événement'].sort());
		});
	}

	it('refuses paths that leave the archive, links, devices and duplicates, naming the member', () => {
		const cases: [string, string][] = [
			["add('../evil')", 'member "../evil": ".." in a path is refused'],
			["add('events/../../evil')", '".." in a path is refused'],
			["add('/etc/evil')", 'member "/etc/evil": absolute paths are refused'],
			["add('btf/vmlinux', type=tarfile.SYMTYPE, link='/sys/kernel/btf/vmlinux')", 'member "btf/vmlinux" is a symbolic link; only regular files and directories are accepted'],
			["add('a'); add('b', type=tarfile.LNKTYPE, link='a')", 'member "b" is a hard link'],
			["add('null', type=tarfile.CHRTYPE)", 'member "null" is of type "3"'],
			["add('fifo', type=tarfile.FIFOTYPE)", 'member "fifo" is of type "6"'],
			["add('uname-r', b'6.1'); add('./uname-r', b'evil')", 'member "uname-r" appears twice'],
			["add('a//b')", 'empty or "." path components are refused'],
			["add('a' * 2000)", 'its name is longer than 1024 bytes'],
		];
		const archives = python(cases.map(([body]) => body));
		cases.forEach(([body, message], i) => expect(() => readTar(archives[i]!), body).toThrow(message));
	});

	it('keeps names with quotes and newlines exactly, for the capture checks to refuse', () => {
		const [archive] = python([`add('events/sched/evil"quote/format'); add('events/sched/new\\nline/format')`]);
		const { files } = readTar(archive!);
		expect([...files.keys()]).toEqual(['events/sched/evil"quote/format', 'events/sched/new\nline/format']);
	});

	it('says what is wrong with a truncated, damaged or foreign file', () => {
		const tar = tarWith(['tar', '--format=gnu', '-cf', '-', '.'], tree);
		// Every prefix that stops before the end-of-archive marker is refused as truncated.
		const contentEnd = Math.ceil((tar.findLastIndex((b) => b !== 0) + 1) / 512) * 512;
		for (let cut = 0; cut <= contentEnd; cut += 101) {
			expect(() => readTar(tar.subarray(0, cut)), `cut at ${cut}`).toThrow(TarError);
			expect(() => readTar(tar.subarray(0, cut)), `cut at ${cut}`).toThrow(/^truncated: /);
		}
		const damaged = tar.slice();
		damaged[1024 + 10] = 0x41; // inside the name of the first member after the root directory
		expect(() => readTar(damaged)).toThrow(/^damaged: the tar header at byte 1024 has a bad checksum/);
		expect(() => readTar(readFileSync(new URL('../format/fixtures/sched.sched_switch.format', import.meta.url)))).toThrow(
			'not a tar archive (its first header has no valid checksum)',
		);
	});
});
