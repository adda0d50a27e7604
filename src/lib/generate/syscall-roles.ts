/**
 * What each pointer argument of a syscall is for, so the generator reads it at the right moment:
 * input strings and buffers at sys_enter (the caller filled them), output buffers and addresses at
 * sys_exit (the kernel fills them during the call) through the pointer saved at sys_enter.
 *
 * Roles come from the format file's names and types — `const` means input, a length argument
 * beside a byte pointer sizes it, a length passed by pointer (`int *upeer_addrlen`) is written back
 * by the kernel — plus REVIEWED_DIRECTIONS for the byte buffers whose declaration says neither
 * (`char *buf` is read's output but sethostname's input). The unit test runs this over every
 * syscall of every captured kernel and fails on a byte buffer that has no reviewed direction.
 */
import type { Event, Field } from '../../schemas/snapshot.ts';
import { OUT_STRUCTS } from './out-structs.ts';

export type ArgRole =
	/** A NUL-terminated string the caller passes (a path, a name). */
	| { kind: 'string' }
	/** Bytes the caller passes, `length` of them: write's `buf` with `count`. */
	| { kind: 'in-buffer'; length: string }
	/**
	 * Bytes the kernel writes: read's `buf` (as many as the return value says) or getsockopt's `optval`
	 * (as many as it writes to the `int *` named by `length`).
	 */
	| { kind: 'out-buffer'; length: string; filled: 'ret' | 'length-pointer' }
	/** A socket address the caller passes, `length` bytes: connect, bind, sendto. */
	| { kind: 'sockaddr-in'; length: string }
	/** A socket address the kernel writes, its length written to the `int *` named by `length`: accept, recvfrom, getsockname. */
	| { kind: 'sockaddr-out'; length: string }
	/** A struct the kernel fills for the caller (out-structs.ts): stat's `struct stat *statbuf`, statx's `struct statx *buffer`. */
	| { kind: 'out-struct'; struct: string }
	/** An `int *` through which the kernel writes back a length: accept's `upeer_addrlen`. */
	| { kind: 'out-length'; of: string }
	/** execve's NULL-terminated array of string pointers. */
	| { kind: 'argv' };

/**
 * Byte buffers whose declaration does not say which way the bytes go (not `const`), reviewed against
 * the kernel source: `syscall.argument` → who writes them. A buffer missing here is shown as an address,
 * and the unit test names it. modify_ldt's `ptr` goes either way depending on `func`: left an address.
 */
export const REVIEWED_DIRECTIONS: Readonly<Record<string, 'in' | 'out' | 'either'>> = {
	'read.buf': 'out',
	'pread64.buf': 'out',
	'recvfrom.ubuf': 'out',
	'getrandom.ubuf': 'out',
	'getcwd.buf': 'out',
	'readlink.buf': 'out',
	'readlinkat.buf': 'out',
	'getxattr.value': 'out',
	'lgetxattr.value': 'out',
	'fgetxattr.value': 'out',
	'listxattr.list': 'out',
	'llistxattr.list': 'out',
	'flistxattr.list': 'out',
	'listxattrat.list': 'out',
	'lookup_dcookie.buf': 'out',
	'mq_timedreceive.u_msg_ptr': 'out',
	'syslog.buf': 'out',
	'getsockopt.optval': 'out',
	'sendto.buff': 'in',
	'sethostname.name': 'in',
	'setdomainname.name': 'in',
	'setsockopt.optval': 'in',
	'init_module.umod': 'in',
	'modify_ldt.ptr': 'either',
};

const BYTE_POINTER = /^(const )?(char|void) \*$/;
const CHAR_POINTER = /^(const )?char \*$/;
const SOCKADDR_POINTER = /^(const )?struct sockaddr \*$/;
/** Names of arguments that give a buffer's size in bytes: count, len, size, bufsiz, plen, msg_len, optlen, argsz… */
const LENGTH_NAME = /(^|_)(count|size|bufsiz|bytecount|argsz)$|(^|_)[a-z]*len$/;
/** `char *` arguments that are strings even without `const` (mount's, umount's, utime's). */
const STRING_NAME = /(^|_)(name|path|pathname|filename|dir_name|dev_name|type)$/;
const INT_POINTER = /^(unsigned )?int \*$/;
/** A pointer to a struct that is not `const`: `struct stat *`. */
const STRUCT_POINTER = /^struct (\w+) \*$/;

