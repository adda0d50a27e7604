/**
 * Capturing a Debian kernel package's tracepoints by booting it under qemu.
 *
 *   captureDebianRaw({ suite: 'bookworm', workDir }) →
 *     { rawDir, source: { kind: 'debian', suite, package, version }, method: 'qemu-tcg' | 'qemu-kvm', stats }
 *
 * Steps: find the suite's newest kernel with apt (a private apt root under the cache, pointed at
 * the system's Debian mirror or `mirror`; apt.ts), download and unpack its packages, find the
 * modules that define trace events (modules.ts), build a busybox initramfs whose init (init.sh)
 * loads them one by one, dependencies first, crediting each new event to the module that added it,
 * then dumps tracefs and BTF; boot it under qemu (KVM when it works, else software emulation;
 * qemu.ts) and unpack what the guest wrote onto its virtio disk into `<workDir>/raw` (result.ts).
 * The result travels over a virtio disk, not a serial port: under TCG the second 16550 UART moved
 * 0.3–0.5 MB/s (13 s for the 4.4 MB vmlinux BTF), the virtio disk ~70 MB/s; and arm64's `virt`
 * machine has a single UART, which the console needs.
 *
 * The raw directory (the snapshot builder's input, see ../raw.ts; copies of what the guest saw):
 *   uname-r, uname-m, proc-version    `uname -r`, `uname -m`, /proc/version
 *   available_events                   tracefs available_events after every module was loaded, each line once
 *                                      (two modules can define one event: see result.ts)
 *   events/<category>/<name>/format    every format file listed in available_events
 *   btf/vmlinux                        /sys/kernel/btf/vmlinux (a kernel without it is an error here)
 *   btf/<module>                       /sys/kernel/btf/<module> of each loaded trace-event module that has BTF
 *   event-origins                      "<category>:<name> <module>" per event a module added (built-in events not listed)
 *   modules-loaded                     one module name per line: the trace-event modules that loaded
 *
 * Only `workDir` and the download cache (`cacheDir`, default `.cache/kernels`) are written, so a
 * failure at any step leaves data/ as it was.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { archProfile, type ArchProfile, type DebianArch } from './arch.ts';
import { candidate, downloadPackage, extractPackages, findArchive, prepareAptRoot, resolveKernelPackages, type AptRoot } from './apt.ts';
import { buildInitramfs } from './initramfs.ts';
import { loadPlan, scanModules, type KernelModule } from './modules.ts';
import { boot, BootError, kvmAvailable, requireQemu, type Accel } from './qemu.ts';
import { settleRawDir, unpackResult } from './result.ts';

export interface CaptureDebianOptions {
	/** Debian suite (codename or alias): `bullseye`, `bookworm`, `trixie`, `sid`, … */
	suite: string;
	arch?: DebianArch;
	/** A Debian mirror URL; default: the Debian archive in the system's apt sources. */
	mirror?: string;
	/** Scratch directory for this capture (created; its `raw/` is replaced). */
	workDir: string;
	/** Where downloaded packages and apt lists are kept between runs; default `<repo>/.cache/kernels`. */
	cacheDir?: string;
	/** Load no trace-event modules: capture the built-in events only (much faster). */
	builtinOnly?: boolean;
	/** Force an accelerator; default: KVM when /dev/kvm is usable and boots the guest, else TCG. */
	accel?: Accel;
	onProgress?: (msg: string) => void;
}

export interface CaptureDebianResult {
	rawDir: string;
	source: { kind: 'debian'; suite: string; package: string; version: string };
	method: 'qemu-tcg' | 'qemu-kvm';
	/** For progress reports and tests; not part of the snapshot. */
	stats: {
		/** Wall time of the whole capture and of the VM run alone. */
		seconds: number;
		bootSeconds: number;
		builtinEvents: number;
		moduleEvents: number;
		/** Every module of the package that defines trace events (loaded or not, see builtinOnly). */
		traceModules: string[];
		/** Trace-event modules (or their dependencies) that would not load, with insmod's complaint. */
		modulesFailed: Array<{ module: string; reason: string }>;
		/** Events two modules define, which tracefs lists twice (kept once in available_events). */
		eventsListedTwice: string[];
	};
}

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Modules that make the result disk appear as /dev/vda: the virtio PCI transport and block driver. */
const CHANNEL_MODULES = ['virtio_pci', 'virtio_blk'];
/**
 * Modules the kernel may ask for while others load: crypto algorithms (e.g. rxrpc's init wants
 * `pcbc(fcrypt)`). Staged so the kernel's request succeeds as it would on an installed system.
 */
const REQUESTABLE = /^kernel\/(arch\/[^/]+\/)?crypto\//;
/** Sparse; only what the guest writes takes space. */
const RESULT_DISK_BYTES = 1 << 30;

/** KVM found not to boot guests in this process: later captures go straight to TCG. */
let kvmFailedHere = false;

