/**
 * Everything that differs between the architectures a Debian kernel can be booted for.
 *
 * The rest of the capture code asks this table instead of spelling out `amd64` or `x86_64`, so a new
 * architecture is one more entry here.
 */
import { UNAME_MACHINE, type DebianArch } from '../../../src/lib/capture/arch-names.ts';

export type { DebianArch };

export interface ArchProfile {
	/** Debian's name, used in package names (`linux-image-<arch>`) and apt's `APT::Architecture`. */
	debian: DebianArch;
	/** What `uname -m` prints inside the VM. */
	unameMachine: string;
	/** The qemu binary that emulates it, and the Debian package that ships it. */
	qemuBinary: string;
	qemuPackage: string;
	/** Machine and CPU arguments: with software emulation (`tcg`) and with hardware virtualisation (`kvm`). */
	machineArgs: { tcg: string[]; kvm: string[] };
	/** The serial port the kernel console is attached to (first UART of the machine). */
	consoleDevice: string;
	/** The host architecture (`process.arch`) on which KVM can run this guest. */
	kvmHostArch: NodeJS.Architecture;
}

export const ARCHES: Record<DebianArch, ArchProfile> = {
	amd64: {
		debian: 'amd64',
		unameMachine: UNAME_MACHINE.amd64,
		qemuBinary: 'qemu-system-x86_64',
		qemuPackage: 'qemu-system-x86',
		// `max` offers every CPU feature TCG emulates, so feature-gated modules find what they look for.
		machineArgs: { tcg: ['-machine', 'q35', '-cpu', 'max'], kvm: ['-machine', 'q35', '-cpu', 'host'] },
		consoleDevice: 'ttyS0',
		kvmHostArch: 'x64',
	},
	arm64: {
		debian: 'arm64',
		unameMachine: UNAME_MACHINE.arm64,
		qemuBinary: 'qemu-system-aarch64',
		qemuPackage: 'qemu-system-arm',
		machineArgs: { tcg: ['-machine', 'virt', '-cpu', 'max'], kvm: ['-machine', 'virt', '-cpu', 'host'] },
		consoleDevice: 'ttyAMA0',
		kvmHostArch: 'arm64',
	},
};

export function archProfile(arch: string): ArchProfile {
	const profile = (ARCHES as Record<string, ArchProfile | undefined>)[arch];
	if (!profile) throw new Error(`unknown architecture "${arch}"; known: ${Object.keys(ARCHES).join(', ')}`);
	return profile;
}
