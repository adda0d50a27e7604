/** The `struct trace_event_raw_*` types of a BTF object, as the snapshot's ContextStructs. */
import type { ContextStruct, StructMember } from '../../schemas/snapshot.ts';
import { declare, pointerSize, sizeOf } from './c-type.ts';
import { BtfKind, type Btf, type BtfType } from './read.ts';

const PREFIX = 'trace_event_raw_';

/**
 * Every `struct trace_event_raw_*` defined in `btf` itself (for a module's split BTF: not those of
 * its base), sorted by name. `btfName` is recorded as each struct's origin: `vmlinux` or the module.
 */
export function contextStructs(btf: Btf, btfName: string): ContextStruct[] {
	const ptrSize = pointerSize(btf);
	const structs: ContextStruct[] = [];
	for (const t of btf.types.values()) {
		if (t.kind === BtfKind.STRUCT && t.name.startsWith(PREFIX)) structs.push(toContextStruct(btf, t, btfName, ptrSize));
	}
	return structs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function toContextStruct(btf: Btf, t: BtfType, btfName: string, ptrSize: number): ContextStruct {
	return { name: t.name, size: t.size as number, members: structMembers(btf, t, ptrSize), btf: btfName };
}

/** The members of a struct or union type, with their C types, offsets and sizes. */
export function structMembers(btf: Btf, t: BtfType, ptrSize = pointerSize(btf)): StructMember[] {
	return (t.members ?? []).map((m) => {
		const memberType = btf.get(m.type);
		const isArray = memberType.kind === BtfKind.ARRAY;
		return {
			name: m.name,
			type: isArray ? declare(btf, memberType.elementType as number, '') : declare(btf, m.type, ''),
			arrayLength: isArray ? (memberType.length as number) : null,
			offset: Math.floor(m.bitOffset / 8),
			size: sizeOf(btf, m.type, ptrSize),
			bitfieldSize: m.bitfieldSize > 0 ? m.bitfieldSize : null,
		};
	});
}

/** A member written as a C declaration, e.g. `long unsigned int args[6]`, `char *name`, `void (*fn)(void *)`, `u8 flag: 1`. */
export function memberDeclaration(member: StructMember): string {
	let decl: string;
	if (member.type.includes('(*)')) decl = member.type.replace('(*)', `(*${member.name})`);
	else if (member.type.endsWith('*')) decl = `${member.type}${member.name}`;
	else decl = `${member.type} ${member.name}`;
	if (member.arrayLength !== null) decl += `[${member.arrayLength}]`;
	if (member.bitfieldSize !== null) decl += `: ${member.bitfieldSize}`;
	return decl;
}
