/** bpftrace's view of a kernel's tracepoints: `bpftrace -lv` lists each event's fields, read from tracefs by bpftrace itself. */
import { execFileSync } from 'node:child_process';

export interface BpftraceField {
	/** The line as bpftrace printed it, trimmed. */
	line: string;
	name: string;
	/** C type with single spaces and no space before `*`: `const char *`, `unsigned long`. */
	type: string;
	arrayLength: number | null;
	dynamic: 'data_loc' | 'rel_loc' | null;
}

/** `bpftrace -lv 'tracepoint:*:*'` (one call for all events), as `<category>:<name>` → fields. */
export function bpftraceTracepoints(): Map<string, BpftraceField[]> {
	let out: string;
	try {
		out = execFileSync('bpftrace', ['-lv', 'tracepoint:*:*'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
	} catch (error) {
		throw new Error(`bpftrace -lv failed (is the bpftrace package installed? are we root?): ${(error as Error).message}`);
	}
	const events = new Map<string, BpftraceField[]>();
	let current: BpftraceField[] | null = null;
	for (const line of out.split('\n')) {
		const probe = /^tracepoint:([^:\s]+):(\S+)$/.exec(line);
		if (probe) {
			current = [];
			events.set(`${probe[1]}:${probe[2]}`, current);
		} else if (line.trim() !== '') {
			if (!current) throw new Error(`bpftrace -lv printed a field before any probe: "${line}"`);
			current.push(readField(line.trim()));
		}
	}
	return events;
}

/** Splits `__data_loc char[] name`, `char comm[16]`, `const char * filename` into type, name, length. */
function readField(line: string): BpftraceField {
	const m = /^(?:__(data|rel)_loc\s+)?(.*?)\s*\b([A-Za-z_]\w*)\s*(?:\[(\d*)\])?$/.exec(line);
	if (!m) throw new Error(`cannot read bpftrace's field line "${line}"`);
	const type = (m[2] as string).replace(/\[\]$/, '').replace(/\s+/g, ' ').replace(/\s*\*/g, ' *').replace(/\* \*/g, '**').trim();
	return {
		line,
		name: m[3] as string,
		type,
		arrayLength: m[4] ? Number(m[4]) : null,
		dynamic: m[1] ? (m[1] === 'data' ? 'data_loc' : 'rel_loc') : null,
	};
}
