/**
 * C type text and sizes of BTF types, written the way bpftool's `btf dump … format c` writes them
 * (libbpf's btf_dump): `long unsigned int`, `const char *`, `char * const`, `void (*)(void *)`.
 */
import { BtfError, BtfKind, type Btf, type BtfType } from './read.ts';

const QUALIFIERS: Partial<Record<number, string>> = {
	[BtfKind.CONST]: 'const',
	[BtfKind.VOLATILE]: 'volatile',
	[BtfKind.RESTRICT]: 'restrict',
};

/** The type a chain of qualifiers and type tags applies to. */
export function unqualified(btf: Btf, t: BtfType): BtfType {
	while (QUALIFIERS[t.kind] !== undefined || t.kind === BtfKind.TYPE_TAG) t = btf.get(t.type as number);
	return t;
}

/**
 * The C declaration of `name` (or of the bare type when `name` is '') with type `id`, spaced as
 * libbpf's btf_dump writes it: `long unsigned int args[6]`, `char *`, `struct dentry * (*mount)(void)`,
 * `const struct mm_struct * const mm`. Same algorithm: walk from the type down to its base, then
 * print back outwards; qualifiers right above the base lead (`const char`), others follow (`* const`).
 */
export function declare(btf: Btf, id: number, name: string): string {
	const chain: number[] = [];
	for (let cur = id; ; ) {
		chain.push(cur);
		const t = btf.get(cur);
		if (cur === 0) break;
		if (t.kind === BtfKind.ARRAY) cur = t.elementType as number;
		else if (t.kind === BtfKind.PTR || t.kind === BtfKind.FUNC_PROTO || t.kind === BtfKind.TYPE_TAG || QUALIFIERS[t.kind] !== undefined) cur = t.type as number;
		else break;
	}
	return emitChain(btf, chain, name);
}

function emitChain(btf: Btf, chain: number[], name: string): string {
	let out = '';
	// No space before a `*` that follows another (`int **`), nor before the first one of a nested chain (`(*f)`).
	let lastWasPtr = true;
	const topQualifier = () => (chain.length > 0 ? QUALIFIERS[btf.get(chain[chain.length - 1] as number).kind] : undefined);
	const emitLeadingQualifiers = () => {
		for (let q = topQualifier(); q !== undefined; q = topQualifier()) {
			out += `${q} `;
			chain.pop();
		}
	};
	// Qualifiers of arrays and function prototypes mean nothing in C (GCC emits them anyway): dropped, as libbpf does.
	const dropQualifiers = () => {
		while (topQualifier() !== undefined) chain.pop();
	};
	const emitName = () => {
		out += name !== '' && !lastWasPtr ? ` ${name}` : name;
	};
	while (chain.length > 0) {
		const id = chain.pop() as number;
		const t = btf.get(id);
		switch (t.kind) {
			case BtfKind.PTR:
				out += lastWasPtr ? '*' : ' *';
				break;
			case BtfKind.CONST:
			case BtfKind.VOLATILE:
			case BtfKind.RESTRICT:
				out += ` ${QUALIFIERS[t.kind] as string}`;
				break;
			case BtfKind.TYPE_TAG:
				emitLeadingQualifiers();
				out += ` __attribute__((btf_type_tag("${t.name}")))`;
				break;
			case BtfKind.ARRAY: {
				dropQualifiers();
				if (chain.length === 0) {
					emitName();
					return `${out}[${t.length}]`;
				}
				const multidim = btf.get(chain[chain.length - 1] as number).kind === BtfKind.ARRAY;
				if (name !== '' && !lastWasPtr) out += ' ';
				const inner = emitChain(btf, chain, name);
				return `${out}${multidim ? inner : `(${inner})`}[${t.length}]`;
			}
			case BtfKind.FUNC_PROTO: {
				dropQualifiers();
				if (chain.length > 0) out += ` (${emitChain(btf, chain, name)})`;
				else emitName();
				const params = (t.params ?? []).map((p, i, all) => (p.type === 0 && i === all.length - 1 ? '...' : declare(btf, p.type, p.name)));
				return `${out}(${params.length === 0 ? 'void' : params.join(', ')})`;
			}
			default:
				emitLeadingQualifiers();
				out += id === 0 ? 'void' : baseName(t);
		}
		lastWasPtr = t.kind === BtfKind.PTR;
	}
	emitName();
	return out;
}

function baseName(t: BtfType): string {
	switch (t.kind) {
		case BtfKind.STRUCT:
			return t.name ? `struct ${t.name}` : 'struct {...}';
		case BtfKind.UNION:
			return t.name ? `union ${t.name}` : 'union {...}';
		case BtfKind.ENUM:
		case BtfKind.ENUM64:
			return t.name ? `enum ${t.name}` : 'enum {...}';
		case BtfKind.FWD:
			return `${t.kindFlag ? 'union' : 'struct'} ${t.name}`;
		default:
			return t.name;
	}
}

/** sizeof(pointer) on this BTF's target: the size of `long`, as libbpf guesses it. */
export function pointerSize(btf: Btf): number {
	for (let base: Btf | null = btf; base; base = base.base) {
		for (const t of base.types.values()) {
			if (t.kind === BtfKind.INT && (t.name === 'long int' || t.name === 'long unsigned int')) return t.size as number;
		}
	}
	return 8;
}

/** sizeof(type) in bytes. */
export function sizeOf(btf: Btf, id: number, ptrSize: number): number {
	const t = btf.get(id);
	switch (t.kind) {
		case BtfKind.PTR:
			return ptrSize;
		case BtfKind.ARRAY:
			return (t.length as number) * sizeOf(btf, t.elementType as number, ptrSize);
		case BtfKind.TYPEDEF:
		case BtfKind.CONST:
		case BtfKind.VOLATILE:
		case BtfKind.RESTRICT:
		case BtfKind.TYPE_TAG:
			return sizeOf(btf, t.type as number, ptrSize);
		case BtfKind.FWD:
		case BtfKind.FUNC_PROTO:
			return 0;
		default:
			if (t.size === undefined) throw new BtfError(`type ${id}`, `a ${t.kind}-kind type has no size`);
			return t.size;
	}
}
