/**
 * The build guide's step 6, kernel lockdown: four programs loaded by the probe guide's loader (probes/attach.c,
 * libbpf) under each lockdown mode. Lockdown takes helpers away at load time: the verifier no longer knows them and
 * says so, and the load fails with EINVAL, not EPERM. Under confidentiality libbpf makes it wider: its probe finds
 * bpf_probe_read_kernel() refused, takes the kernel for one older than 5.5 and rewrites every
 * bpf_probe_read_{kernel,user}[_str]() call into the old bpf_probe_read[_str](), which lockdown takes away too, so
 * even a program that reads only user memory is refused, under the old helper's name. tests/guides/probes-vm.test.ts
 * provokes exactly this in Debian's 6.1 kernel under qemu (raising the mode through /sys/kernel/security/lockdown,
 * as an administrator or Secure Boot would) and expects exactly these lines.
 */
import { objectOf } from './probes.ts';

export const LOCKDOWN_MODES = ['none', 'integrity', 'confidentiality'] as const;
export type LockdownMode = (typeof LOCKDOWN_MODES)[number];

/** What /sys/kernel/security/lockdown reads in a mode: every mode, the current one in brackets. */
export const lockdownFile = (mode: LockdownMode) => LOCKDOWN_MODES.map((m) => (m === mode ? `[${m}]` : m)).join(' ');

export interface LockdownProgram {
	/** Below the repository's root: three guide snippets, and a helper the guides do not teach. */
	file: string;
	/** Per mode that refuses it, the helper the verifier says it does not know, as `name#number`. */
	refusedAs: Partial<Record<LockdownMode, string>>;
}

export const LOCKDOWN_PROGRAMS: readonly LockdownProgram[] = [
	// Reads a __data_loc string out of the record with bpf_probe_read_kernel_str(): kernel memory.
	{ file: 'content/snippets/verifier/data-loc.fixed.bpf.c', refusedAs: { confidentiality: 'bpf_probe_read_str#45' } },
	// Reads the caller's sockaddr with bpf_probe_read_user(): user memory only.
	{ file: 'content/snippets/probes/tracepoint.bpf.c', refusedAs: { confidentiality: 'bpf_probe_read#4' } },
	// Reads only the record (ctx), with no helper.
	{ file: 'content/snippets/probes/hello.bpf.c', refusedAs: {} },
	{ file: 'tests/guides/write-user.bpf.c', refusedAs: { integrity: 'bpf_probe_write_user#36', confidentiality: 'bpf_probe_write_user#36' } },
];

/** The lines of the loader's output that show a refusal: the verifier's, then the loader's own. */
export const refusalLines = (p: LockdownProgram, mode: LockdownMode): string[] | null => {
	const helper = p.refusedAs[mode];
	return helper === undefined ? null : [`unknown func ${helper}`, `the kernel refused ${objectOf(p.file)}: Invalid argument`];
};

/** The guide's example: the __data_loc reader, refused under confidentiality (libbpf's log around the verifier's line cut). */
export const LOCKDOWN_EXAMPLE = LOCKDOWN_PROGRAMS[0]!;
