/**
 * The generator runs the guides show, by name. Guide pages render them (Skeleton, BuildCommands) and
 * tests/guides/generated.test.ts builds every one with the companion Makefile and runs the connect one
 * end to end — so the code in a guide is code that was built, and the output it shows is output a test saw.
 */
import { loadCatalog } from '../../site/data.ts';
import { defaultPageOptions, writeOptions } from '../../site/options-query.ts';
import { createUrls } from '../../site/urls.ts';
import type { Lang } from '../../site/i18n.ts';
import { generateProject, type GeneratedProject, type GeneratorOptions } from '../../lib/generate/index.ts';
import { guideEvent, guideKernel } from './data.ts';
import { parseEventRef } from './frontmatter.ts';

export interface GuidePreset {
	/** Events, `category:name`; the first one's event page holds the preset's generator. */
	events: string[];
	/** Options that differ from the generator's defaults. */
	options: Partial<Pick<GeneratorOptions, 'pairExit' | 'context' | 'section'>>;
}

export const PRESETS = {
	connect: { events: ['syscalls:sys_enter_connect'], options: { pairExit: true } },
	accept: { events: ['syscalls:sys_enter_accept', 'syscalls:sys_enter_accept4'], options: { pairExit: true } },
	openat: { events: ['syscalls:sys_enter_openat'], options: {} },
	'accept-portable': { events: ['syscalls:sys_enter_accept'], options: { context: 'portable' } },
} as const satisfies Record<string, GuidePreset>;

export type PresetName = keyof typeof PRESETS;

export function isPresetName(name: string): name is PresetName {
	return Object.hasOwn(PRESETS, name);
}

/** The project a preset generates, for the newest captured kernel. */
export function generatePreset(name: PresetName, lang: Lang): GeneratedProject {
	return generateFor(PRESETS[name], lang);
}

function generateFor(preset: GuidePreset, lang: Lang): GeneratedProject {
	const kernel = guideKernel();
	const catalog = loadCatalog();
	return generateProject(
		{
			kernel,
			events: preset.events.map((ref) => guideEvent(ref, kernel.id)),
			lookup: (category, event) => catalog.event(kernel.id, category, event),
			capturedOn: (category, event) => catalog.versions(category, event).map((v) => ({ kernel: v.kernel.id, format: v.event.format })),
		},
		{ ...preset.options, language: lang },
	);
}

/** The event page whose generator starts from the preset's options (the page shows one event: the first). */
export function presetUrl(name: PresetName, lang: Lang, base: string): string {
	const preset: GuidePreset = PRESETS[name];
	const { category, name: event } = parseEventRef(preset.events[0]!);
	const defaults = defaultPageOptions(lang);
	const params = new URLSearchParams({ kernel: guideKernel().id });
	writeOptions(params, { ...defaults, ...preset.options }, defaults);
	return `${createUrls(base).event(lang, category, event)}?${params}`;
}

/** The lines `make` prints when it builds a program in a fresh copy of companion/ (what the test compares). */
export function makeOutput(project: GeneratedProject): string[] {
	const name = project.programName;
	const bpf = project.files.find((f) => f.path === `${name}.bpf.c`)!;
	const vmlinux = bpf.content.includes('#include "vmlinux.h"');
	return [
		...(vmlinux ? ['  VMLINUX  .output/vmlinux.h'] : []),
		`  BPF      .output/${name}.bpf.o`,
		`  SKEL     .output/${name}.skel.h`,
		`  CC       .output/${name}.o`,
		`  BINARY   ${name}`,
	];
}

/**
 * Step 9 of the connect guide: a server, two connections, and the lines the program prints for them.
 * The end-to-end test runs exactly these commands and checks exactly these lines (time and pid aside).
 */
export const CONNECT_RUN = {
	/** Listens on 127.0.0.1:8080 so that a connection there succeeds. */
	server: 'python3 -m http.server --bind 127.0.0.1 8080',
	clients: [
		{ command: `python3 -c 'import socket; socket.create_connection(("127.0.0.1", 8080))'`, port: 8080, ret: '0' },
		{ command: `python3 -c 'import socket; socket.create_connection(("127.0.0.1", 8081))'`, port: 8081, ret: '-ECONNREFUSED' },
	],
	/** Only python3 processes, so the lines are not lost among other programs' connections. */
	filter: '-c python3',
} as const;

/** The loader's line for one client connection; `time` and `pid` are the parts that differ between runs. */
export function connectLine(programEvent: string, port: number, ret: string, time = '12:00:00', pid = '4242'): string {
	return `${time.padEnd(8)} ${pid.padEnd(7)} ${'python3'.padEnd(16)} ${programEvent} fd=3 uservaddr=127.0.0.1:${port} addrlen=16 ret=${ret}`;
}

