/**
 * Which syscall of a family (accept/accept4, open/openat/openat2) everyday programs really make.
 *
 * The guide's table is rendered from this list, and tests/guides/syscall-families.test.ts runs every
 * command under bpftrace on the test machine and checks that exactly these tracepoints fire — so the
 * answer the guide gives is one the test suite measured, not one remembered.
 */

/** The tracepoints a family consists of, as `syscalls:<name>` events. */
export const FAMILIES = {
	accept: ['syscalls:sys_enter_accept', 'syscalls:sys_enter_accept4'],
	open: ['syscalls:sys_enter_open', 'syscalls:sys_enter_openat', 'syscalls:sys_enter_openat2'],
} as const;

/** One measured program. */
export interface Workload {
	/** Stable key, used in test names. */
	id: string;
	/** What the program is, e.g. `Python 3 socket.accept()` (program names need no translation). */
	label: string;
	/** The command a reader types; `PORT` stands for the TCP port it listens on (127.0.0.1). */
	command: string;
	/** Snippet (below content/snippets/) the command builds from, if any. */
	source?: string;
	/** accept-family tracepoints the program fires while accepting one connection. */
	accept: string[];
	/** open-family tracepoints the whole process fires, start-up included. */
	open: string[];
}

export const WORKLOADS: Workload[] = [
	{
		id: 'glibc',
		label: 'C, glibc accept() + open()',
		command: './accept-open PORT',
		source: 'userspace/accept-open.c',
		accept: ['syscalls:sys_enter_accept'],
		open: ['syscalls:sys_enter_openat'],
	},
	{
		id: 'python',
		label: 'Python 3 socket.accept() + open()',
		command: `python3 -c 'import socket; s = socket.create_server(("127.0.0.1", PORT)); s.accept(); open("/etc/hostname")'`,
		accept: ['syscalls:sys_enter_accept4'],
		open: ['syscalls:sys_enter_openat'],
	},
	{
		id: 'node',
		label: 'Node.js net.createServer() + fs.readFileSync()',
		command: `node -e 'require("net").createServer(() => { require("fs").readFileSync("/etc/hostname"); process.exit(0); }).listen(PORT, "127.0.0.1")'`,
		accept: ['syscalls:sys_enter_accept4'],
		open: ['syscalls:sys_enter_openat'],
	},
	{
		id: 'busybox',
		label: 'BusyBox nc -l',
		command: 'busybox nc -l -p PORT',
		accept: ['syscalls:sys_enter_accept'],
		open: ['syscalls:sys_enter_openat'],
	},
];

/** The bpftrace one-liner that counts a family's calls per program, as the guide shows it. */
export function countCommand(family: keyof typeof FAMILIES): string {
	const probes = FAMILIES[family].map((event) => `tracepoint:${event}`).join(',');
	return `bpftrace -e '${probes} { @[comm, probe] = count(); }'`;
}
