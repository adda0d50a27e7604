import { describe, expect, it } from 'vitest';
import { fixtureInput } from './fixtures/load.ts';
import { generateProject, planProject } from './index.ts';
import { readSnapshot } from '../../data/store.ts';
import { copiedArgument, isKernelCopy, type FieldPlan } from './plan.ts';

/** Field name → [read, show, record type, ctx path] of one event's plan. */
function fieldsOf(...args: Parameters<typeof planProject>) {
	const plan = planProject(...args);
	const row = (f: FieldPlan) => [f.read, f.show, `${f.type}${f.dims.map((d) => `[${d}]`).join('')}`, f.path];
	return Object.fromEntries((plan.events[0]?.fields ?? []).map((f) => [f.name, row(f)]));
}

describe('how fields are read and shown (real 6.18 events)', () => {
	it('syscall arguments: narrowed to their declared types, sockaddr decoded with its length', () => {
		expect(fieldsOf(fixtureInput('running-6.18-amd64', 'syscalls:sys_enter_connect'))).toEqual({
			fd: ['value', 'signed', '__s32', 'args[0]'],
			uservaddr: ['sockaddr', 'sockaddr', '__u8[128]', 'args[1]'],
			addrlen: ['value', 'signed', '__s32', 'args[2]'],
		});
		expect(fieldsOf(fixtureInput('running-6.18-amd64', 'syscalls:sys_enter_openat'))).toEqual({
			dfd: ['value', 'signed', '__s32', 'args[0]'],
			filename: ['user-string', 'string', 'char[256]', 'args[1]'],
			flags: ['value', 'hex', '__s32', 'args[2]'],
			mode: ['value', 'octal', '__u16', 'args[3]'],
		});
		expect(fieldsOf(fixtureInput('running-6.18-amd64', 'syscalls:sys_enter_execve'), { argvCount: 3 })).toMatchObject({
			argv: ['argv', 'argv', 'char[3][128]', 'args[1]'],
			envp: ['value', 'address', '__u64', 'args[2]'],
		});
	});

	it('__data_loc strings and arrays, fixed char arrays, device numbers', () => {
		expect(fieldsOf(fixtureInput('running-6.18-amd64', 'sched:sched_process_exec'))).toMatchObject({
			filename: ['loc-string', 'string', 'char[256]', '__data_loc_filename'],
		});
		expect(fieldsOf(fixtureInput('running-6.18-amd64', 'block:block_rq_issue'))).toMatchObject({
			dev: ['value', 'dev', '__u32', 'dev'],
			rwbs: ['ctx-array', 'chars', 'char[10]', 'rwbs'],
		});
		expect(fieldsOf(fixtureInput('running-6.18-amd64', 'ipi:ipi_send_cpumask'), { stringSize: 64 })).toMatchObject({
			cpumask: ['loc-bytes', 'bytes', '__u8[64]', '__data_loc_cpumask'],
			callsite: ['value', 'address', '__u64', 'callsite'],
		});
	});

	it('addresses in byte arrays the way the kernel prints them', () => {
		expect(fieldsOf(fixtureInput('running-6.18-amd64', 'tcp:tcp_retransmit_skb'))).toMatchObject({
			saddr: ['ctx-array', 'ipv4', '__u8[4]', 'saddr'],
			saddr_v6: ['ctx-array', 'ipv6', '__u8[16]', 'saddr_v6'],
		});
		expect(fieldsOf(fixtureInput('running-6.18-amd64', 'bridge:br_fdb_add'))).toMatchObject({ addr: ['ctx-array', 'mac', '__u8[6]', 'addr'] });
	});

	it('arrays inside the record are loaded from ctx element by element, in both contexts, by CTX_COPY_<n> chunks', () => {
		for (const context of ['vmlinux', 'portable'] as const) {
			expect(fieldsOf(fixtureInput('running-6.18-amd64', 'sched:sched_switch'), { context })).toMatchObject({ prev_comm: ['ctx-array', 'chars', 'char[16]', 'prev_comm'] });
			const bpf = generateProject(fixtureInput('running-6.18-amd64', 'sched:sched_switch'), { context }).files.find((f) => f.path.endsWith('.bpf.c'))!.content;
			expect(bpf).toContain('\tCTX_COPY_16(r->prev_comm, ctx->prev_comm, 0);\n');
			expect(bpf).toContain('#define CTX_COPY_1(dst, src, i) ((dst)[i] = src[i])');
			expect(bpf).not.toContain('bpf_probe_read_kernel(');
		}
		// rwbs[10] = 8 + 2: each chunk a power of two, starting where the one before ended.
		const bpf = generateProject(fixtureInput('running-6.18-amd64', 'block:block_rq_issue')).files.find((f) => f.path.endsWith('.bpf.c'))!.content;
		expect(bpf).toContain('\tCTX_COPY_8(r->rwbs, ctx->rwbs, 0);\n\tCTX_COPY_2(r->rwbs, ctx->rwbs, 8);\n');
	});

	it('kernel strings, and names that would clash with the loader\'s C library', () => {
		expect(fieldsOf(fixtureInput('running-6.18-amd64', 'rcu:rcu_utilization'))).toEqual({ s: ['kernel-string', 'string', 'char[256]', 's'] });
		expect(Object.keys(fieldsOf(fixtureInput('running-6.18-amd64', 'signal:signal_deliver')))).toEqual(['sig', 'errno_', 'code', 'sa_handler_', 'sa_flags']);
	});

	it('vmlinux.h typedefs that hide pointers are cast; packed enums are read at their offset', () => {
		const lease = planProject(fixtureInput('running-6.18-amd64', 'filelock:break_lease_block')).events[0]?.fields.find((f) => f.name === 'owner');
		expect(lease).toMatchObject({ read: 'value', cast: '__u64', path: 'owner' });
		expect(fieldsOf(fixtureInput('running-6.18-amd64', 'xfs:xfs_discard_busy'))).toMatchObject({ type: ['value', 'unsigned', '__u8', null] });
	});

	it('7.2 syscall formats list string copies a BPF program does not get: read the argument, leave the copy out', () => {
		// The verification VM of 7.2 (data/verify/7.2-amd64.json) printed __filename_val as the same garbage for every call.
		const input = fixtureInput('7.2-amd64', 'syscalls:sys_enter_openat');
		expect(fieldsOf(input)).toEqual({
			dfd: ['value', 'signed', '__s32', 'args[0]'],
			filename: ['user-string', 'string', 'char[256]', 'args[1]'],
			flags: ['value', 'hex', '__s32', 'args[2]'],
			mode: ['value', 'octal', '__u16', 'args[3]'],
		});
		expect(planProject(input).events[0]?.omitted).toEqual([
			{ name: '__filename_val', reason: expect.stringMatching(/^the kernel fills this copy of filename in its own trace buffer only/) },
		]);
	});
});

