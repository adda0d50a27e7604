/**
 * bpftool's view of a BTF object, for checking our own BTF reader against a peer tool.
 * Runs `bpftool btf dump file <path>` in raw and C formats and reads the `struct trace_event_raw_*` out of both.
 */
import { execFileSync } from 'node:child_process';

export interface BpftoolStruct {
	name: string;
	size: number;
	/** From the raw dump: member name, bit offset, bitfield size (0 when not a bitfield). */
	members: { name: string; bitOffset: number; bitfieldSize: number }[];
	/** From the C dump: each member's declaration without the trailing `;`, padding bitfields left out. */
	declarations: string[];
}

function bpftool(path: string, base: string | null, format: 'raw' | 'c'): string {
	const args = ['btf', 'dump', 'file', path, ...(base ? ['--base-btf', base] : []), ...(format === 'c' ? ['format', 'c'] : [])];
	try {
		return execFileSync('bpftool', args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
	} catch (error) {
		throw new Error(`bpftool ${args.join(' ')} failed (is the bpftool package installed?): ${(error as Error).message}`);
	}
}

const RAW_STRUCT = /^\[\d+\] STRUCT '(trace_event_raw_\w+)' size=(\d+) vlen=\d+$/;
const RAW_MEMBER = /^\t'([^']*)' type_id=\d+ bits_offset=(\d+)(?: bitfield_size=(\d+))?$/;

/** Every `struct trace_event_raw_*` that bpftool dumps from `path` (a split BTF when `base` is given), by name. */
export function bpftoolContextStructs(path: string, base: string | null = null): Map<string, BpftoolStruct> {
	const structs = new Map<string, BpftoolStruct>();
	let current: BpftoolStruct | null = null;
	for (const line of bpftool(path, base, 'raw').split('\n')) {
		const s = RAW_STRUCT.exec(line);
		if (s) {
			current = { name: s[1] as string, size: Number(s[2]), members: [], declarations: [] };
			structs.set(current.name, current);
			continue;
		}
		const m = current && RAW_MEMBER.exec(line);
		if (current && m) current.members.push({ name: m[1] as string, bitOffset: Number(m[2]), bitfieldSize: Number(m[3] ?? 0) });
		else if (!line.startsWith('\t')) current = null;
	}
	let body: BpftoolStruct | null = null;
	for (const line of bpftool(path, base, 'c').split('\n')) {
		const open = /^struct (trace_event_raw_\w+) \{$/.exec(line);
		if (open) {
			// A split BTF's C dump has its base's structs too; the raw dump only its own.
			body = structs.get(open[1] as string) ?? null;
			continue;
		}
		if (!body) continue;
		if (line.startsWith('}')) {
			body = null;
			continue;
		}
		const decl = line.trim().replace(/;$/, '');
		// `long: 64`, `int: 24`…: anonymous padding that libbpf's dumper writes, not a member.
		if (!/^(long|int|short|char): \d+$/.test(decl)) body.declarations.push(decl);
	}
	return structs;
}
