/**
 * End to end, as root on this machine: generated projects built with `make` inside a copy of companion/,
 * run, the events triggered from here, and the printed lines checked for pid, comm, address:port, path
 * and return value.
 */
import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { endToEnd } from './e2e-harness.ts';
import { parse, runCommand, startTracing, traceWhile, waitUntil } from './tracing.ts';

const { work, build } = endToEnd('atlas-e2e-');

describe('generated programs built with make and run', () => {
	const servers: Server[] = [];
	afterAll(() => servers.forEach((s) => s.close()));

	async function listeningPort(): Promise<number> {
		const server = createServer((socket) => socket.end());
		servers.push(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return (server.address() as { port: number }).port;
	}

	async function closedPort(): Promise<number> {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const port = (server.address() as { port: number }).port;
		await new Promise((resolve) => server.close(resolve));
		return port;
	}

	it('syscalls:sys_enter_connect paired with its exit: address:port and return value (0 and -ECONNREFUSED)', async () => {
		const program = await build(['syscalls:sys_enter_connect'], { pairExit: true });
		const open = await listeningPort();
		const closed = await closedPort();
		let okPid = 0;
		let refusedPid = 0;
		const lines = await traceWhile(program, ['-c', 'bash'], async () => {
			okPid = await runCommand('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${open}`]);
			refusedPid = await runCommand('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${closed}`]);
		});
		const records = parse(lines).filter((l) => l.event === 'sys_enter_connect');
		expect(records.find((l) => l.pid === okPid && l.fields.uservaddr === `127.0.0.1:${open}`), lines.join('\n')).toMatchObject({ comm: 'bash', fields: { ret: '0', addrlen: '16' } });
		expect(records.find((l) => l.pid === refusedPid && l.fields.uservaddr === `127.0.0.1:${closed}`), lines.join('\n')).toMatchObject({ comm: 'bash', fields: { ret: '-ECONNREFUSED' } });
	});

	/** A python3 program that waits for a line on stdin before it runs `script`; resolves with what it printed as JSON. */
	function pythonAfterGo(script: string): { pid: number; go: () => Promise<Record<string, number>> } {
		const child = spawn('python3', ['-c', `import sys\nsys.stdin.readline()\n${script}`], { stdio: ['pipe', 'pipe', 'inherit'] });
		let out = '';
		child.stdout?.on('data', (d) => (out += d));
		const done = new Promise((resolve) => child.on('exit', resolve));
		return {
			pid: child.pid as number,
			go: async () => {
				child.stdin?.end('go\n');
				await done;
				return JSON.parse(out || '{}') as Record<string, number>;
			},
		};
	}

	it('syscalls:sys_enter_accept4, paired by itself: the peer as address:port from the client\'s known port, read at sys_exit', async () => {
		const program = await build(['syscalls:sys_enter_accept4']);
		const python = pythonAfterGo(
			[
				'import json, socket',
				"server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen()",
				"client = socket.socket(); client.bind(('127.0.0.1', 0))",
				'client.connect(server.getsockname())',
				'conn, peer = server.accept()',
				"print(json.dumps({'client': client.getsockname()[1], 'fd': conn.fileno(), 'listener': server.fileno()}))",
			].join('\n'),
		);
		let sent: Record<string, number> = {};
		const lines = await traceWhile(program, ['-p', String(python.pid)], async () => {
			sent = await python.go();
		});
		const accepted = parse(lines).filter((l) => l.event === 'sys_enter_accept4');
		expect(accepted, lines.join('\n')).toHaveLength(1);
		expect(accepted[0]?.fields).toEqual({
			fd: String(sent.listener),
			upeer_sockaddr: `127.0.0.1:${sent.client}`,
			upeer_addrlen: '16',
			flags: '0x80000',
			ret: String(sent.fd),
		});
	});

	it('syscalls:sys_enter_accept4 called with NULL address pointers (libuv does): no address to read', async () => {
		const program = await build(['syscalls:sys_enter_accept4'], { programName: 'accept4_null' });
		const port = await listeningPort();
		const lines = await traceWhile(program, ['-p', String(process.pid)], async () => {
			const socket = connect(port, '127.0.0.1');
			await new Promise((resolve) => socket.on('close', resolve).on('error', resolve));
		});
		const accepted = parse(lines).filter((l) => l.event === 'sys_enter_accept4' && !l.fields.ret?.startsWith('-'));
		expect(accepted[0]?.fields, lines.join('\n')).toMatchObject({ upeer_sockaddr: '(none)', upeer_addrlen: '0' });
	});

	it('syscalls:sys_enter_write: exactly count bytes of a longer buffer, NULs escaped; a long one cut at the cap with its length', async () => {
		const program = await build(['syscalls:sys_enter_write'], { stringSize: 64 });
		const python = pythonAfterGo(
			[
				'import ctypes, json, os',
				'libc = ctypes.CDLL(None)',
				"fd = os.open('/dev/null', os.O_WRONLY)",
				"libc.write(fd, b'ab\\x00\\x01SECRET', 4)",
				"libc.write(fd, b'x' * 300, 300)",
				"print(json.dumps({'fd': fd}))",
			].join('\n'),
		);
		let sent: Record<string, number> = {};
		const lines = await traceWhile(program, ['-p', String(python.pid)], async () => {
			sent = await python.go();
		});
		const writes = parse(lines).filter((l) => l.event === 'sys_enter_write' && l.fields.fd === String(sent.fd));
		expect(writes.map((l) => l.fields), lines.join('\n')).toEqual([
			{ fd: String(sent.fd), buf: '"ab\\x00\\x01"', count: '4' },
			{ fd: String(sent.fd), buf: `"${'x'.repeat(64)}"`, count: '300' },
		]);
		expect(lines.join('\n')).toContain(`buf="${'x'.repeat(64)}"...(300 bytes) count=300`);
		expect(lines.join('\n')).not.toContain('SECRET');
	});

	it('syscalls:sys_enter_read, paired by itself: the bytes the kernel put in the buffer, as many as read returned', async () => {
		const program = await build(['syscalls:sys_enter_read']);
		const path = join(work, 'read-by-python.bin');
		writeFileSync(path, Buffer.from('hello\0world'));
		const python = pythonAfterGo(
			[
				'import json, os',
				`fd = os.open(${JSON.stringify(path)}, os.O_RDONLY)`,
				'data = os.read(fd, 100)',
				"print(json.dumps({'fd': fd, 'read': len(data)}))",
			].join('\n'),
		);
		let got: Record<string, number> = {};
		const lines = await traceWhile(program, ['-p', String(python.pid)], async () => {
			got = await python.go();
		});
		// fd numbers are reused while python starts; the file is read with a count of 100.
		const reads = parse(lines).filter((l) => l.event === 'sys_enter_read' && l.fields.fd === String(got.fd) && l.fields.count === '100');
		expect(got.read).toBe(11);
		expect(reads.length, lines.join('\n')).toBe(1);
		expect(reads[0]?.fields).toEqual({ fd: String(got.fd), buf: '"hello\\x00world"', count: '100', ret: '11' });
	});

	it('the stat family, each paired by itself: the struct the kernel filled, read at sys_exit (size, mode, inode of a known file); (unfilled) on failure', async () => {
		const events = ['syscalls:sys_enter_newstat', 'syscalls:sys_enter_newfstatat', 'syscalls:sys_enter_statx', 'syscalls:sys_enter_statfs'];
		const program = await build(events, { programName: 'stat_family' });
		const path = join(work, 'stat-me.txt');
		writeFileSync(path, 'hello world!', { mode: 0o640 });
		chmodSync(path, 0o640);
		const missing = join(work, 'not-there.txt');
		const python = pythonAfterGo(
			[
				'import ctypes, json, os',
				'libc = ctypes.CDLL(None, use_errno=True)',
				'buf = ctypes.create_string_buffer(256)',
				`path = ${JSON.stringify(path)}.encode()`,
				"stat_ret = libc.syscall(4, path, buf)  # SYS_stat: glibc's stat() calls newfstatat",
				'statx_ret = libc.statx(-100, path, 0, 0x7ff, buf)  # AT_FDCWD, STATX_BASIC_STATS',
				`st = os.stat(${JSON.stringify(path)})`,
				`missing = libc.syscall(4, ${JSON.stringify(missing)}.encode(), buf)`,
				"vfs = os.statvfs('/')",
				"print(json.dumps({'ino': st.st_ino, 'uid': st.st_uid, 'gid': st.st_gid, 'blocks': st.st_blocks, 'stat': stat_ret, 'statx': statx_ret, 'missing': missing, 'bsize': vfs.f_bsize, 'files': vfs.f_files}))",
			].join('\n'),
		);
		let got: Record<string, number> = {};
		const lines = await traceWhile(program, ['-p', String(python.pid)], async () => {
			got = await python.go();
		});
		expect([got.stat, got.statx, got.missing]).toEqual([0, 0, -1]);
		const records = parse(lines).filter((l) => l.pid === python.pid);
		const of = (event: string, file: string) => records.filter((l) => l.event === event && l.fields.filename === JSON.stringify(file)).map((l) => l.fields);
		const owner = { uid: String(got.uid), gid: String(got.gid) };
		const stat = { 'statbuf.st_ino': String(got.ino), 'statbuf.st_nlink': '1', 'statbuf.st_mode': '0100640', 'statbuf.st_uid': owner.uid, 'statbuf.st_gid': owner.gid, 'statbuf.st_size': '12', 'statbuf.st_blocks': String(got.blocks), ret: '0' };
		expect(of('sys_enter_newstat', path), lines.join('\n')).toEqual([{ filename: JSON.stringify(path), ...stat }]);
		expect(of('sys_enter_newfstatat', path), lines.join('\n')).toEqual([{ dfd: '-100', filename: JSON.stringify(path), ...stat, flag: '0x0' }]);
		expect(of('sys_enter_statx', path), lines.join('\n')).toEqual([
			{
				dfd: '-100', filename: JSON.stringify(path), flags: '0x0', mask: '0x7ff', 'buffer.stx_mask': expect.stringMatching(/^0x[0-9a-f]*7ff$/),
				'buffer.stx_nlink': '1', 'buffer.stx_uid': owner.uid, 'buffer.stx_gid': owner.gid, 'buffer.stx_mode': '0100640',
				'buffer.stx_ino': String(got.ino), 'buffer.stx_size': '12', 'buffer.stx_blocks': String(got.blocks), ret: '0',
			},
		]);
		// A failed call filled nothing: the struct is not printed from whatever the buffer held.
		expect(of('sys_enter_newstat', missing), lines.join('\n')).toEqual([{ filename: JSON.stringify(missing), statbuf: '(unfilled)', ret: '-ENOENT' }]);
		const statfs = records.filter((l) => l.event === 'sys_enter_statfs' && l.fields.pathname === '"/"');
		expect(statfs.map((l) => [l.fields['buf.f_bsize'], l.fields['buf.f_files'], l.fields.ret]), lines.join('\n')).toEqual([[String(got.bsize), String(got.files), '0']]);
	});

	it('syscalls:sys_enter_openat: the path opened and AT_FDCWD', async () => {
		const program = await build(['syscalls:sys_enter_openat']);
		const path = join(work, 'opened-by-cat.txt');
		writeFileSync(path, 'hello\n');
		let pid = 0;
		const lines = await traceWhile(program, ['-c', 'cat'], async () => {
			pid = await runCommand('cat', [path]);
		});
		expect(parse(lines).find((l) => l.pid === pid && l.fields.filename === JSON.stringify(path)), lines.join('\n')).toMatchObject({ comm: 'cat', event: 'sys_enter_openat', fields: { dfd: '-100' } });
	});

	it('syscalls:sys_enter_execve: the program and its arguments, for the one process -p names', async () => {
		const program = await build(['syscalls:sys_enter_execve']);
		const waiting = spawn('bash', ['-c', 'read line; exec /bin/echo atlas-e2e-marker'], { stdio: ['pipe', 'ignore', 'ignore'] });
		const done = new Promise((resolve) => waiting.on('exit', resolve));
		const lines = await traceWhile(program, ['-p', String(waiting.pid)], async () => {
			waiting.stdin?.end('go\n');
			await done;
		});
		const records = parse(lines);
		expect(records.map((l) => l.pid), lines.join('\n')).toEqual([waiting.pid]);
		expect(records[0]).toMatchObject({ comm: 'bash', event: 'sys_enter_execve', fields: { filename: '"/bin/echo"', argv: '["/bin/echo", "atlas-e2e-marker"]' } });
	});

	it.each(['ringbuf', 'perfbuf'] as const)('sched:sched_process_exec through a %s: the new program\'s path, pid and comm', async (output) => {
		const program = await build(['sched:sched_process_exec'], { output, programName: `exec_${output}` });
		let pid = 0;
		const lines = await traceWhile(program, ['-c', 'echo'], async () => {
			pid = await runCommand('bash', ['-c', 'exec /bin/echo atlas-e2e-marker']);
		});
		expect(parse(lines).find((l) => l.pid === pid), lines.join('\n')).toMatchObject({
			comm: 'echo',
			event: 'sched_process_exec',
			fields: { filename: '"/bin/echo"', pid: String(pid), old_pid: String(pid) },
		});
	});

	it('sched:sched_process_exec with bpf_printk: the loader copies its own lines and takes none from other readers', async () => {
		const exec = await build(['sched:sched_process_exec'], { output: 'printk', programName: 'exec_printk' });
		const fork = await build(['sched:sched_process_fork'], { output: 'printk', programName: 'fork_printk', filterComm: false, filterPid: false });
		// Another bpf_printk program, and a reader of the shared trace_pipe, at the same time.
		const forkTracing = await startTracing(fork, []);
		const shared = spawn('cat', ['/sys/kernel/tracing/trace_pipe']);
		let sharedText = '';
		shared.stdout.on('data', (d) => (sharedText += d));
		const execTracing = await startTracing(exec, ['-c', 'echo']);
		const pid = await runCommand('bash', ['-c', 'exec /bin/echo atlas-e2e-marker']);
		const execLine = `sched_process_exec: filename=/bin/echo pid=${pid} old_pid=${pid}`;
		// Three readers of one line: on a busy machine (a test spinning a CPU beside this one) they take their time.
		await waitUntil(() => execTracing.output().includes(execLine) && sharedText.includes(execLine) && forkTracing.output().includes('sched_process_fork'));
		await new Promise((r) => setTimeout(r, 500)); // and would a stray line follow, it has time to show
		const execLines = await execTracing.stop();
		const forkLines = await forkTracing.stop();
		shared.kill();
		expect(execLines.some((l) => l.includes(execLine)), execLines.join('\n')).toBe(true);
		// Each loader prints only its own program's lines ...
		expect(execLines.filter((l) => l.includes('bpf_trace_printk:') && !l.includes('sched_process_exec')), execLines.join('\n')).toEqual([]);
		expect(forkLines.some((l) => l.includes('sched_process_fork')), forkLines.join('\n')).toBe(true);
		expect(forkLines.filter((l) => l.includes('sched_process_exec:')), forkLines.join('\n')).toEqual([]);
		// ... and the shared trace_pipe still got the line the exec loader printed: nothing was taken from it.
		expect(sharedText.includes(execLine), sharedText.slice(-2000)).toBe(true);
		// The loaders removed their trace instances.
		const instances = readdirSync('/sys/kernel/tracing/instances');
		expect(instances.filter((i) => i === `tracepoint_atlas_${execTracing.pid}` || i === `tracepoint_atlas_${forkTracing.pid}`)).toEqual([]);
	});
});
