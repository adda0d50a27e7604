/**
 * Structs a syscall fills for its caller (`struct stat *statbuf`): the generator saves the pointer at
 * sys_enter and, once the call has succeeded, copies the start of the struct at sys_exit and prints its
 * meaningful members. The layouts are the user-space ABI (uapi headers), which never changes for an
 * architecture, so they are written here rather than read from a kernel's BTF (a `portable` program has none).
 */
/** How the loader shows a member (a subset of plan.ts's Show). */
export type MemberShow = 'signed' | 'unsigned' | 'hex' | 'octal';

export interface OutStructMember {
	name: string;
	/** Record type: `__u32`, `__s64`… */
	type: string;
	/** How the loader shows it; null for a member kept only so the ones after it sit at their ABI offset. */
	show: MemberShow | null;
}

export interface OutStructLayout {
	/** The struct tag: `stat`. */
	struct: string;
	/** Where the layout comes from, for the comment beside the record member. */
	source: string;
	/** The struct's first members, in ABI order and alignment: their offsets are the ABI's. */
	members: OutStructMember[];
}

const member = (name: string, type: string, show: MemberShow | null = null): OutStructMember => ({ name, type, show });

/** `struct stat` of x86-64 (arch/x86/include/uapi/asm/stat.h); other architectures use asm-generic's, laid out differently. */
const STAT_X86_64: OutStructLayout = {
	struct: 'stat',
	source: 'the first 72 bytes of x86-64\'s struct stat (uapi asm/stat.h)',
	members: [
		member('st_dev', '__u64'), member('st_ino', '__u64', 'unsigned'), member('st_nlink', '__u64', 'unsigned'),
		member('st_mode', '__u32', 'octal'), member('st_uid', '__u32', 'unsigned'), member('st_gid', '__u32', 'unsigned'), member('__pad0', '__u32'),
		member('st_rdev', '__u64'), member('st_size', '__s64', 'signed'), member('st_blksize', '__s64'), member('st_blocks', '__s64', 'signed'),
	],
};

/** `struct statx` (include/uapi/linux/stat.h): the same on every architecture. `stx_mask` says which members the kernel filled. */
const STATX: OutStructLayout = {
	struct: 'statx',
	source: 'the first 56 bytes of struct statx (uapi linux/stat.h)',
	members: [
		member('stx_mask', '__u32', 'hex'), member('stx_blksize', '__u32'), member('stx_attributes', '__u64'),
		member('stx_nlink', '__u32', 'unsigned'), member('stx_uid', '__u32', 'unsigned'), member('stx_gid', '__u32', 'unsigned'), member('stx_mode', '__u16', 'octal'), member('__spare0', '__u16'),
		member('stx_ino', '__u64', 'unsigned'), member('stx_size', '__u64', 'unsigned'), member('stx_blocks', '__u64', 'unsigned'),
	],
};

/** `struct statfs` of 64-bit x86 (asm-generic/statfs.h with a 64-bit __statfs_word). `f_type` is the filesystem's magic number. */
const STATFS_X86_64: OutStructLayout = {
	struct: 'statfs',
	source: 'the first 56 bytes of x86-64\'s struct statfs (uapi asm-generic/statfs.h)',
	members: [
		member('f_type', '__s64', 'hex'), member('f_bsize', '__s64', 'signed'), member('f_blocks', '__u64', 'unsigned'), member('f_bfree', '__u64', 'unsigned'),
		member('f_bavail', '__u64', 'unsigned'), member('f_files', '__u64', 'unsigned'), member('f_ffree', '__u64', 'unsigned'),
	],
};

/** Layouts by struct tag, then by `uname -m` (`*`: every architecture). */
const LAYOUTS: Record<string, Record<string, OutStructLayout>> = {
	stat: { x86_64: STAT_X86_64 },
	statx: { '*': STATX },
	statfs: { x86_64: STATFS_X86_64 },
};

/** The struct tags the kernel fills through a syscall's pointer argument: `struct stat *statbuf` is output whatever the arch. */
export const OUT_STRUCTS = Object.keys(LAYOUTS);

/** The layout of `struct <tag>` on `arch`, or null when the generator does not know it (the pointer is shown then). */
export function outStructLayout(tag: string, arch: string): OutStructLayout | null {
	const byArch = LAYOUTS[tag];
	return byArch?.[arch] ?? byArch?.['*'] ?? null;
}
