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

/** Skips qualifiers and type tags: the type a qualifier applies to. */
function unqualified(btf: Btf, t: BtfType): BtfType {
	while (QUALIFIERS[t.kind] !== undefined || t.kind === BtfKind.TYPE_TAG) t = btf.get(t.type as number);
	return t;
}

/** A declarator inside an array or function type needs parentheses when it starts with a pointer. */
const grouped = (declarator: string) => (/^\s*\*|^ /.test(declarator) ? `(${declarator.trimStart()})` : declarator);

/**
 * The C declaration of `declarator` (a name, or '' for the bare type) with type `id`:
 * declare(btf, id, 'args') → `long unsigned int args[6]`; declare(btf, id, '') → `char *`.
 */
export function declare(btf: Btf, id: number, declarator: string): string {
	const t = btf.get(id);
	const withName = (base: string) => (declarator === '' ? base : `${base} ${declarator.trimStart()}`);
	switch (t.kind) {
		case BtfKind.PTR:
			return declare(btf, t.type as number, `*${declarator.trimStart()}`);
		case BtfKind.CONST:
		case BtfKind.VOLATILE:
		case BtfKind.RESTRICT: {
			const q = QUALIFIERS[t.kind] as string;
			// Over a pointer the qualifier follows the star (`char * const p`), otherwise it leads (`const char *p`).
			if (unqualified(btf, btf.get(t.type as number)).kind === BtfKind.PTR) {
				return declare(btf, t.type as number, ` ${q}${declarator === '' ? '' : ` ${declarator.trimStart()}`}`);
			}
			return `${q} ${declare(btf, t.type as number, declarator)}`;
		}
		case BtfKind.TYPE_TAG:
			return declare(btf, t.type as number, declarator);
		case BtfKind.ARRAY:
			return declare(btf, t.elementType as number, `${grouped(declarator)}[${t.length}]`);
		case BtfKind.FUNC_PROTO: {
			const params = (t.params ?? []).map((p, i, all) =>
				p.type === 0 && i === all.length - 1 ? '...' : declare(btf, p.type, ''),
			);
			return declare(btf, t.type as number, `${grouped(declarator)}(${params.length === 0 ? 'void' : params.join(', ')})`);
		}
		default:
			return withName(baseName(t));
	}
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