describe('ctx type', () => {
	it('is the BTF struct by default and a struct from the format offsets when asked', () => {
		const input = fixtureInput('running-6.18-amd64', 'sched:sched_switch');
		expect(planProject(input).events[0]?.ctx).toEqual({ kind: 'vmlinux', struct: 'trace_event_raw_sched_switch', match: 'event' });
		const portable = planProject(input, { context: 'portable' }).events[0]?.ctx;
		expect(portable).toMatchObject({ kind: 'portable', struct: 'format_sched_switch', sameLayoutOn: ['running-6.18-amd64'], fallback: null });
	});

	it('falls back to the format offsets, and says why, when the kernel has no struct for the event', () => {
		const plan = planProject(fixtureInput('7.2-amd64', 'syscalls:sys_enter_mount'));
		expect(plan.events[0]?.ctx).toMatchObject({ kind: 'portable', fallback: expect.stringMatching(/^no trace_event_raw_\* struct in the vmlinux BTF/) });
		expect(plan.usesVmlinux).toBe(false);
		expect(plan.notes[0]).toMatch(/^syscalls:sys_enter_mount: no trace_event_raw_\* struct/);
		expect(plan.notes.slice(1).map((n) => n.split(':')[2])).toEqual([' field __dev_name_val is not recorded', ' field __dir_name_val is not recorded', ' field __type_val is not recorded']);
	});

	it('lists the kernels whose format has the same layout', () => {
		const input = fixtureInput('running-6.18-amd64', 'syscalls:sys_enter_openat');
		const seven = fixtureInput('7.2-amd64', 'syscalls:sys_enter_openat').events[0]!;
		const plan = planProject({ ...input, capturedOn: () => [{ kernel: '7.2-amd64', format: seven.format }, { kernel: 'same', format: input.events[0]!.format }] }, { context: 'portable' });
		expect(plan.events[0]?.ctx).toMatchObject({ sameLayoutOn: ['running-6.18-amd64', 'same'] });
	});
});

