/** The `struct trace_event_raw_*` types of a BTF object, as the snapshot's ContextStructs. */
import type { ContextStruct, StructMember } from '../../schemas/snapshot.ts';
import { declare, pointerSize, sizeOf, unqualified } from './c-type.ts';
import { BtfKind, type Btf, type BtfType } from './read.ts';

const PREFIX = 'trace_event_raw_';

/**
 * Every `struct trace_event_raw_*` defined in `btf` itself (for a module's split BTF: not those of
 * its base), sorted by name. `btfName` is recorded as each struct's origin: `vmlinux` or the module.
 */
export function contextStructs(btf: Btf, btfName: string): ContextStruct[] {
	const ptrSize = pointerSize(btf);
	const structs = btf.find(BtfKind.STRUCT, (name) => name.startsWith(PREFIX)).map((t) => toContextStruct(btf, t, btfName, ptrSize));
	return structs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function toContextStruct(btf: Btf, t: BtfType, btfName: string, ptrSize: number): ContextStruct {
	return { name: t.name, size: t.size as number, members: structMembers(btf, t, ptrSize), btf: btfName };
}

/** The members of a struct or union type, with their C types, offsets and sizes. */
export function structMembers(btf: Btf, t: BtfType, ptrSize = pointerSize(btf)): StructMember[] {
	return (t.members ?? []).map((m) => {
		const memberType = unqualified(btf, btf.get(m.type));
		const isArray = memberType.kind === BtfKind.ARRAY;
		return {
			name: m.name,
			type: typeText(btf, isArray ? (memberType.elementType as number) : m.type),
			arrayLength: isArray ? (memberType.length as number) : null,
			offset: Math.floor(m.bitOffset / 8),
			size: sizeOf(btf, m.type, ptrSize),
			bitfieldSize: m.bitfieldSize > 0 ? m.bitfieldSize : null,
		};
	});
}

const NAME_MARK = '\u0000';

/** A type's C text without a name, keeping the space bpftool puts before a name: `char *`, `int (* const)(void)`. */
function typeText(btf: Btf, id: number): string {
	return declare(btf, id, NAME_MARK).replace(/ ?\u0000/, '');
}

/** A member written as a C declaration, e.g. `long unsigned int args[6]`, `char *name`, `void (*fn)(void *)`, `u8 flag: 1`. */
export function memberDeclaration(member: StructMember): string {
	const declarator = `${member.name}${member.arrayLength === null ? '' : `[${member.arrayLength}]`}`;
	let decl: string;
	const group = member.type.indexOf('(*');
	if (group >= 0) {
		// A pointer to a function or an array: the name goes inside the parentheses, `void (*fn)(int)`, `int (* const fn)(void)`.
		const close = member.type.indexOf(')', group);
		decl = `${member.type.slice(0, close)}${member.type[close - 1] === '*' ? '' : ' '}${declarator}${member.type.slice(close)}`;
	} else if (member.type.endsWith('*')) decl = `${member.type}${declarator}`;
	else decl = `${member.type} ${declarator}`;
	return member.bitfieldSize === null ? decl : `${decl}: ${member.bitfieldSize}`;
}