const isPointer = (f: Field) => f.type.includes('*');

/** The syscall an enter event belongs to: `read` for sys_enter_read. */
export const syscallOf = (event: Event) => event.name.replace(/^sys_enter_/, '');

/**
 * The length argument of the pointer `args[i]`: the argument right after it, or one right before it
 * named after it (kexec_file_load's `cmdline_len` before `cmdline_ptr`; init_module's `len` before
 * `uargs` sizes `umod`, not `uargs`).
 */
function lengthBeside(args: Field[], i: number): Field | undefined {
	const fits = (x: Field | undefined): x is Field => x !== undefined && LENGTH_NAME.test(x.name) && (!isPointer(x) || INT_POINTER.test(x.type));
	const next = args[i + 1];
	if (fits(next)) return next;
	const previous = args[i - 1];
	const stem = (args[i] as Field).name.replace(/_ptr$/, '');
	return fits(previous) && previous.name === `${stem}_len` ? previous : undefined;
}

/**
 * The roles of a `syscalls:sys_enter_*` event's arguments, by field name. Arguments with no role
 * (scalars, structs the generator does not decode, buffers of unknown direction) are not in the map.
 */
export function syscallArgRoles(event: Event): Map<string, ArgRole> {
	const roles = new Map<string, ArgRole>();
	if (event.category !== 'syscalls' || !event.name.startsWith('sys_enter_')) return roles;
	const args = event.format.fields.filter((f) => f.name !== '__syscall_nr' && f.dynamic === null);
	const call = syscallOf(event);
	args.forEach((f, i) => {
		if (!isPointer(f)) return;
		const length = lengthBeside(args, i);
		if (SOCKADDR_POINTER.test(f.type) && length) {
			if (isPointer(length)) {
				roles.set(f.name, { kind: 'sockaddr-out', length: length.name });
				roles.set(length.name, { kind: 'out-length', of: f.name });
			} else {
				roles.set(f.name, { kind: 'sockaddr-in', length: length.name });
			}
			return;
		}
		if (BYTE_POINTER.test(f.type) && length) {
			const direction = f.type.startsWith('const ') ? 'in' : REVIEWED_DIRECTIONS[`${call}.${f.name}`];
			if (direction === 'in' && !isPointer(length)) roles.set(f.name, { kind: 'in-buffer', length: length.name });
			if (direction === 'out') {
				roles.set(f.name, { kind: 'out-buffer', length: length.name, filled: isPointer(length) ? 'length-pointer' : 'ret' });
				if (isPointer(length)) roles.set(length.name, { kind: 'out-length', of: f.name });
			}
			return;
		}
		if (CHAR_POINTER.test(f.type) && (f.type.startsWith('const ') || STRING_NAME.test(f.name))) {
			roles.set(f.name, { kind: 'string' });
			return;
		}
		if (f.name === 'argv' && /char \*const \*$/.test(f.type)) roles.set(f.name, { kind: 'argv' });
		const struct = STRUCT_POINTER.exec(f.type)?.[1];
		if (struct && OUT_STRUCTS.includes(struct)) roles.set(f.name, { kind: 'out-struct', struct });
	});
	return roles;
}

/** Byte buffers with a length whose direction neither the declaration nor REVIEWED_DIRECTIONS gives: the test wants none. */
export function unreviewedBuffers(event: Event): string[] {
	if (event.category !== 'syscalls' || !event.name.startsWith('sys_enter_')) return [];
	const args = event.format.fields.filter((f) => f.name !== '__syscall_nr' && f.dynamic === null);
	return args.flatMap((f, i) =>
		BYTE_POINTER.test(f.type) && !f.type.startsWith('const ') && lengthBeside(args, i) && !REVIEWED_DIRECTIONS[`${syscallOf(event)}.${f.name}`] ? [`${syscallOf(event)}.${f.name}`] : [],
	);
}

/** Whether a role is read at sys_exit: the kernel writes it during the call. */
export const readAtExit = (role: ArgRole | undefined) => role !== undefined && ['out-buffer', 'sockaddr-out', 'out-length', 'out-struct'].includes(role.kind);
