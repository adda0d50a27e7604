/**
 * The site's architectures: which a captured kernel is of, in what order pickers list them, and
 * which kernel a page shows by default. amd64 comes first and is the default everywhere a kernel is
 * picked (it is where the guides' commands run); an event that amd64 lacks opens on another.
 */
import { archOfKernelId, debianArchOf } from '../lib/capture/arch-names.ts';

export const DEFAULT_ARCH = 'amd64';

type Kernel = { id: string; arch: string };

/** Debian's name for a kernel's architecture (`x86_64` → amd64), or `uname -m` itself when Debian has none. */
export function archOf(kernel: Kernel): string {
	return debianArchOf(kernel.arch) ?? archOfKernelId(kernel.id) ?? kernel.arch;
}

/** The architectures of `kernels`, the default first, the others by name. */
export function archesOf(kernels: readonly Kernel[]): string[] {
	return [...new Set(kernels.map(archOf))].sort((a, b) => Number(b === DEFAULT_ARCH) - Number(a === DEFAULT_ARCH) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Kernels grouped by architecture, in `archesOf` order; each group keeps the order it was given. */
export function groupByArch<T extends Kernel>(kernels: readonly T[]): { arch: string; kernels: T[] }[] {
	return archesOf(kernels).map((arch) => ({ arch, kernels: kernels.filter((k) => archOf(k) === arch) }));
}

/**
 * The kernel a page shows first: the newest of the default architecture that `has`, else the newest
 * of the next architecture that does. `kernels` must be ordered oldest first.
 */
export function defaultKernel<T extends Kernel>(kernels: readonly T[], has: (id: string) => boolean = () => true, arch?: string): T | undefined {
	const groups = groupByArch(kernels);
	const order = arch ? [...groups.filter((g) => g.arch === arch), ...groups.filter((g) => g.arch !== arch)] : groups;
	for (const group of order) {
		const found = group.kernels.findLast((k) => has(k.id));
		if (found) return found;
	}
	return undefined;
}

/** Per architecture, the kernels that have an event (`present`) of those captured. */
export function archAvailability<T extends Kernel>(kernels: readonly T[], present: readonly string[]): { arch: string; kernels: T[]; present: T[] }[] {
	return groupByArch(kernels).map((g) => ({ ...g, present: g.kernels.filter((k) => present.includes(k.id)) }));
}

/**
 * The one architecture an event exists on when kernels of several are captured
 * (`syscalls:sys_enter_open` → amd64), with those it is missing from; null when it is on every one.
 */
export function onlyArch(kernels: readonly Kernel[], present: readonly string[]): { arch: string; missing: string[] } | null {
	const availability = archAvailability(kernels, present);
	const on = availability.filter((a) => a.present.length > 0);
	if (availability.length < 2 || on.length !== 1) return null;
	return { arch: on[0]!.arch, missing: availability.filter((a) => a.present.length === 0).map((a) => a.arch) };
}
