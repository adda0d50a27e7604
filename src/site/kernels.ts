/** Ordering and naming of captured kernels. */
import type { Provenance } from '../schemas/snapshot.ts';

/** The numbers at the start of a release (`6.1.0-37-amd64` → [6, 1, 0, 37]), for a numeric comparison. */
function releaseNumbers(release: string): number[] {
	return (release.match(/\d+/g) ?? []).map(Number);
}

/** Orders kernel releases oldest first, comparing their numbers one by one (`6.12` comes after `6.2`). */
export function compareReleases(a: string, b: string): number {
	const x = releaseNumbers(a);
	const y = releaseNumbers(b);
	for (let i = 0; i < Math.max(x.length, y.length); i++) {
		const d = (x[i] ?? -1) - (y[i] ?? -1);
		if (d !== 0) return d;
	}
	return a < b ? -1 : a > b ? 1 : 0;
}

/** Kernels oldest first: by release, then by architecture. */
export function orderKernels<T extends Pick<Provenance, 'release' | 'arch'>>(kernels: readonly T[]): T[] {
	return [...kernels].sort((a, b) => compareReleases(a.release, b.release) || (a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0));
}

/**
 * The kernel a kernel is compared with on its page: the newest older one of the same architecture.
 * `kernels` must be ordered oldest first.
 */
export function previousKernel<T extends Pick<Provenance, 'id' | 'arch'>>(kernels: readonly T[], id: string): T | undefined {
	const index = kernels.findIndex((k) => k.id === id);
	const arch = kernels[index]?.arch;
	return kernels.slice(0, Math.max(index, 0)).findLast((k) => k.arch === arch);
}

/**
 * Short names for kernel chips: the ids without their architecture suffix when every kernel shares
 * one (`6.1-amd64` → `6.1`), the full ids otherwise.
 */
export function shortKernelLabels(ids: readonly string[]): string[] {
	const suffix = /-[^-]+$/.exec(ids[0] ?? '')?.[0];
	if (!suffix || !ids.every((id) => id.endsWith(suffix))) return [...ids];
	return ids.map((id) => id.slice(0, -suffix.length));
}
