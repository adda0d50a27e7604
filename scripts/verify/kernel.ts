/**
 * Booting a snapshot's own Debian kernel for verification, with the capture's machinery
 * (scripts/capture/debian): the same apt root and download cache, the same initramfs with the
 * snapshot's trace-event modules loaded, the same VM and result disk. What differs is the payload:
 * a directory copied into the initramfs whose /atlas/then (guest.sh) does the verifying.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { downloadPackage, extractPackages, findArchive, prepareAptRoot, resolveKernelPackages, type AptRoot, type PackageRef } from '../capture/debian/apt.ts';
import { ARCHES, type ArchProfile } from '../capture/debian/arch.ts';
import { fetchBusybox, locateKernel, runVm, stageInitramfs } from '../capture/debian/index.ts';
import { scanModules, type KernelModule } from '../capture/debian/modules.ts';
import { requireQemu } from '../capture/debian/qemu.ts';
import { unpackResult } from '../capture/debian/result.ts';
import type { Provenance } from '../../src/schemas/snapshot.ts';

export interface PreparedKernel {
	arch: ArchProfile;
	release: string;
	/** The kernel image to boot. */
	kernel: string;
	modulesDir: string;
	modules: Map<string, KernelModule>;
	busybox: string;
	/** The image package booted, and whether it is the one the snapshot was captured from. */
	package: PackageRef & { sameAsSnapshot: boolean };
}

/** The Debian architecture whose kernels report `uname -m` = `machine`. */
function archOf(machine: string, id: string): ArchProfile {
	const arch = Object.values(ARCHES).find((a) => a.unameMachine === machine);
	if (!arch) throw new Error(`snapshot ${id} is of architecture ${machine}, which the qemu boot does not know (known: ${Object.values(ARCHES).map((a) => a.unameMachine).join(', ')})`);
	return arch;
}

/**
 * Why this machine cannot verify a kernel, or null when it can. The VM runs load-all and the headline
 * loaders, which are built with this machine's own cc (scripts/verify/build.ts), so only kernels of
 * this machine's architecture can run them; cross-building them (for arm64 on x86_64) is issue 18.
 */
export function unverifiableReason(provenance: Provenance): string | null {
	if (provenance.source.kind !== 'debian') return 'it was not captured from a Debian package, so there is no kernel package to boot';
	const arch = Object.values(ARCHES).find((a) => a.unameMachine === provenance.arch);
	if (arch?.kvmHostArch === process.arch) return null;
	return `it is an ${provenance.arch} kernel, and the loaders the VM runs are built for this machine (${process.arch}); cross-building them is not done yet`;
}

/**
 * The packages the snapshot's kernel was unpacked from: its image package alone until Debian 13;
 * from 7.x on `linux-binary-*` holds only the image, and `linux-modules-<release>` and
 * `linux-base-<release>` come with it (see resolveKernelPackages).
 */
function snapshotPackages(p: Provenance & { source: { kind: 'debian' } }): PackageRef[] {
	const { package: name, version } = p.source;
	if (!name.startsWith('linux-binary-')) return [{ name, version }];
	return [{ name, version }, { name: `linux-modules-${p.release}`, version }, { name: `linux-base-${p.release}`, version }];
}

async function downloadAll(apt: AptRoot, packages: PackageRef[], debDir: string): Promise<string[]> {
	const debs: string[] = [];
	for (const p of packages) debs.push(await downloadPackage(apt, p, debDir));
	return debs;
}

/**
 * Fetches (or finds in the cache) and unpacks the kernel a snapshot was captured from. Should the
 * archive have dropped that version and the cache not have it, the suite's current kernel is used
 * instead, and `package.sameAsSnapshot` says so.
 */
export async function prepareKernel(
	provenance: Provenance,
	opts: { workDir: string; cacheDir: string; mirror?: string | undefined; onProgress: (msg: string) => void },
): Promise<PreparedKernel> {
	const source = provenance.source;
	if (source.kind !== 'debian') {
		throw new Error(
			`snapshot ${provenance.id} was captured from the running kernel, not a Debian package, so there is no kernel package to boot; ` +
				'the generator tests load every program on the running kernel instead (tests/generate)',
		);
	}
	const arch = archOf(provenance.arch, provenance.id);
	requireQemu(arch);
	const debDir = join(opts.cacheDir, 'debs');
	const apt = await prepareAptRoot(opts.cacheDir, source.suite, arch, findArchive(opts.mirror));
	const wanted = snapshotPackages({ ...provenance, source });
	let image: PackageRef = wanted[0]!;
	let debs: string[];
	let sameAsSnapshot = true;
	try {
		debs = await downloadAll(apt, wanted, debDir);
	} catch (error) {
		const current = await resolveKernelPackages(apt);
		opts.onProgress(
			`${source.package} ${source.version} is neither cached nor in ${source.suite} any more (${(error as Error).message.split('\n')[0]}); ` +
				`verifying the suite's current ${current.image.name} ${current.image.version} instead. Re-capture ${provenance.id} to match.`,
		);
		image = current.image;
		debs = await downloadAll(apt, current.unpack, debDir);
		sameAsSnapshot = false;
	}
	const tree = join(opts.workDir, 'kernel-package');
	await extractPackages(debs, tree);
	const busybox = await fetchBusybox(apt, opts.cacheDir, join(opts.workDir, 'busybox-package'));
	const { release, kernel, modulesDir } = locateKernel(tree, image.name);
	const modules = await scanModules(modulesDir);
	return { arch, release, kernel, modulesDir, modules, busybox, package: { ...image, sameAsSnapshot } };
}

/**
 * Boots the kernel with `modules` loaded and `payload` copied into the initramfs, and unpacks what
 * the guest left in its $OUT into `<workDir>/out`.
 */
export async function runPayload(
	k: PreparedKernel,
	modules: string[],
	payload: string,
	workDir: string,
	onProgress: (msg: string) => void,
): Promise<{ outDir: string; method: 'qemu-tcg' | 'qemu-kvm'; seconds: number; modulesFailed: { module: string; reason: string }[] }> {
	const { initrd, loadOrder } = await stageInitramfs({ busybox: k.busybox, release: k.release, modulesDir: k.modulesDir, modules: k.modules, load: modules, extra: payload }, workDir);
	onProgress(`initramfs: ${loadOrder.length} modules to load, ${(statSync(initrd).size / 1e6).toFixed(0)} MB`);
	const disk = join(workDir, 'result.img');
	const started = performance.now();
	const { accel, done, failed } = await runVm(k.arch, undefined, k.kernel, initrd, disk, onProgress);
	const seconds = (performance.now() - started) / 1000;
	const outDir = join(workDir, 'out');
	unpackResult(disk, done, outDir);
	rmSync(disk);
	return { outDir, method: accel === 'kvm' ? 'qemu-kvm' : 'qemu-tcg', seconds, modulesFailed: failed };
}
