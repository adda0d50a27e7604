/**
 * The probe guide's kprobe, fentry and ksyscall examples, run in Debian's bookworm kernel (6.1-amd64)
 * under qemu: this machine's kernel may lack what they need (a kernel built without CONFIG_KPROBES has no
 * kprobes, and so no ksyscall; probes.test.ts checks the kprobe example's failure there). The objects
 * are built here with the guide's commands, the guide's loader is linked statically (the initramfs has
 * no libbpf), and busybox's nc makes the connect() to the closed port. tests/guides/probes-guest.sh is
 * the guest side.
 *
 * Needs what tests/verify needs: the Debian mirror from the apt sources, qemu, busybox-static and the
 * static libraries of libbpf-dev, libelf-dev and zlib1g-dev. Downloads go to .cache/probes-test (an
 * apt root of its own: another test's apt-get on the same root would fight over its lock).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/data/store.ts';
import { SNIPPET_DIR } from '../../src/components/guide/snippets.ts';
import { attachedLines, BUILD_COMMANDS, objectOf, parseTracePipeLine, PROBE_PORT, PROBES } from '../../src/components/guide/probes.ts';
import { prepareKernel, runPayload } from '../../scripts/verify/kernel.ts';
import { REPO } from '../generate/harness.ts';
import { requireRoot, requireTool } from './bpf-toolchain.ts';

const KERNEL_ID = '6.1-amd64';
const examples = PROBES.filter((p) => p.runsIn === 'vm');
let work: string;
let out: string;
let release: string;

beforeAll(async () => {
	requireRoot('the probe guide\'s VM test');
	for (const [tool, pkg] of [['clang', 'clang'], ['bpftool', 'bpftool'], ['cc', 'gcc'], ['pkg-config', 'pkg-config']] as const) requireTool(tool, pkg);
	work = mkdtempSync(join(tmpdir(), 'atlas-probes-vm-'));
	const build = join(work, 'build');
	cpSync(join(REPO, SNIPPET_DIR, 'probes'), build, { recursive: true });
	for (const command of BUILD_COMMANDS) {
		const built = spawnSync('sh', ['-c', command], { cwd: build, encoding: 'utf8', maxBuffer: 1 << 30 });
		if (built.status !== 0) throw new Error(`${command} failed:\n${built.stderr}`);
	}
	const payload = join(work, 'payload');
	mkdirSync(join(payload, 'atlas'), { recursive: true });
	mkdirSync(join(payload, 'probes'));
	copyFileSync(join(REPO, 'tests/guides/probes-guest.sh'), join(payload, 'atlas/then'));
	chmodSync(join(payload, 'atlas/then'), 0o755);
	const libs = execFileSync('pkg-config', ['--static', '--libs', 'libbpf'], { encoding: 'utf8' }).trim().split(/\s+/);
	const linked = spawnSync('cc', ['-O2', '-static', join(build, 'attach.c'), '-o', join(payload, 'probes/attach'), ...libs], { encoding: 'utf8' });
	if (linked.status !== 0) throw new Error(`linking attach statically failed (needs libbpf-dev, libelf-dev, zlib1g-dev):\n${linked.stderr}`);
	for (const p of examples) copyFileSync(join(build, objectOf(p.file)), join(payload, 'probes', objectOf(p.file)));

	const snapshot = readSnapshot(join(REPO, 'data'), KERNEL_ID);
	const log = (msg: string) => console.log(`[probes-vm] ${msg}`);
	const kernel = await prepareKernel(snapshot.provenance, { workDir: join(work, 'kernel'), cacheDir: join(REPO, '.cache/probes-test'), onProgress: log });
	release = kernel.release;
	const vm = await runPayload(kernel, [], payload, join(work, 'kernel'), log);
	out = join(vm.outDir, 'probes');
}, 30 * 60_000);

afterAll(() => {
	if (work) rmSync(work, { recursive: true, force: true });
});

describe(`which probe answers my question: kprobe, fentry and ksyscall in ${KERNEL_ID}'s kernel under qemu`, () => {
	for (const example of examples) {
		it(`${example.file}: attached at ${example.section}, one line "${example.message()}" for nc's refused connect`, () => {
			const name = objectOf(example.file).replace(/\.bpf\.o$/, '');
			const file = (suffix: string) => (existsSync(join(out, `${name}.${suffix}`)) ? readFileSync(join(out, `${name}.${suffix}`), 'utf8') : '');
			expect(file('stdout').trimEnd().split('\n'), `on ${release}: ${file('stderr')}`).toEqual(attachedLines(example));
			expect(file('status').trim()).toBe('0');
			const pid = Number(file('pid').trim());
			const lines = readFileSync(join(out, 'trace_pipe'), 'utf8').split('\n').map(parseTracePipeLine).filter((l) => l?.pid === pid);
			expect(lines, readFileSync(join(out, 'trace_pipe'), 'utf8').slice(-2000)).toEqual([{ comm: 'nc', pid, message: example.message() }]);
			expect(example.message()).toContain(`port=${PROBE_PORT}`);
		});
	}
});
