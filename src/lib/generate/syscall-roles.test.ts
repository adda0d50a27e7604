/**
 * The argument roles over every syscall of every captured kernel (data/) and the CI kernel's fixture:
 * every byte buffer has a direction, the reviewed table has no entry the data does not need, and the
 * syscalls the guides teach get the roles the kernel source gives them. Prints which syscalls each role covers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot } from '../../data/store.ts';
import type { Event } from '../../schemas/snapshot.ts';
import { fixtureSnapshot } from './fixtures/load.ts';
import { REVIEWED_DIRECTIONS, syscallArgRoles, syscallOf, unreviewedBuffers, type ArgRole } from './syscall-roles.ts';

const DATA = join(import.meta.dirname, '../../../data');
const kernels = [...listKernelIds(DATA).map((id) => readSnapshot(DATA, id)), fixtureSnapshot('running-6.18-amd64')];
const enters = kernels.flatMap((k) => k.events.filter((e) => e.category === 'syscalls' && e.name.startsWith('sys_enter_')).map((event) => ({ kernel: k.provenance.id, event })));

const describeRole = (role: ArgRole) =>
	'length' in role ? `${role.kind}(${role.length}${role.kind === 'out-buffer' ? `, ${role.filled}` : ''})` : role.kind === 'out-length' ? `out-length(of ${role.of})` : role.kind === 'out-struct' ? `out-struct(${role.struct})` : role.kind;

describe('syscall argument roles on every captured kernel', () => {
	it('gives every byte buffer with a length a direction (REVIEWED_DIRECTIONS names the rest)', () => {
		const unreviewed = [...new Set(enters.flatMap(({ kernel, event }) => unreviewedBuffers(event).map((b) => `${b} (${kernel})`)))];
		expect(unreviewed, 'review these buffers against the kernel source and add them to REVIEWED_DIRECTIONS').toEqual([]);
	});

	it('has no reviewed entry that no captured syscall needs', () => {
		const args = new Set(enters.flatMap(({ event }) => event.format.fields.map((f) => `${syscallOf(event)}.${f.name}`)));
		expect(Object.keys(REVIEWED_DIRECTIONS).filter((k) => !args.has(k))).toEqual([]);
	});

	it('prints which syscalls each role covers', () => {
		const byRole = new Map<string, Set<string>>();
		for (const { event } of enters) {
			for (const [arg, role] of syscallArgRoles(event)) {
				const key = role.kind;
				if (!byRole.has(key)) byRole.set(key, new Set());
				byRole.get(key)?.add(`${syscallOf(event)}.${arg}`);
			}
		}
		const syscalls = new Set(enters.map(({ event }) => syscallOf(event)));
		const lines = [...byRole].sort().map(([kind, args]) => `${kind.padEnd(13)} ${String(args.size).padStart(3)}: ${[...args].sort().join(' ')}`);
		console.log([`${syscalls.size} syscalls on ${kernels.length} kernels (${enters.length} sys_enter events)`, ...lines].join('\n'));
		for (const kind of ['string', 'in-buffer', 'out-buffer', 'sockaddr-in', 'sockaddr-out', 'out-length', 'out-struct', 'argv']) expect(byRole.get(kind)?.size, kind).toBeGreaterThan(0);
	});

	// What the kernel source says these arguments are (net/socket.c, fs/read_write.c, kernel/sys.c, ipc/mqueue.c…).
	const EXPECTED: Record<string, Record<string, string>> = {
		accept: { upeer_sockaddr: 'sockaddr-out(upeer_addrlen)', upeer_addrlen: 'out-length(of upeer_sockaddr)' },
		accept4: { upeer_sockaddr: 'sockaddr-out(upeer_addrlen)', upeer_addrlen: 'out-length(of upeer_sockaddr)' },
		getsockname: { usockaddr: 'sockaddr-out(usockaddr_len)' },
		getpeername: { usockaddr: 'sockaddr-out(usockaddr_len)' },
		recvfrom: { ubuf: 'out-buffer(size, ret)', addr: 'sockaddr-out(addr_len)' },
		connect: { uservaddr: 'sockaddr-in(addrlen)' },
		bind: { umyaddr: 'sockaddr-in(addrlen)' },
		sendto: { buff: 'in-buffer(len)', addr: 'sockaddr-in(addr_len)' },
		read: { buf: 'out-buffer(count, ret)' },
		pread64: { buf: 'out-buffer(count, ret)' },
		write: { buf: 'in-buffer(count)' },
		pwrite64: { buf: 'in-buffer(count)' },
		getsockopt: { optval: 'out-buffer(optlen, length-pointer)', optlen: 'out-length(of optval)' },
		setsockopt: { optval: 'in-buffer(optlen)' },
		sethostname: { name: 'in-buffer(len)' },
		mq_timedsend: { u_msg_ptr: 'in-buffer(msg_len)' },
		mq_timedreceive: { u_msg_ptr: 'out-buffer(msg_len, ret)' },
		kexec_file_load: { cmdline_ptr: 'in-buffer(cmdline_len)' },
		init_module: { umod: 'in-buffer(len)', uargs: 'string' },
		openat: { filename: 'string' },
		mount: { dev_name: 'string', dir_name: 'string', type: 'string' },
		truncate: { path: 'string' },
		execve: { filename: 'string', argv: 'argv' },
		newstat: { filename: 'string', statbuf: 'out-struct(stat)' },
		newlstat: { filename: 'string', statbuf: 'out-struct(stat)' },
		newfstat: { statbuf: 'out-struct(stat)' },
		newfstatat: { filename: 'string', statbuf: 'out-struct(stat)' },
		statx: { filename: 'string', buffer: 'out-struct(statx)' },
		statfs: { pathname: 'string', buf: 'out-struct(statfs)' },
		fstatfs: { buf: 'out-struct(statfs)' },
	};

	it.each(Object.entries(EXPECTED))('%s: the roles the kernel source gives', (call, expected) => {
		const events: Event[] = enters.filter(({ event }) => syscallOf(event) === call).map(({ event }) => event);
		expect(events.length, `no captured kernel has sys_enter_${call}`).toBeGreaterThan(0);
		for (const event of events) {
			const roles = syscallArgRoles(event);
			const got = Object.fromEntries(Object.keys(expected).map((arg) => [arg, roles.has(arg) ? describeRole(roles.get(arg) as ArgRole) : 'none']));
			expect(got).toEqual(expected);
		}
	});

	it('leaves a buffer whose direction depends on another argument as a plain pointer (modify_ldt)', () => {
		const modifyLdt = enters.find(({ event }) => syscallOf(event) === 'modify_ldt')?.event as Event;
		expect(syscallArgRoles(modifyLdt).has('ptr')).toBe(false);
	});
});
