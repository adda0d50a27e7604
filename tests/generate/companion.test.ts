/**
 * companion/: the generator's copy of it is current, and its Makefile and loader helpers stop with a
 * message that says what to do when the machine cannot build or run a program.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot } from '../../src/data/store.ts';
import { COMPANION_FILES } from '../../src/lib/generate/companion.ts';
import { companionModule, readCompanionFiles } from '../../src/lib/generate/companion-sync.ts';
import { capturedOnFrom, generateProject, type GeneratorOptions } from '../../src/lib/generate/index.ts';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';
import { captureLiveSnapshot } from '../../scripts/generate/live.ts';
import { COMPANION, readRepoFile, REPO, requireTools, run } from './harness.ts';

const work = mkdtempSync(join(tmpdir(), 'atlas-companion-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let live: Snapshot;

beforeAll(() => {
	requireTools();
	live = captureLiveSnapshot();
});

/** A copy of companion/ holding the generated files of `project`. */
function projectDir(name: string, files: { path: string; content: string; origin: string }[]): string {
	const dir = join(work, name);
	cpSync(COMPANION, dir, { recursive: true });
	for (const f of files.filter((f) => f.origin === 'generated')) writeFileSync(join(dir, f.path), f.content);
	return dir;
}

function generated(snapshot: Snapshot, event: Event, options: Partial<GeneratorOptions> = {}, capturedOn?: Parameters<typeof capturedOnFrom>[0]) {
	return generateProject({ kernel: snapshot.provenance, events: [event], ...(capturedOn ? { capturedOn: capturedOnFrom(capturedOn) } : {}) }, options);
}

/** An executable shell script standing in for a tool. */
function fakeTool(name: string, script: string): string {
	const path = join(work, name);
	writeFileSync(path, `#!/bin/sh\n${script}\n`);
	chmodSync(path, 0o755);
	return path;
}

describe('companion/', () => {
	it('is what the generator ships (src/lib/generate/companion.ts is current: npm run generate -- --sync-companion)', () => {
		expect(readRepoFile('src/lib/generate/companion.ts')).toBe(companionModule(readCompanionFiles(COMPANION)));
		expect(COMPANION_FILES.map((f) => f.path)).toEqual(['.gitignore', 'Makefile', 'tp_helpers.h']);
	});

	it('make with no program says to put one in', async () => {
		const r = await run('make', ['-C', projectDir('empty', [])]);
		expect(r.status).not.toBe(0);
		expect(r.stderr).toContain('There is no <app>.bpf.c here: put the files of a generated program into this folder first.');
	});

	describe('with a program', () => {
		const exec = () => live.events.find((e) => e.category === 'sched' && e.name === 'sched_process_exec') as Event;

		it('make names a clang or libbpf that is too old, and a kernel without BTF', async () => {
			const dir = projectDir('tools', generated(live, exec()).files);
			const clang10 = fakeTool('clang-10', 'echo 10.0.1');
			const libbpf05 = fakeTool('pkg-config-05', 'case "$*" in *--atleast-version*) exit 1;; *--modversion*) echo 0.5.0;; *) exit 0;; esac');
			expect((await run('make', ['-C', dir, `CLANG=${clang10}`])).stderr).toContain('clang 10 is too old: BPF CO-RE needs clang 11 or newer');
			expect((await run('make', ['-C', dir, `PKG_CONFIG=${libbpf05}`])).stderr).toContain('libbpf 0.5.0 is too old: these loaders use the libbpf 1.0.0 API');
			expect((await run('make', ['-C', dir, 'KERNEL_BTF=/nonexistent/vmlinux'])).stderr).toContain(
				'/nonexistent/vmlinux is missing: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF), so there is no vmlinux.h. Generate the program with the portable context (--context portable) instead.',
			);
		});

		it('the loader asks for root', async () => {
			const dir = projectDir('root', generated(live, exec()).files);
			expect((await run('make', ['-C', dir])).status).toBe(0);
			const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', join(dir, 'sched_process_exec')], { encoding: 'utf8' });
			expect(r.status).toBe(1);
			expect(r.stderr).toBe('Run this program as root (with sudo): it reads the tracepoints under tracefs, which only root may open, and loads BPF programs.\n');
		});

		it('the loader says when tracefs is not mounted, or the kernel has no BTF (hidden in a private mount namespace)', async () => {
			if (process.getuid?.() !== 0) throw new Error('this test mounts in a private namespace: run it as root (npm test does)');
			const dir = projectDir('hidden', generated(live, exec()).files);
			expect((await run('make', ['-C', dir])).status).toBe(0);
			const program = join(dir, 'sched_process_exec');
			const hide = (paths: string[]) => run('unshare', ['--mount', 'sh', '-c', `${paths.map((p) => `mount -t tmpfs none ${p} && `).join('')}exec ${program}`]);
			const noTracefs = await hide(['/sys/kernel/tracing', '/sys/kernel/debug']);
			expect(noTracefs.status).toBe(1);
			expect(noTracefs.stderr).toBe('tracefs is not mounted, so the tracepoints cannot be found. Mount it with:\n  sudo mount -t tracefs nodev /sys/kernel/tracing\n');
			const noBtf = await hide(['/sys/kernel/btf']);
			expect(noBtf.status).toBe(1);
			expect(noBtf.stderr).toMatch(/^This kernel \(\S+\) has no BTF \(\/sys\/kernel\/btf\/vmlinux\), which this program's vmlinux.h types need.\nGenerate it again with the portable context/);
		});

		it('the loader names a tracepoint this kernel lacks and the captured kernels that have it', async () => {
			if (process.getuid?.() !== 0) throw new Error('this test runs the loader past its root check: run it as root (npm test does)');
			const liveKeys = new Set(live.events.map((e) => `${e.category}:${e.name}`));
			const snapshots = listKernelIds(join(REPO, 'data')).map((id) => readSnapshot(join(REPO, 'data'), id));
			const lacking = (s: Snapshot) => s.events.find((e) => e.origin.kind === 'builtin' && !liveKeys.has(`${e.category}:${e.name}`));
			const other = snapshots.find(lacking);
			if (!other) throw new Error('every captured built-in event exists on this kernel: no event to test the message with');
			const missing = lacking(other) as Event;
			const project = generated(other, missing, { context: 'portable' }, snapshots);
			const dir = projectDir('missing', project.files);
			expect((await run('make', ['-C', dir])).status).toBe(0);
			const r = await run(join(dir, project.programName), []);
			expect(r.status).toBe(1);
			expect(r.stderr).toMatch(new RegExp(`^This kernel \\(\\S+\\) has no tracepoint ${missing.category}:${missing.name} \\(/sys/kernel/\\S*tracing/events/${missing.category}/${missing.name} is missing\\)\\.\n`));
			const having = snapshots.filter((s) => s.events.some((e) => e.category === missing.category && e.name === missing.name)).map((s) => s.provenance.id);
			expect(r.stderr).toContain(`Captured kernels that have it: ${having.join(', ')}.`);
		});
	});
});