/**
 * Step 0 of the connect guide: a bpftrace one-liner before the full project, and the line it prints for
 * CONNECT_RUN's refused client (the guide test runs both and checks the line, pid aside).
 */
export const QUICK_LOOK = {
	command: `sudo bpftrace -e 'tracepoint:syscalls:sys_enter_connect /comm == "python3"/ { printf("%s pid=%d fd=%d\\n", comm, pid, args->fd); }'`,
	line: (pid = '4242') => `python3 pid=${pid} fd=3`,
} as const;

/**
 * The connect guide's last word: a non-blocking connect returns -EINPROGRESS, and the outcome comes later as a
 * TCP state change. One program traces both events (the generator's several-events mode); the guide test
 * builds it, runs these clients against CONNECT_RUN's server and checks these line endings.
 */
export const CONNECT_OUTCOME = {
	events: ['syscalls:sys_enter_connect', 'sock:inet_sock_set_state'],
	fields: ['oldstate', 'newstate', 'dport'],
	name: 'connect_outcome',
	clients: [
		{ port: 8080, state: 'oldstate=TCP_SYN_SENT (2) newstate=TCP_ESTABLISHED (1)' },
		{ port: 8081, state: 'oldstate=TCP_SYN_SENT (2) newstate=TCP_CLOSE (7)' },
	].map((c) => ({
		...c,
		command: `python3 -c 'import socket, time; s = socket.socket(); s.setblocking(False); s.connect_ex(("127.0.0.1", ${c.port})); time.sleep(0.5)'`,
		connectLine: `sys_enter_connect fd=3 uservaddr=127.0.0.1:${c.port} addrlen=16 ret=-EINPROGRESS`,
		stateLine: `inet_sock_set_state ${c.state} dport=${c.port}`,
	})),
	get generate() {
		return `npm run generate -- ${this.events.join(',')} --pair-exit --fields sock:inet_sock_set_state=${this.fields.join(',')} --name ${this.name}`;
	},
};

/** CONNECT_OUTCOME's program for the newest kernel. */
export function generateConnectOutcome(lang: Lang): GeneratedProject {
	const kernel = guideKernel();
	const catalog = loadCatalog();
	return generateProject(
		{ kernel, events: CONNECT_OUTCOME.events.map((ref) => guideEvent(ref, kernel.id)), lookup: (category, event) => catalog.event(kernel.id, category, event) },
		{ pairExit: true, fields: { 'sock:inet_sock_set_state': CONNECT_OUTCOME.fields }, programName: CONNECT_OUTCOME.name, language: lang },
	);
}

/** The build-and-run guide's example: the openat program, filtered to `cat`, and the line `cat /etc/hostname` yields. */
export const OPENAT_RUN = {
	filter: '-c cat',
	trigger: 'cat /etc/hostname',
	/** The end of the line the test waits for (the start is time, pid and comm). */
	/** flags by name: the guide's kernel (7.2) names openat's flags in its print fmt, and the generated loader prints them so. */
	line: 'sys_enter_openat dfd=-100 filename="/etc/hostname" flags=O_RDONLY (0x0) mode=00',
	/** openat(AT_FDCWD, (char *)1, 0): a path pointer that cannot be read, which the loader tells from an empty path. */
	unreadable: {
		trigger: `python3 -c 'import ctypes; ctypes.CDLL(None).syscall(257, -100, 1, 0, 0)'`,
		line: 'sys_enter_openat dfd=-100 filename=(unreadable) flags=O_RDONLY (0x0) mode=00',
	},
} as const;

/**
 * Step 5 of the build-and-run guide: a program generated for the newest kernel's record of an event that
 * grew a field after `older`, built and run on a kernel without that field. Its names come from data/.
 */
export const NEWER_LAYOUT = { event: 'net:netif_receive_skb', older: '6.12-amd64' } as const;

/** The field the newest kernel's record has and `NEWER_LAYOUT.older`'s lacks, and the vmlinux.h struct a program reads it from. */
export function newerLayoutField(): { field: string; struct: string } {
	const newest = guideEvent(NEWER_LAYOUT.event);
	const older = new Set(guideEvent(NEWER_LAYOUT.event, NEWER_LAYOUT.older).format.fields.map((f) => f.name));
	const added = newest.format.fields.find((f) => !older.has(f.name));
	if (!added || newest.context.match === 'none') {
		throw new Error(`NEWER_LAYOUT: ${NEWER_LAYOUT.event} no longer has a field that ${NEWER_LAYOUT.older} lacks, or no vmlinux struct; pick another event that grew`);
	}
	return { field: added.name, struct: newest.context.struct.name };
}

