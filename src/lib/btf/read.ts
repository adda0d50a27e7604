/**
 * A reader of raw BTF (the bytes of /sys/kernel/btf/vmlinux or /sys/kernel/btf/<module>). Pure:
 * bytes in, types out; no bpftool, so it is a second, independent view to check bpftool against.
 *
 * Layout (include/uapi/linux/btf.h): a header (magic 0xeb9f, version, flags, hdr_len, then the
 * offset and length of the type and string sections, counted from the end of the header), a type
 * section of variable-length records, and a string section of NUL-terminated names.
 *
 * Split BTF (a module's BTF) sits on top of a base (vmlinux): its type ids go on from the base's
 * last id and its string offsets go on from the end of the base's string section.
 */

/** BTF_KIND_* numbers. */
export const BtfKind = {
	INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8, VOLATILE: 9, CONST: 10,
	RESTRICT: 11, FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15, FLOAT: 16, DECL_TAG: 17, TYPE_TAG: 18, ENUM64: 19,
} as const;
export type BtfKindNumber = (typeof BtfKind)[keyof typeof BtfKind];

export interface BtfMember {
	name: string;
	type: number;
	bitOffset: number;
	/** Width in bits of a bitfield member, 0 for a plain member. */
	bitfieldSize: number;
}

export interface BtfParam {
	name: string;
	type: number;
}

/** One type record. Fields that a kind does not use are absent. */
export interface BtfType {
	id: number;
	kind: BtfKindNumber;
	name: string;
	/** Byte size (INT, STRUCT, UNION, ENUM, ENUM64, FLOAT, DATASEC). */
	size?: number;
	/** The type referred to (PTR, TYPEDEF, qualifiers, FUNC, VAR, DECL_TAG, TYPE_TAG; FUNC_PROTO's return type). */
	type?: number;
	/** FWD and the struct/union/enum kind flag: a forward declaration of a union rather than a struct. */
	kindFlag: boolean;
	/** INT: width in bits and signedness. */
	bits?: number;
	signed?: boolean;
	/** ARRAY */
	elementType?: number;
	length?: number;
	/** STRUCT, UNION */
	members?: BtfMember[];
	/** FUNC_PROTO */
	params?: BtfParam[];
}

export interface Btf {
	/** How many types this object defines (ids `firstId` to `firstId + count - 1`). */
	readonly count: number;
	/** The first type id defined here (1 for a base BTF). */
	readonly firstId: number;
	readonly base: Btf | null;
	/** A type by id, looking through to the base for a split BTF; throws on an unknown id. */
	get(id: number): BtfType;
	/** The types of `kind` defined in this object itself whose name passes `test`, in id order. */
	find(kind: BtfKindNumber, test: (name: string) => boolean): BtfType[];
	/** The string at an offset, looking through to the base for a split BTF. */
	string(offset: number): string;
	/** One past the last string offset (a split BTF's strings start here). */
	readonly stringsEnd: number;
}

/** Bytes that are not BTF, or BTF that contradicts itself: says where. */
export class BtfError extends Error {
	constructor(source: string, message: string) {
		super(`${source}: ${message}`);
		this.name = 'BtfError';
	}
}

const MAGIC = 0xeb9f;