export async function captureDebianRaw(opts: CaptureDebianOptions): Promise<CaptureDebianResult> {
	const started = Date.now();
	const arch = archProfile(opts.arch ?? 'amd64');
	const cacheDir = opts.cacheDir ?? join(REPO_ROOT, '.cache/kernels');
	const progress = (msg: string) => opts.onProgress?.(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${msg}`);
	requireQemu(arch);
	mkdirSync(opts.workDir, { recursive: true });

	const archive = findArchive(opts.mirror);
	progress(`reading ${opts.suite} (${arch.debian}) package lists from ${archive.uri}`);
	const apt = await prepareAptRoot(cacheDir, opts.suite, arch, archive);
	const { image: pkg, unpack } = await resolveKernelPackages(apt);
	progress(`kernel package: ${pkg.name} ${pkg.version}${unpack.length > 1 ? ` (with ${unpack.filter((p) => p !== pkg).map((p) => p.name).join(', ')})` : ''}`);
	const kernelTree = join(opts.workDir, 'kernel-package');
	const debs = [];
	for (const p of unpack) debs.push(await downloadPackage(apt, p, join(cacheDir, 'debs')));
	await extractPackages(debs, kernelTree);
	const busyboxTree = join(opts.workDir, 'busybox-package');
	const busybox = await fetchBusybox(apt, cacheDir, busyboxTree);
	const { release, kernel: packagedKernel, modulesDir } = locateKernel(kernelTree, pkg.name);
	const kernel = join(opts.workDir, 'vmlinuz');
	copyFileSync(packagedKernel, kernel);
	progress(`unpacked ${release}`);

	const modules = await scanModules(modulesDir);
	const traceModules = [...modules.values()].filter((m) => m.definesEvents).map((m) => m.name);
	progress(`${release}: ${modules.size} modules, ${traceModules.length} define trace events${opts.builtinOnly ? ' (not loaded: built-in events only)' : ''}`);
	const { initrd, loadOrder } = await stageInitramfs({ busybox, release, modulesDir, modules, load: opts.builtinOnly ? [] : traceModules }, opts.workDir);
	progress(`initramfs: ${loadOrder.length} modules to load, ${(statSync(initrd).size / 1e6).toFixed(0)} MB`);

	const disk = join(opts.workDir, 'result.img');
	const bootStarted = Date.now();
	const { accel, done, failed, builtinEvents } = await runVm(arch, opts.accel, kernel, initrd, disk, progress);
	const bootSeconds = (Date.now() - bootStarted) / 1000;

	const rawDir = join(opts.workDir, 'raw');
	unpackResult(disk, done, rawDir);
	rmSync(disk);
	progress(`received ${(done.bytes / 1e6).toFixed(1)} MB from the VM`);
	const { repeated, moduleEvents } = settleRawDir(rawDir, release, pkg.name);
	if (repeated.length) progress(`${repeated.length} events are defined by two modules and listed twice; kept once, credited to the first loaded: ${repeated.join(' ')}`);
	const seconds = (Date.now() - started) / 1000;
	progress(
		`${pkg.name} ${pkg.version}: ${builtinEvents} built-in + ${moduleEvents} module events` +
			`${failed.length ? `, ${failed.length} modules failed to load (${failed.map((f) => f.module).join(', ')})` : ''}` +
			`; VM ${bootSeconds.toFixed(1)} s (-accel ${accel}), total ${seconds.toFixed(1)} s`,
	);
	return {
		rawDir,
		source: { kind: 'debian', suite: opts.suite, package: pkg.name, version: pkg.version },
		method: accel === 'kvm' ? 'qemu-kvm' : 'qemu-tcg',
		stats: { seconds, bootSeconds, builtinEvents, moduleEvents, traceModules, modulesFailed: failed, eventsListedTwice: repeated },
	};
}

/** The suite's statically linked busybox for the guest's architecture (the host's may be another arch). */
export async function fetchBusybox(apt: AptRoot, cacheDir: string, tree: string): Promise<string> {
	const pkg = await candidate(apt, 'busybox-static');
	if (!pkg) throw new Error(`suite ${apt.suite} has no busybox-static package for ${apt.arch.debian}`);
	await extractPackages([await downloadPackage(apt, pkg, join(cacheDir, 'debs'))], tree);
	const binary = ['bin/busybox', 'usr/bin/busybox'].map((p) => join(tree, p)).find((p) => existsSync(p));
	if (!binary) throw new Error(`busybox-static ${pkg.version} from ${apt.suite} has no bin/busybox`);
	return binary;
}

/**
 * The release, kernel image and modules directory inside the unpacked kernel packages. The image is
 * boot/vmlinuz-<release> until Debian 13, <modules dir>/vmlinuz[.unsigned] in the 7.x packages.
 */
export function locateKernel(tree: string, pkgName: string): { release: string; kernel: string; modulesDir: string } {
	const modulesParent = ['lib/modules', 'usr/lib/modules'].map((p) => join(tree, p)).find((p) => existsSync(p));
	const releases = modulesParent ? readdirSync(modulesParent) : [];
	if (!modulesParent || releases.length !== 1) {
		throw new Error(`${pkgName} does not look like a kernel package: expected one lib/modules/<release> directory, found ${releases.length}`);
	}
	const release = releases[0]!;
	const modulesDir = join(modulesParent, release);
	const images = [join(tree, 'boot', `vmlinuz-${release}`), join(modulesDir, 'vmlinuz.unsigned'), join(modulesDir, 'vmlinuz')];
	const kernel = images.find((p) => existsSync(p));
	if (!kernel) throw new Error(`${pkgName} has no kernel image (looked for ${images.map((p) => p.slice(tree.length + 1)).join(', ')})`);
	return { release, kernel, modulesDir };
}

/**
 * Plans and builds the VM's initramfs at <workDir>/initramfs.cpio: the `load` modules (dependencies
 * first), the channel modules, the modules the kernel may request, and `extra` (see InitramfsSpec).
 */
export async function stageInitramfs(
	spec: { busybox: string; release: string; modulesDir: string; modules: Map<string, KernelModule>; load: string[]; extra?: string },
	workDir: string,
): Promise<{ initrd: string; loadOrder: KernelModule[] }> {
	const { modules, modulesDir } = spec;
	const loadOrder = loadPlan(modules, spec.load);
	const channelOrder = channelPlan(modules, modulesDir, loadOrder);
	const staged = new Set([...loadOrder, ...channelOrder].map((m) => m.name));
	const onRequest = loadPlan(modules, [...modules.values()].filter((m) => REQUESTABLE.test(m.file)).map((m) => m.name)).filter((m) => !staged.has(m.name));
	const initrd = join(workDir, 'initramfs.cpio');
	const { busybox, release, extra } = spec;
	await buildInitramfs({ busybox, release, modulesDir, loadOrder, channelOrder, onRequest, ...(extra ? { extra } : {}) }, join(workDir, 'initramfs'), initrd);
	return { initrd, loadOrder };
}

/** The channel modules not already loaded for the capture, with their dependencies (none when built in). */
function channelPlan(modules: Map<string, KernelModule>, modulesDir: string, loadOrder: KernelModule[]): KernelModule[] {
	const builtin = existsSync(join(modulesDir, 'modules.builtin')) ? readFileSync(join(modulesDir, 'modules.builtin'), 'utf8') : '';
	const missing = CHANNEL_MODULES.filter((name) => !modules.has(name) && !builtin.includes(`/${name.replaceAll('_', '-')}.ko`) && !builtin.includes(`/${name}.ko`));
	if (missing.length) throw new Error(`this kernel has no ${missing.join(', ')} (neither a module nor built in): the capture VM cannot hand its result back`);
	const loaded = new Set(loadOrder.map((m) => m.name));
	return loadPlan(modules, CHANNEL_MODULES.filter((name) => modules.has(name))).filter((m) => !loaded.has(m.name));
}

export async function runVm(arch: ArchProfile, forced: Accel | undefined, kernel: string, initrd: string, disk: string, progress: (msg: string) => void) {
	let failed: Array<{ module: string; reason: string }> = [];
	let loaded = 0;
	let builtinEvents = 0;
	const attempt = async (accel: Accel) => {
		failed = [];
		loaded = 0;
		rmSync(disk, { force: true });
		writeFileSync(disk, '');
		truncateSync(disk, RESULT_DISK_BYTES);
		progress(`booting under ${arch.qemuBinary} -accel ${accel}`);
		const done = await boot({
			arch,
			accel,
			kernel,
			initrd,
			disk,
			consoleLog: join(dirname(disk), `console-${accel}.log`),
			// Under KVM init speaks within seconds; a KVM that cannot run guests here should cost little.
			firstMessageTimeoutMs: accel === 'kvm' ? 30_000 : 120_000,
			silenceTimeoutMs: 10 * 60_000,
			onMessage: (m) => {
				if (m.kind === 'step') {
					const builtin = /^(\d+) built-in events$/.exec(m.text);
					if (builtin) builtinEvents = Number(builtin[1]);
					progress(m.text);
				} else if (m.kind === 'loaded') {
					loaded++;
					if (loaded % 25 === 0) progress(`${loaded} modules loaded`);
				} else if (m.kind === 'load-failed') {
					failed.push({ module: m.module, reason: m.reason });
					progress(`module ${m.module} failed to load: ${m.reason}`);
				}
			},
		});
		progress(`${loaded} modules loaded, ${failed.length} failed`);
		return { accel, done, failed, builtinEvents };
	};
	if (forced) return attempt(forced);
	if (kvmAvailable(arch) && !kvmFailedHere) {
		try {
			return await attempt('kvm');
		} catch (error) {
			if (!(error instanceof BootError && error.neverStarted)) throw error;
			kvmFailedHere = true;
			progress(`KVM did not boot the guest (${error.message.split('\n')[0]}); falling back to software emulation`);
		}
	}
	return attempt('tcg');
}