/** The program of NEWER_LAYOUT for the newest kernel, with vmlinux.h (the default) or the portable context. */
export function generateNewerLayout(context: GeneratorOptions['context'], lang: Lang): GeneratedProject {
	return generateFor({ events: [NEWER_LAYOUT.event], options: { context } }, lang);
}

/**
 * Step 5 of the context-types guide: sched:sched_wakeup with a ctx struct declared from 5.10's format
 * (the generator's portable context for that kernel), run on a kernel with the newer layout, where
 * `success` is gone and `target_cpu` moved from 36 to 32. Two outcomes, both provoked by the guide test:
 * reading `target_cpu` at 36 reads past the end of the newer record, so attaching fails; reading
 * `success` at 32 attaches and silently reads the newer `target_cpu` (the CPU the task wakes on).
 */
export const OLD_LAYOUT = {
	event: 'sched:sched_wakeup',
	kernel: '5.10-amd64',
	/** `taskset -c N` pins the sleeper to CPU N: it wakes up there, so the misread `success` is N. */
	run: [{ cpu: 0, command: 'taskset -c 0 sleep 0.2' }, { cpu: 1, command: 'taskset -c 1 sleep 0.2' }],
} as const;

/** OLD_LAYOUT's program that records `field` (and comm and pid, to find the sleeper), declared from 5.10's format. */
export function generateOldLayout(field: 'success' | 'target_cpu', lang: Lang): GeneratedProject {
	const { category, name } = parseEventRef(OLD_LAYOUT.event);
	return generateProject(
		{ kernel: guideKernel(OLD_LAYOUT.kernel), events: [guideEvent(OLD_LAYOUT.event, OLD_LAYOUT.kernel)] },
		{ context: 'portable', fields: { [`${category}:${name}`]: ['comm', 'pid', field] }, programName: `wakeup_${field}`, filterPid: false, filterComm: false, language: lang },
	);
}

/**
 * The end of the line wakeup_success prints for a sleeper `pid` that woke on `cpu` (5.10 always said success=1).
 * The line starts with time, pid and command of the task that woke it (the timer's: often swapper, pid 0).
 */
export function oldLayoutLine(cpu: number, pid = '4242'): string {
	return `sched_wakeup comm="sleep" pid=${pid} success=${cpu}`;
}

/**
 * Step 4 of the read-format guide: the syscall number read as `(int)ctx->id` (8 bytes) and as the 4-byte
 * `__syscall_nr`, attached to getppid (no arguments: its record ends at 12). tests/guides/syscall-nr.test.ts
 * attaches both and expects these outcomes.
 */
export const SYSCALL_NR = {
	wide: 'syscall-nr/id-8-bytes.bpf.c',
	narrow: 'syscall-nr/syscall-nr.bpf.c',
	/** strerror(EACCES), what a loader prints when attaching fails. */
	refused: 'Permission denied',
} as const;

/**
 * What goes wrong, the command that shows it, and the message the companion (or clang) prints; the test
 * provokes each one and checks the message word for word.
 */
export const TROUBLES = {
	notRoot: {
		command: './sys_enter_openat',
		message: 'Run this program as root (with sudo): it reads the tracepoints under tracefs, which only root may open, and loads BPF programs.',
	},
	/** NEWER_LAYOUT with vmlinux.h: make dumps this machine's vmlinux.h, whose struct lacks the field. */
	newerLayoutBuild: {
		command: 'make',
		// Read when a page shows it: a site built from a slice of data/ may not hold the event.
		get message() {
			const { field, struct } = newerLayoutField();
			return `error: no member named '${field}' in 'struct ${struct}'`;
		},
	},
	/** NEWER_LAYOUT with the portable context: it builds, but reads past the end of this kernel's shorter record. */
	newerLayoutAttach: {
		command: `sudo ./${parseEventRef(NEWER_LAYOUT.event).name}`,
		message: 'cannot attach to the tracepoints: Permission denied',
	},
	/** OLD_LAYOUT reading `target_cpu` at 5.10's offset 36: past the end of the newer 36-byte record. */
	oldLayoutAttach: {
		command: 'sudo ./wakeup_target_cpu',
		message: 'cannot attach to the tracepoints: Permission denied',
	},
	noBtf: {
		command: 'make KERNEL_BTF=/sys/kernel/btf/none',
		message:
			'/sys/kernel/btf/none is missing: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF), so there is no vmlinux.h. Generate the program with the portable context (--context portable) instead.',
	},
} as const;