/** Bytes after the 12-byte common record of each kind: a fixed part plus a part per vlen entry. */
const PAYLOAD: Partial<Record<number, { fixed: number; perItem: number }>> = {
	[BtfKind.INT]: { fixed: 4, perItem: 0 },
	[BtfKind.ARRAY]: { fixed: 12, perItem: 0 },
	[BtfKind.STRUCT]: { fixed: 0, perItem: 12 },
	[BtfKind.UNION]: { fixed: 0, perItem: 12 },
	[BtfKind.ENUM]: { fixed: 0, perItem: 8 },
	[BtfKind.ENUM64]: { fixed: 0, perItem: 12 },
	[BtfKind.FUNC_PROTO]: { fixed: 0, perItem: 8 },
	[BtfKind.VAR]: { fixed: 4, perItem: 0 },
	[BtfKind.DATASEC]: { fixed: 0, perItem: 12 },
	[BtfKind.DECL_TAG]: { fixed: 4, perItem: 0 },
	[BtfKind.FLOAT]: { fixed: 0, perItem: 0 },
	[BtfKind.PTR]: { fixed: 0, perItem: 0 },
	[BtfKind.FWD]: { fixed: 0, perItem: 0 },
	[BtfKind.TYPEDEF]: { fixed: 0, perItem: 0 },
	[BtfKind.VOLATILE]: { fixed: 0, perItem: 0 },
	[BtfKind.CONST]: { fixed: 0, perItem: 0 },
	[BtfKind.RESTRICT]: { fixed: 0, perItem: 0 },
	[BtfKind.FUNC]: { fixed: 0, perItem: 0 },
	[BtfKind.TYPE_TAG]: { fixed: 0, perItem: 0 },
};
const VOID: BtfType = { id: 0, kind: BtfKind.INT, name: 'void', kindFlag: false };

/**
 * Parses raw BTF. `source` names the input in errors. For a module's split BTF pass the parsed
 * vmlinux as `base`.
 */
