/**
 * The capture VM's initramfs: busybox, init.sh, the modules to load (decompressed, so busybox's
 * insmod takes them as they are) and the load order, packed as a newc cpio archive.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readModuleElf, uncompressedName, type KernelModule } from './modules.ts';

const run = promisify(execFile);
const INIT_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'init.sh');

export interface InitramfsSpec {
	/** A statically linked busybox for the guest's architecture. */
	busybox: string;
	/** The kernel's release (`uname -r`): modules go under /lib/modules/<release>. */
	release: string;
	/** The kernel's modules directory on the host. */
	modulesDir: string;
	/** Modules to load for the capture, dependencies first. */
	loadOrder: KernelModule[];
	/** Modules that make the virtio disk appear, loaded after the capture, dependencies first. */
	channelOrder: KernelModule[];
	/** Further modules the kernel may request while the others load (crypto algorithms), with their dependencies. */
	onRequest: KernelModule[];
	/** A directory copied over the initramfs root, for another user of this VM (scripts/verify stages /atlas/then in it; see init.sh). */
	extra?: string;
}

/** Builds the initramfs at `output`, staging its files in `stageDir` (replaced). */
export async function buildInitramfs(spec: InitramfsSpec, stageDir: string, output: string): Promise<void> {
	rmSync(stageDir, { recursive: true, force: true });
	for (const dir of ['bin', 'proc', 'sys', 'dev', 'tmp', 'atlas']) mkdirSync(join(stageDir, dir), { recursive: true });
	copyFileSync(spec.busybox, join(stageDir, 'bin/busybox'));
	chmodSync(join(stageDir, 'bin/busybox'), 0o755);
	for (const applet of BUSYBOX_APPLETS) symlinkSync('busybox', join(stageDir, 'bin', applet));
	copyFileSync(INIT_SCRIPT, join(stageDir, 'init'));
	chmodSync(join(stageDir, 'init'), 0o755);

	const moduleRoot = join('lib/modules', spec.release);
	const stageModule = async (module: KernelModule) => {
		const path = join(moduleRoot, uncompressedName(module.file));
		mkdirSync(dirname(join(stageDir, path)), { recursive: true });
		writeFileSync(join(stageDir, path), await readModuleElf(join(spec.modulesDir, module.file)));
		return `${module.name} ${path} ${module.definesEvents ? 'yes' : 'no'}\n`;
	};
	const lines = async (modules: KernelModule[]) => (await Promise.all(modules.map(stageModule))).join('');
	writeFileSync(join(stageDir, 'atlas/load-order'), await lines(spec.loadOrder));
	writeFileSync(join(stageDir, 'atlas/channel-order'), await lines(spec.channelOrder));
	await lines(spec.onRequest);
	// busybox modprobe (serving the kernel's requests) reads modules.dep and modules.alias from depmod.
	mkdirSync(join(stageDir, moduleRoot), { recursive: true });
	for (const index of ['modules.builtin', 'modules.builtin.modinfo', 'modules.order']) {
		const from = join(spec.modulesDir, index);
		if (existsSync(from)) copyFileSync(from, join(stageDir, moduleRoot, index));
	}
	try {
		// depmod lives in /usr/sbin, which a non-root user's PATH often lacks.
		await run('depmod', ['-b', stageDir, spec.release], { env: { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` } });
	} catch (error) {
		throw new Error(`depmod failed on the staged modules in ${stageDir} (install kmod if it is missing): ${(error as Error).message}`);
	}
	symlinkSync('../bin/busybox', join(stageDir, 'atlas/modprobe'));
	if (spec.extra) cpSync(spec.extra, stageDir, { recursive: true });
	await packCpio(stageDir, output);
}

/** The applets init.sh calls (busybox runs the one its link is named after). */
const BUSYBOX_APPLETS = [
	'sh', 'mount', 'mkdir', 'cat', 'cp', 'mv', 'sort', 'awk', 'sed', 'xargs', 'wc', 'tr', 'cut', 'uname', 'insmod',
	'tar', 'dd', 'sync', 'dmesg', 'tail', 'grep', 'sha256sum', 'seq', 'sleep', 'poweroff',
];

function listTree(dir: string, root = dir): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		const rel = relative(root, path);
		return entry.isDirectory() ? [rel, ...listTree(path, root)] : [rel];
	});
}

/** Packs `dir` as a newc cpio archive (the format the kernel unpacks), every file owned by root. */
async function packCpio(dir: string, output: string): Promise<void> {
	const cpio = spawn('cpio', ['--create', '--format=newc', '--owner=0:0', '--quiet'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
	let stderr = '';
	cpio.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const exited = new Promise<void>((resolve, reject) => {
		cpio.on('error', (error) => reject(new Error(`cannot run cpio (install it with: apt-get install cpio): ${error.message}`)));
		cpio.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`cpio failed packing ${dir}: ${stderr.trim()}`))));
	});
	cpio.stdin.end(`${listTree(dir).sort().join('\n')}\n`);
	await Promise.all([pipeline(cpio.stdout, createWriteStream(output)), exited]);
}
