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

/*
 * Real BTF is acyclic except through structs, unions and forward declarations, which these walks never
 * follow. Hostile BTF is not (a CONST of itself, a CONST and a PTR of each other, a TYPEDEF of itself),
 * so every walk remembers where it has been and stops with a BtfError instead of looping or overflowing.
 */

/** Walks the chain from `id` by `next` (undefined ends it), throwing on a type met twice. */
function walk(btf: Btf, id: number, next: (t: BtfType) => number | undefined): BtfType[] {
	const seen = new Set<number>();
	const chain: BtfType[] = [];
	for (let cur: number | undefined = id; cur !== undefined; ) {
		if (seen.has(cur)) throw new BtfError(`type ${id}`, `the types it refers to loop back to type ${cur}; the BTF is corrupt`);
		seen.add(cur);
		const t = btf.get(cur);
		chain.push(t);
		cur = cur === 0 ? undefined : next(t);
	}
	return chain;
}

/** How deep function-pointer parameters may nest in one declaration (real ones nest two or three deep). */
const MAX_DECLARATION_DEPTH = 32;
/** The longest C declaration text made: parameters that share types could otherwise double it at each level. */
const MAX_DECLARATION_LENGTH = 4096;

/** The type a chain of qualifiers and type tags applies to. */
export function unqualified(btf: Btf, t: BtfType): BtfType {
	return walk(btf, t.id, (x) => (QUALIFIERS[x.kind] !== undefined || x.kind === BtfKind.TYPE_TAG ? (x.type as number) : undefined)).at(-1) as BtfType;
}

/**
 * The C declaration of `name` (or of the bare type when `name` is '') with type `id`, spaced as
 * libbpf's btf_dump writes it: `long unsigned int args[6]`, `char *`, `struct dentry * (*mount)(void)`,
 * `const struct mm_struct * const mm`. Same algorithm: walk from the type down to its base, then
 * print back outwards; qualifiers right above the base lead (`const char`), others follow (`* const`).
 */
export function declare(btf: Btf, id: number, name: string, depth = 0): string {
	if (depth > MAX_DECLARATION_DEPTH) throw new BtfError(`type ${id}`, `function-pointer parameters nest more than ${MAX_DECLARATION_DEPTH} deep; the BTF is corrupt`);
	const chain = walk(btf, id, (t) => {
		if (t.kind === BtfKind.ARRAY) return t.elementType as number;
		if (t.kind === BtfKind.PTR || t.kind === BtfKind.FUNC_PROTO || t.kind === BtfKind.TYPE_TAG || QUALIFIERS[t.kind] !== undefined) return t.type as number;
		return undefined;
	}).map((t) => t.id);
	const text = emitChain(btf, chain, name, depth);
	if (text.length > MAX_DECLARATION_LENGTH) throw new BtfError(`type ${id}`, `its C declaration is longer than ${MAX_DECLARATION_LENGTH} characters; the BTF is corrupt`);
	return text;
}

function emitChain(btf: Btf, chain: number[], name: string, depth: number): string {
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
				const inner = emitChain(btf, chain, name, depth);
				return `${out}${multidim ? inner : `(${inner})`}[${t.length}]`;
			}
			case BtfKind.FUNC_PROTO: {
				dropQualifiers();
				if (chain.length > 0) out += ` (${emitChain(btf, chain, name, depth)})`;
				else emitName();
				const params = (t.params ?? []).map((p, i, all) => (p.type === 0 && i === all.length - 1 ? '...' : declare(btf, p.type, p.name, depth + 1)));
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
		const [long] = base.find(BtfKind.INT, (name) => name === 'long int' || name === 'long unsigned int');
		if (long) return long.size as number;
	}
	return 8;
}

/** sizeof(type) in bytes: array lengths times the size of what the chain of arrays, typedefs and qualifiers ends in. */
export function sizeOf(btf: Btf, id: number, ptrSize: number): number {
	const chain = walk(btf, id, (t) => {
		switch (t.kind) {
			case BtfKind.ARRAY:
				return t.elementType as number;
			case BtfKind.TYPEDEF:
			case BtfKind.CONST:
			case BtfKind.VOLATILE:
			case BtfKind.RESTRICT:
			case BtfKind.TYPE_TAG:
				return t.type as number;
			default:
				return undefined;
		}
	});
	const last = chain.at(-1) as BtfType;
	let size: number;
	switch (last.kind) {
		case BtfKind.PTR:
			size = ptrSize;
			break;
		case BtfKind.FWD:
		case BtfKind.FUNC_PROTO:
			size = 0;
			break;
		default:
			if (last.size === undefined) throw new BtfError(`type ${last.id}`, `a ${last.kind}-kind type has no size`);
			size = last.size;
	}
	for (const t of chain) if (t.kind === BtfKind.ARRAY) size *= t.length as number;
	return size;
}