export function parseBtf(bytes: Uint8Array, source: string, base: Btf | null = null): Btf {
	if (bytes.length < 24) throw new BtfError(source, `only ${bytes.length} bytes: too short for a BTF header`);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let little = true;
	if (view.getUint16(0, true) !== MAGIC) {
		if (view.getUint16(0, false) !== MAGIC) throw new BtfError(source, 'no BTF magic 0xeb9f at the start: not a raw BTF file');
		little = false;
	}
	const u32 = (at: number) => view.getUint32(at, little);
	const hdrLen = u32(4);
	if (hdrLen < 24 || hdrLen > bytes.length) throw new BtfError(source, `header length ${hdrLen} is not between 24 and the ${bytes.length} bytes of the data`);
	const typeOff = hdrLen + u32(8);
	const typeLen = u32(12);
	const strOff = hdrLen + u32(16);
	const strLen = u32(20);
	if (typeOff + typeLen > bytes.length || strOff + strLen > bytes.length) {
		throw new BtfError(source, `sections run past the end of the data (${bytes.length} bytes): truncated copy?`);
	}

	const decoder = new TextDecoder();
	const baseStrLen = base ? base.stringsEnd : 0;
	const checkName = (off: number, id: number, at: number) => {
		if (off >= baseStrLen && off - baseStrLen >= strLen) throw new BtfError(source, `type ${id} at byte ${at}: string offset ${off} is outside the string section`);
	};
	const name = (off: number): string => {
		if (base && off < baseStrLen) return base.string(off);
		const start = strOff + off - baseStrLen;
		if (start >= strOff + strLen) throw new BtfError(source, `string offset ${off} is outside the string section`);
		const nul = bytes.indexOf(0, start);
		return decoder.decode(bytes.subarray(start, nul === -1 || nul > strOff + strLen ? strOff + strLen : nul));
	};

	// One pass checks every record and notes where it starts; a type is decoded when it is asked for.
	// A vmlinux has ~150,000 types and a capture reads a few thousand of them: decoding them all made
	// most of an import's garbage.
	const firstId = base ? lastId(base) + 1 : 1;
	const end = typeOff + typeLen;
	const overrun = (id: number, at: number, what: string) => new BtfError(source, `type ${id} at byte ${at}: ${what} runs past the end of the type section`);
	let starts = new Uint32Array(Math.max(16, Math.floor(typeLen / 16)));
	let count = 0;
	for (let at = typeOff; at < end; ) {
		const id = firstId + count;
		// Every record is checked to fit before it is read: a count that overruns is an error, not a RangeError.
		if (at + 12 > end) throw overrun(id, at, 'the type record');
		const info = u32(at + 4);
		const vlen = info & 0xffff;
		const kind = (info >>> 24) & 0x1f;
		const payload = PAYLOAD[kind];
		if (payload === undefined) throw new BtfError(source, `type ${id} at byte ${at} has unknown kind ${kind}; this reader knows kinds 1–19`);
		checkName(u32(at), id, at);
		if (count === starts.length) {
			const grown = new Uint32Array(starts.length * 2);
			grown.set(starts);
			starts = grown;
		}
		starts[count++] = at;
		at += 12;
		if (at + payload.fixed + payload.perItem * vlen > end) throw overrun(id, at, `its ${vlen} ${payload.perItem ? 'entries' : 'data'}`);
		// Member and parameter names are read with their type: their offsets are checked now.
		if (kind === BtfKind.STRUCT || kind === BtfKind.UNION || kind === BtfKind.FUNC_PROTO) {
			for (let i = 0; i < vlen; i++) checkName(u32(at + i * payload.perItem), id, at - 12);
		}
		at += payload.fixed + payload.perItem * vlen;
	}

	const decode = (id: number, at: number): BtfType => {
		const info = u32(at + 4);
		const vlen = info & 0xffff;
		const kind = ((info >>> 24) & 0x1f) as BtfKindNumber;
		const kindFlag = info >>> 31 === 1;
		const sizeOrType = u32(at + 8);
		const t: BtfType = { id, kind, name: name(u32(at)), kindFlag };
		at += 12;
		switch (kind) {
			case BtfKind.INT: {
				const enc = u32(at);
				t.size = sizeOrType;
				t.bits = enc & 0xff;
				t.signed = ((enc >>> 24) & 0x1) !== 0;
				break;
			}
			case BtfKind.ARRAY:
				t.elementType = u32(at);
				t.length = u32(at + 8);
				break;
			case BtfKind.STRUCT:
			case BtfKind.UNION:
				t.size = sizeOrType;
				t.members = [];
				for (let i = 0; i < vlen; i++, at += 12) {
					const offset = u32(at + 8);
					t.members.push({
						name: name(u32(at)),
						type: u32(at + 4),
						bitOffset: kindFlag ? offset & 0xffffff : offset,
						bitfieldSize: kindFlag ? offset >>> 24 : 0,
					});
				}
				break;
			case BtfKind.FUNC_PROTO:
				t.type = sizeOrType;
				t.params = [];
				for (let i = 0; i < vlen; i++, at += 8) t.params.push({ name: name(u32(at)), type: u32(at + 4) });
				break;
			case BtfKind.ENUM:
			case BtfKind.ENUM64:
			case BtfKind.DATASEC:
			case BtfKind.FLOAT:
				t.size = sizeOrType;
				break;
			case BtfKind.PTR:
			case BtfKind.FWD:
			case BtfKind.TYPEDEF:
			case BtfKind.VOLATILE:
			case BtfKind.CONST:
			case BtfKind.RESTRICT:
			case BtfKind.FUNC:
			case BtfKind.TYPE_TAG:
			case BtfKind.VAR:
			case BtfKind.DECL_TAG:
				t.type = sizeOrType;
				break;
		}
		return t;
	};
	const decoded: (BtfType | undefined)[] = [];
	const own = (index: number): BtfType => (decoded[index] ??= decode(firstId + index, starts[index] as number));

	return {
		count,
		firstId,
		base,
		get(typeId: number): BtfType {
			if (typeId === 0) return VOID;
			if (typeId < firstId && base) return base.get(typeId);
			const index = typeId - firstId;
			if (!(index >= 0 && index < count)) throw new BtfError(source, `type id ${typeId} does not exist (ids run ${firstId}–${firstId + count - 1})`);
			return own(index);
		},
		find(kind, test) {
			const found: BtfType[] = [];
			for (let index = 0; index < count; index++) {
				const at = starts[index] as number;
				if (((u32(at + 4) >>> 24) & 0x1f) === kind && test(name(u32(at)))) found.push(own(index));
			}
			return found;
		},
		string: name,
		stringsEnd: baseStrLen + strLen,
	};
}

function lastId(btf: Btf): number {
	return btf.firstId + btf.count - 1;
}
