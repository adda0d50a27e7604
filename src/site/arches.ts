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

/** A kernel's major.minor (`6.12.38+deb13-arm64` → 6.12), what two architectures' kernels of one version share. */
export const seriesOf = (release: string) => /^\d+\.\d+/.exec(release)?.[0] ?? release;

/**
 * The kernel to show when the reader switches to `arch`: the same series there when it has the
 * event (6.1-amd64 → 6.1-arm64), else that architecture's newest that has it; undefined when none does.
 */
export function kernelOnArch<T extends Kernel & { release: string }>(kernels: readonly T[], has: (id: string) => boolean, current: T, arch: string): T | undefined {
	const onArch = kernels.filter((k) => archOf(k) === arch && has(k.id));
	return onArch.find((k) => seriesOf(k.release) === seriesOf(current.release)) ?? onArch.at(-1);
}

/** The kernels of `arch` as a mask of their positions in `kernels` (the event index's kernel bits). */
export function archMask(kernels: readonly Kernel[], arch: string): number {
	return kernels.reduce((mask, k, bit) => (archOf(k) === arch ? mask | (1 << bit) : mask), 0);
}
