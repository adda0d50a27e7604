/**
 * The shell commands an event page tells the reader to type, and the line each should print.
 * tracefs is addressed at /sys/kernel/tracing (the mount point since Linux 4.1; older systems
 * reach it through /sys/kernel/debug/tracing). Reading tracefs needs root, reading BTF does not.
 */
import { shellQuoted, shellWord } from '../lib/shell/quote.ts';
import type { ContextStruct } from '../schemas/snapshot.ts';

export const TRACEFS = '/sys/kernel/tracing';

export interface EventCommands {
	/** Prints the event's line of available_events, if the event exists. */
	findEvent: string;
	/** What findEvent prints. */
	expectedLine: string;
	/** Loads the module that provides the event. */
	loadModule(module: string): string;
	/** The same check with bpftrace. */
	bpftraceList: string;
	/** Prints the event's format file. */
	catFormat: string;
	/** Prints a context struct from the kernel's (or a module's) BTF. */
	dumpStruct(struct: ContextStruct): string;
}

export function commands(event: { category: string; name: string }): EventCommands {
	// The schema allows only plain names here; quoting them anyway keeps a page's commands safe to paste.
	const line = `${event.category}:${event.name}`;
	return {
		findEvent: `sudo grep -x ${shellQuoted(line)} ${TRACEFS}/available_events`,
		expectedLine: line,
		loadModule: (module) => `sudo modprobe ${shellWord(module)}`,
		bpftraceList: `sudo bpftrace -l ${shellQuoted(`tracepoint:${line}`)}`,
		catFormat: `sudo cat ${shellWord(`${TRACEFS}/events/${event.category}/${event.name}/format`)}`,
		dumpStruct: (struct) => {
			// A module's types are split BTF on top of vmlinux's: bpftool needs the base to resolve them.
			const file = struct.btf === 'vmlinux' ? '/sys/kernel/btf/vmlinux' : `${shellWord(`/sys/kernel/btf/${struct.btf}`)} base /sys/kernel/btf/vmlinux`;
			return `bpftool btf dump file ${file} format c | grep -A ${struct.members.length + 1} ${shellQuoted(`^struct ${struct.name} {`)}`;
		},
	};
}