describe('program shape', () => {
	it('uses a perf buffer on kernels before 5.8', () => {
		const input = fixtureInput('running-6.18-amd64', 'sched:sched_process_exec');
		const old = planProject({ ...input, kernel: { ...input.kernel, release: '5.4.0-200-generic' } });
		expect(old.transport).toBe('perfbuf');
		expect(old.notes[0]).toMatch(/predates BPF ring buffers \(Linux 5\.8\)/);
	});

	it('pairs sys_enter with sys_exit through the lookup', () => {
		const plan = planProject(fixtureInput('running-6.18-amd64', 'syscalls:sys_enter_connect'), { pairExit: true });
		expect(plan.events[0]?.exit).toMatchObject({ section: 'tp/syscalls/sys_exit_connect', retPath: 'ret', retName: 'ret', pendingMap: 'sys_enter_connect_pending' });
	});

	it('names its structs record_* and format_*, unique even for an event called "header"', () => {
		const input = fixtureInput('running-6.18-amd64', 'sched:sched_switch', 'sched:sched_process_exec');
		// Event names come from the kernel; "header" would otherwise give the record the header's own tag.
		const header = { ...input.events[1]!, name: 'header' };
		const plan = planProject({ ...input, events: [input.events[0]!, header] }, { context: 'portable' });
		expect(plan.events.map((p) => [p.recordStruct, p.ctx.struct])).toEqual([
			['record_sched_switch', 'format_sched_switch'],
			['record_header_', 'format_header'],
		]);
		expect(generateProject({ ...input, events: [header] }).files[0]?.content).toMatch(/struct record_header_ \*r = /);
	});

	it('writes exactly the companion files and the generated ones', () => {
		const project = generateProject(fixtureInput('running-6.18-amd64', 'sched:sched_process_exec'));
		expect(project.files.map((f) => `${f.origin}:${f.path}`)).toEqual([
			'generated:sched_process_exec.bpf.c',
			'generated:sched_process_exec.c',
			'generated:sched_process_exec.h',
			'generated:README.md',
			'companion:.gitignore',
			'companion:Makefile',
			'companion:tp_helpers.h',
		]);
	});
});

describe('input it cannot use gets a clear error', () => {
	const connect = fixtureInput('running-6.18-amd64', 'syscalls:sys_enter_connect');
	it.each([
		['pairExit without a lookup', { ...connect, lookup: undefined }, { pairExit: true }, /pairExit needs a lookup function to find syscalls:sys_exit_connect/],
		['pairExit without a sys_enter event', fixtureInput('running-6.18-amd64', 'sched:sched_switch'), { pairExit: true }, /no sys_enter_\* event was given/],
		['an unknown field', connect, { fields: { 'syscalls:sys_enter_connect': ['fd', 'addr'] } }, /syscalls:sys_enter_connect has no field "addr"; its fields are: __syscall_nr, fd, uservaddr, addrlen/],
		['fields of an event not given', connect, { fields: { 'sched:sched_switch': ['prev_pid'] } }, /option fields names sched:sched_switch, which is not among the events/],
		['an event twice', { ...connect, events: [...connect.events, ...connect.events] }, {}, /syscalls:sys_enter_connect is listed twice/],
		['an unsafe event name', { ...connect, events: [{ ...connect.events[0]!, name: 'x"); system("' }] }, {}, /refusing to emit tracefs name "x\\"\); system\(\\"": it is not a tracefs name/],
		['no events', { ...connect, events: [] }, {}, /no events given/],
	])('%s', (_, input, options, message) => {
		expect(() => generateProject(input, options)).toThrowError(message);
	});
});

describe('kernel copies of string arguments (7.x syscall formats)', () => {
	it('names the argument a __<arg>_val copy belongs to, and nothing else', () => {
		const openat = fixtureInput('7.2-amd64', 'syscalls:sys_enter_openat').events[0]!;
		expect(openat.format.fields.map((f) => copiedArgument(openat, f))).toEqual([...openat.format.fields.map(() => null).slice(1), 'filename']);
		expect(openat.format.fields.map((f) => isKernelCopy(openat, f))).toEqual([...openat.format.fields.map(() => false).slice(1), true]);
		const older = fixtureInput('running-6.18-amd64', 'syscalls:sys_enter_openat').events[0]!;
		expect(older.format.fields.every((f) => copiedArgument(older, f) === null && !isKernelCopy(older, f))).toBe(true);
	});

	it('leaves out a copy whose name matches no string argument (7.2 kexec_file_load: __flags_val copies cmdline_ptr)', () => {
		const snapshot = readSnapshot(new URL('../../../data', import.meta.url).pathname, '7.2-amd64');
		const kexec = snapshot.events.find((e) => e.name === 'sys_enter_kexec_file_load')!;
		const copy = kexec.format.fields.find((f) => f.name === '__flags_val')!;
		expect([isKernelCopy(kexec, copy), copiedArgument(kexec, copy)]).toEqual([true, null]);
		const plan = planProject({ kernel: snapshot.provenance, events: [kexec] });
		expect(plan.events[0]!.fields.map((f) => f.name)).toEqual(['kernel_fd', 'initrd_fd', 'cmdline_len', 'cmdline_ptr', 'flags']);
		expect(plan.notes).toContain('syscalls:sys_enter_kexec_file_load: field __flags_val is not recorded: the kernel fills this copy in its own trace buffer only, not in the record a BPF program gets (verified on 7.2: it reads as garbage); string arguments are read from user memory instead.');
	});
});

