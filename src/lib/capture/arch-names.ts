/**
 * Debian's architecture names and what `uname -m` prints for each: snapshot ids use Debian's name
 * (`6.1-amd64`, `6.1-arm64`), so a capture of any source maps the machine to it. The qemu side of each
 * architecture is in scripts/capture/debian/arch.ts.
 */
export type DebianArch = 'amd64' | 'arm64';

export const UNAME_MACHINE: Record<DebianArch, string> = { amd64: 'x86_64', arm64: 'aarch64' };

const DEBIAN_ARCHES = Object.keys(UNAME_MACHINE) as DebianArch[];

/** Debian's name for a `uname -m`, or undefined when Debian has none we know. */
export function debianArchOf(machine: string): DebianArch | undefined {
	return DEBIAN_ARCHES.find((arch) => UNAME_MACHINE[arch] === machine);
}

/** The architecture a kernel id ends in (`6.1-arm64` → arm64), or undefined when it names none we know. */
export function archOfKernelId(id: string): DebianArch | undefined {
	return DEBIAN_ARCHES.find((arch) => id.endsWith(`-${arch}`));
}

/**
 * Why a kernel's id and machine disagree, or null when they agree. An id that ends in an architecture
 * must be of a kernel of that architecture (pages and the generator read the architecture from either),
 * and a Debian package's kernel — one we boot under that architecture's qemu — must end in its own:
 * `6.1-arm64` for an aarch64 kernel. Other ids (`running`, `ubuntu-6.8-riscv64`) name what they like.
 */
export function kernelArchProblem(kernel: { id: string; arch: string; fromDebian: boolean }): string | null {
	const named = archOfKernelId(kernel.id);
	if (named && UNAME_MACHINE[named] !== kernel.arch) {
		return `kernel id "${kernel.id}" names ${named}, whose kernels report uname -m ${UNAME_MACHINE[named]}, but this kernel reports ${kernel.arch}`;
	}
	if (!kernel.fromDebian) return null;
	const own = debianArchOf(kernel.arch);
	if (!own) return `a Debian package's kernel must be of ${DEBIAN_ARCHES.map((a) => `${a} (${UNAME_MACHINE[a]})`).join(' or ')}, not ${kernel.arch}`;
	if (!named) return `kernel id "${kernel.id}" of a Debian ${own} kernel must end in -${own}, e.g. 6.1-${own}`;
	return null;
}
