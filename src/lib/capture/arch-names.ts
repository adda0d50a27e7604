/**
 * Debian's architecture names and what `uname -m` prints for each: snapshot ids use Debian's name
 * (`6.1-amd64`), so a capture of any source maps the machine to it. The qemu side of each
 * architecture is in scripts/capture/debian/arch.ts.
 */
export type DebianArch = 'amd64' | 'arm64';

export const UNAME_MACHINE: Record<DebianArch, string> = { amd64: 'x86_64', arm64: 'aarch64' };

/** Debian's name for a `uname -m`, or undefined when Debian has none we know. */
export function debianArchOf(machine: string): DebianArch | undefined {
	return (Object.keys(UNAME_MACHINE) as DebianArch[]).find((arch) => UNAME_MACHINE[arch] === machine);
}
