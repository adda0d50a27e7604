/** What the generator needs to know about a kernel beyond its events: which features it has. */
import type { Provenance } from '../../schemas/snapshot.ts';

/** `major.minor` of a `uname -r` string (`6.1.0-37-amd64` → [6, 1]); null when it does not start with one. */
export function kernelVersion(release: string): [number, number] | null {
	const m = /^(\d+)\.(\d+)/.exec(release);
	return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Whether `release` is at least `major.minor`; a release that does not parse counts as new. */
export function atLeast(release: string, major: number, minor: number): boolean {
	const v = kernelVersion(release);
	if (!v) return true;
	return v[0] > major || (v[0] === major && v[1] >= minor);
}

/** BPF ring buffers (BPF_MAP_TYPE_RINGBUF) arrived in Linux 5.8; older kernels get a perf buffer. */
export function hasRingBuffer(kernel: Provenance): boolean {
	return atLeast(kernel.release, 5, 8);
}

/** A one-line description of a kernel for comments and READMEs: `6.1-amd64 (6.1.0-37-amd64, x86_64)`. */
export function describeKernel(kernel: Provenance): string {
	return `${kernel.id} (${kernel.release}, ${kernel.arch})`;
}