describe('output arguments (6.12 accept4 from data/): read at sys_exit, so the event pairs itself', () => {
	const snapshot = readSnapshot(new URL('../../../data', import.meta.url).pathname, '6.12-amd64');
	const byKey = new Map(snapshot.events.map((e) => [`${e.category}:${e.name}`, e]));
	const input = (keys: string[], withLookup = true) => ({
		kernel: snapshot.provenance,
		events: keys.map((k) => byKey.get(k)!),
		lookup: withLookup ? (c: string, n: string) => byKey.get(`${c}:${n}`) : undefined,
	});

	it('without pairExit: paired with sys_exit_accept4, the address and its length read there, and a note says why', () => {
		const plan = planProject(input(['syscalls:sys_enter_accept4']));
		expect(plan.events[0]?.exit?.event.name).toBe('sys_exit_accept4');
		expect(plan.events[0]?.fields.filter((f) => f.when === 'exit').map((f) => [f.name, f.read, f.show])).toEqual([
			['upeer_sockaddr', 'out-sockaddr', 'sockaddr'],
			['upeer_addrlen', 'out-int', 'signed'],
		]);
		expect(plan.notes.join('\n')).toContain('paired with sys_exit_accept4 because the kernel writes upeer_sockaddr, upeer_addrlen during the call');
	});

	it('when the exit is listed as an event of its own, or cannot be looked up: the pointers are shown as addresses, with a note', () => {
		for (const plan of [planProject(input(['syscalls:sys_enter_accept4', 'syscalls:sys_exit_accept4'])), planProject(input(['syscalls:sys_enter_accept4'], false))]) {
			const accept = plan.events.find((p) => p.event.name === 'sys_enter_accept4')!;
			expect(accept.exit).toBeNull();
			expect(accept.fields.filter((f) => f.name.startsWith('upeer_')).map((f) => f.show)).toEqual(['address', 'address']);
			expect(plan.notes.join('\n')).toMatch(/they are shown as addresses/);
		}
	});

	it('the stat family: the struct the kernel fills, its ABI members read at sys_exit', () => {
		const expected = { newstat: ['statbuf', 'stat'], newfstatat: ['statbuf', 'stat'], newlstat: ['statbuf', 'stat'], newfstat: ['statbuf', 'stat'], statx: ['buffer', 'statx'], statfs: ['buf', 'statfs'], fstatfs: ['buf', 'statfs'] };
		for (const [call, [arg, struct]] of Object.entries(expected)) {
			const plan = planProject(input([`syscalls:sys_enter_${call}`]));
			expect(plan.events[0]?.exit?.event.name, call).toBe(`sys_exit_${call}`);
			expect(plan.events[0]?.fields.find((f) => f.name === arg), call).toMatchObject({ read: 'out-struct', show: 'struct', when: 'exit', layout: { struct } });
		}
		const [stat] = planProject(input(['syscalls:sys_enter_newstat'])).events;
		expect(stat?.fields.find((f) => f.name === 'statbuf')?.layout?.members.filter((m) => m.show).map((m) => m.name)).toEqual(['st_ino', 'st_nlink', 'st_mode', 'st_uid', 'st_gid', 'st_size', 'st_blocks']);
		// arm64 lays struct stat out differently, and only x86_64's layout is known: its pointer is shown.
		const arm = readSnapshot(new URL('../../../data', import.meta.url).pathname, '6.12-arm64');
		const armByKey = new Map(arm.events.map((e) => [`${e.category}:${e.name}`, e]));
		const armPlan = planProject({ kernel: arm.provenance, events: [armByKey.get('syscalls:sys_enter_newfstatat')!], lookup: (c: string, n: string) => armByKey.get(`${c}:${n}`) });
		expect(armPlan.events[0]?.fields.find((f) => f.name === 'statbuf')).toMatchObject({ read: 'value', show: 'address' });
	});

	it('write: the buffer with its count, read at sys_enter; read: the buffer read at sys_exit', () => {
		const write = planProject(input(['syscalls:sys_enter_write']));
		expect(write.events[0]?.exit).toBeNull();
		expect(write.events[0]?.fields.find((f) => f.name === 'buf')).toMatchObject({ read: 'user-buffer', show: 'buffer', when: 'enter', length: { field: { name: 'count' } } });
		const read = planProject(input(['syscalls:sys_enter_read']));
		expect(read.events[0]?.fields.find((f) => f.name === 'buf')).toMatchObject({ read: 'out-buffer', show: 'buffer', when: 'exit', lengthPointer: null });
	});
});
