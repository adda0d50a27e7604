/**
 * The "Which probe answers my question?" guide and the connect guide's step 0: small BPF programs under
 * content/snippets/probes/, each loaded by the generic loader probes/attach.c and printing with bpf_printk.
 * Pages show these commands and lines; tests/guides/probes.test.ts (this kernel) and probes-vm.test.ts
 * (a Debian kernel under qemu, for the probes this machine's kernel lacks) run exactly these programs
 * and this trigger and expect exactly these messages.
 */

/** The loader every example uses: opens a .bpf.o, attaches each program by its SEC() name, waits for Ctrl-C. */
export const ATTACH_LOADER = 'probes/attach.c';

/** A connection to a port where nothing listens (so no server is needed): python3 prints ConnectionRefusedError. */
export const PROBE_PORT = 8081;
export const PROBE_TRIGGER = `python3 -c 'import socket; socket.create_connection(("127.0.0.1", ${PROBE_PORT}))'`;

export type ProbeName = 'tracepoint' | 'raw-tp' | 'tp-btf' | 'kprobe' | 'fentry' | 'uprobe' | 'ksyscall';

export interface ProbeExample {
	name: ProbeName;
	/** Below content/snippets/. */
	file: string;
	/** The program's SEC() name, as the loader prints it once attached. */
	section: string;
	/** Its C function, the program's name in the kernel. */
	program: string;
	/** The bpf_printk message the trigger yields, `fd` being the socket's descriptor. */
	message: (fd?: number) => string;
	/**
	 * Where the tests run it: on this machine's kernel, or in a Debian kernel under qemu for the kprobe and
	 * trampoline examples (kernels built without CONFIG_KPROBES, as some cloud and microVM kernels are, lack them).
	 */
	runsIn: 'host' | 'vm';
	/**
	 * Whether it sees a 32-bit process's connect() on a 64-bit kernel, made with the connect system call
	 * and with socketcall() (tests/guides/connect32.c; probes-vm.test.ts runs it in the VM, whose kernel
	 * runs 32-bit programs). The uprobe is not asked: that program has no libc.
	 */
	sees32bit?: boolean;
}

const message = (prefix: string) => (fd = 3) => `${prefix}: fd=${fd} family=2 port=${PROBE_PORT}`;

export const PROBES: readonly ProbeExample[] = [
	{ name: 'tracepoint', file: 'probes/tracepoint.bpf.c', section: 'tp/syscalls/sys_enter_connect', program: 'tp_connect', message: message('tracepoint'), runsIn: 'host', sees32bit: false },
	{ name: 'raw-tp', file: 'probes/raw-tp.bpf.c', section: 'raw_tp/sys_enter', program: 'raw_tp_connect', message: message('raw_tp'), runsIn: 'host', sees32bit: false },
	{ name: 'tp-btf', file: 'probes/tp-btf.bpf.c', section: 'tp_btf/sys_enter', program: 'tp_btf_connect', message: message('tp_btf'), runsIn: 'host', sees32bit: false },
	{ name: 'kprobe', file: 'probes/kprobe.bpf.c', section: 'kprobe/__sys_connect', program: 'kprobe_connect', message: message('kprobe'), runsIn: 'vm', sees32bit: true },
	{ name: 'fentry', file: 'probes/fentry.bpf.c', section: 'fentry/__sys_connect', program: 'fentry_connect', message: message('fentry'), runsIn: 'vm', sees32bit: true },
	{ name: 'uprobe', file: 'probes/uprobe.bpf.c', section: 'uprobe/libc.so.6:connect', program: 'uprobe_connect', message: message('uprobe'), runsIn: 'host' },
	{ name: 'ksyscall', file: 'probes/ksyscall.bpf.c', section: 'ksyscall/connect', program: 'ksyscall_connect', message: message('ksyscall'), runsIn: 'vm', sees32bit: false },
];

/** The connect guide's step 0: ten lines of C that print each connect's fd. */
export const HELLO: ProbeExample = {
	name: 'tracepoint',
	file: 'probes/hello.bpf.c',
	section: 'tp/syscalls/sys_enter_connect',
	program: 'hello',
	message: (fd = 3) => `connect fd=${fd}`,
	runsIn: 'host',
};

