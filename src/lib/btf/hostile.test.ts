import { describe, expect, it } from 'vitest';
import { declare, sizeOf, unqualified } from './c-type.ts';
import { contextStructs } from './context-structs.ts';
import { BtfError, BtfKind, parseBtf } from './read.ts';

/** Raw little-endian BTF from type records given as u32 words; string 1 is "x", string 3 is "trace_event_raw_x". */
function rawBtf(types: number[][]): Uint8Array {
	const words = types.flat();
	const strings = new TextEncoder().encode('\0x\0trace_event_raw_x\0');
	const out = new Uint8Array(24 + words.length * 4 + strings.length);
	const view = new DataView(out.buffer);
	view.setUint16(0, 0xeb9f, true);
	out[2] = 1;
	view.setUint32(4, 24, true);
	view.setUint32(8, 0, true);
	view.setUint32(12, words.length * 4, true);
	view.setUint32(16, words.length * 4, true);
	view.setUint32(20, strings.length, true);
	words.forEach((w, i) => view.setUint32(24 + i * 4, w, true));
	out.set(strings, 24 + words.length * 4);
	return out;
}
const info = (kind: number, vlen = 0) => ((kind << 24) | vlen) >>> 0;
const INT = [1, info(BtfKind.INT), 4, 32]; // `x`: a 4-byte int
const ref = (kind: number, to: number, name = 0) => [name, info(kind), to];

describe('hostile BTF: cycles and overruns are BtfErrors, never hangs, stack overflows or RangeErrors', () => {
	it('a CONST of itself', () => {
		const btf = parseBtf(rawBtf([ref(BtfKind.CONST, 1)]), 'const-self.btf');
		expect(() => declare(btf, 1, 'v')).toThrow(BtfError);
		expect(() => unqualified(btf, btf.get(1))).toThrow(/loop back to type 1/);
		expect(() => sizeOf(btf, 1, 8)).toThrow(BtfError);
	});

	it('a CONST and a PTR of each other', () => {
		const btf = parseBtf(rawBtf([ref(BtfKind.CONST, 2), ref(BtfKind.PTR, 1)]), 'const-ptr.btf');
		expect(() => declare(btf, 1, 'v')).toThrow(/loop back/);
		expect(() => declare(btf, 2, 'v')).toThrow(/loop back/);
	});

	it('a TYPEDEF of itself, and an array of itself', () => {
		const btf = parseBtf(rawBtf([ref(BtfKind.TYPEDEF, 1, 1), [0, info(BtfKind.ARRAY), 0, 2, 1, 4]]), 'self.btf');
		expect(() => sizeOf(btf, 1, 8)).toThrow(BtfError);
		expect(() => sizeOf(btf, 2, 8)).toThrow(BtfError);
		expect(() => declare(btf, 2, 'v')).toThrow(BtfError);
	});

	it('a function pointer whose parameter is a pointer to itself', () => {
		// 1: int, 2: FUNC_PROTO int (x: 3), 3: PTR -> 2
		const btf = parseBtf(rawBtf([INT, [0, info(BtfKind.FUNC_PROTO, 1), 1, 1, 3], ref(BtfKind.PTR, 2)]), 'fn-self.btf');
		expect(() => declare(btf, 3, 'f')).toThrow(/nest more than/);
	});

	it('function pointers that share parameter types, doubling the text at each level (20 deep: a million parameters)', () => {
		// 1: int; then pairs (FUNC_PROTO with two params pointing at the next PTR, PTR -> that FUNC_PROTO), 20 levels deep.
		const types: number[][] = [INT];
		const levels = 20;
		for (let level = 0; level < levels; level++) {
			const proto = 2 + level * 2;
			const next = level === levels - 1 ? 1 : proto + 3;
			types.push([0, info(BtfKind.FUNC_PROTO, 2), 1, 1, next, 1, next], ref(BtfKind.PTR, proto));
		}
		const btf = parseBtf(rawBtf(types), 'fn-dag.btf');
		expect(() => declare(btf, 3, 'f')).toThrow(/longer than 4096 characters/);
	});

	it('a struct whose member count runs past the data', () => {
		// A trace_event_raw_x struct claiming 1,000 members, holding one.
		const bytes = rawBtf([INT, [3, info(BtfKind.STRUCT, 1000), 4, 1, 1, 0]]);
		expect(() => parseBtf(bytes, 'overrun.btf')).toThrow(BtfError);
		expect(() => parseBtf(bytes, 'overrun.btf')).toThrow(/overrun.btf: type 2 at byte \d+: its 1000 entries runs past the end/);
	});

	it('a header length beyond the data, and a truncated record', () => {
		const bytes = rawBtf([INT]);
		new DataView(bytes.buffer).setUint32(4, 0xffffff00, true);
		expect(() => parseBtf(bytes, 'hdr.btf')).toThrow(/header length/);
		const cut = rawBtf([[1, info(BtfKind.INT), 4]]);
		expect(() => parseBtf(cut, 'cut.btf')).toThrow(BtfError);
	});

	it('a well-formed struct from the same writer still reads', () => {
		const btf = parseBtf(rawBtf([INT, [3, info(BtfKind.STRUCT, 1), 4, 1, 1, 0]]), 'ok.btf');
		expect(contextStructs(btf, 'vmlinux')).toEqual([
			{ name: 'trace_event_raw_x', size: 4, btf: 'vmlinux', members: [{ name: 'x', type: 'x', arrayLength: null, offset: 0, size: 4, bitfieldSize: null }] },
		]);
	});
});