export function probe(name: ProbeName): ProbeExample {
	const found = PROBES.find((p) => p.name === name);
	if (!found) throw new Error(`no probe example "${name}"; the examples are ${PROBES.map((p) => p.name).join(', ')}`);
	return found;
}

/** The object file a snippet compiles to, as the guide's build commands name it. */
export const objectOf = (file: string) => file.split('/').pop()!.replace(/\.c$/, '.o');

/** The commands that build the loader and every example, run in a folder holding content/snippets/probes/'s files. */
export const BUILD_COMMANDS = [
	'bpftool btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h',
	'for f in *.bpf.c; do clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I. -c "$f" -o "${f%.c}.o"; done',
	'cc -O2 attach.c -lbpf -o attach',
] as const;

/** The lines the loader prints once a program is attached. */
export const attachedLines = (p: ProbeExample) => [`attached ${p.program} at ${p.section}`, 'Ctrl-C detaches. Its bpf_printk lines: sudo cat /sys/kernel/tracing/trace_pipe'];

/** A trace_pipe line of a bpf_printk call, as the kernel formats it (the cpu, flags and time vary). */
export const tracePipeLine = (comm: string, pid: number | string, message: string, cpu = '001', flags = '...21', time = '11544.837499') =>
	`${`${comm}-${pid}`.padStart(16)} [${cpu}] ${flags} ${time}: bpf_trace_printk: ${message}`;

const TRACE_PIPE_LINE = /^\s*(.+)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[\d+\]\s+\S+\s+[\d.]+: bpf_trace_printk: (.*)$/;

/** Parses a trace_pipe line of bpf_printk into its task and message (null for other lines). */
export function parseTracePipeLine(line: string): { comm: string; pid: number; message: string } | null {
	const m = TRACE_PIPE_LINE.exec(line);
	return m ? { comm: m[1]!.trim(), pid: Number(m[2]), message: m[3]! } : null;
}

/**
 * connect() made with libc's syscall() instead of its connect(), as Go programs and static binaries do
 * without libc: the tracepoint sees it, the uprobe on libc's connect does not. Prints `-1 ECONNREFUSED`.
 */
export const DIRECT_TRIGGER = `python3 -c 'import ctypes, errno, socket; s = socket.socket(); a = socket.AF_INET.to_bytes(2, "little") + (${PROBE_PORT}).to_bytes(2, "big") + socket.inet_aton("127.0.0.1") + bytes(8); libc = ctypes.CDLL(None, use_errno=True); print(libc.syscall(42, s.fileno(), a, 16), errno.errorcode[ctypes.get_errno()])'`;

export const DIRECT_OUTPUT = '-1 ECONNREFUSED';

/** Where this machine's libc is: what `uprobe/libc.so.6:connect` resolves to. */
export const LIBC_LOOKUP = {
	command: 'ldconfig -p | grep libc.so.6',
	output: '\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6',
	path: /libc\.so\.6 \(libc6,x86-64\) => (\S+)/,
} as const;

/** What attach prints for the kprobe example on a kernel without kprobes (CONFIG_KPROBES off), or without the function. */
export const KPROBE_MISSING = `cannot attach kprobe_connect (SEC("kprobe/__sys_connect")): No such file or directory`;

/**
 * The loader run as user nobody with only CAP_BPF and CAP_PERFMON (5.8+), as root would hand them out:
 * raw_tp and tp_btf attach, a tracepoint does not, because libbpf reads the tracepoint's id from tracefs,
 * which only root may open. probes.test.ts runs this for the tracepoint and raw_tp examples.
 */
export const CAPS_ONLY = {
	command: (p: ProbeExample) => `sudo setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+bpf,+perfmon --ambient-caps=+bpf,+perfmon ./attach ${objectOf(p.file)}`,
	tracefsRefused: [
		`libbpf: failed to determine tracepoint 'syscalls/sys_enter_connect' perf event ID: Permission denied`,
		`libbpf: prog 'tp_connect': failed to create tracepoint 'syscalls/sys_enter_connect' perf event: Permission denied`,
		`cannot attach tp_connect (SEC("tp/syscalls/sys_enter_connect")): Permission denied`,
	],
} as const;
