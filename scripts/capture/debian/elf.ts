/**
 * The little of ELF that module scanning needs: section names and contents of a 64-bit
 * little-endian object (every architecture Debian boots here: x86_64, aarch64).
 */

export interface Section {
	name: string;
	offset: number;
	size: number;
}

/** The sections of an ELF64 little-endian file, by name. `what` names the file in errors. */
export function readSections(elf: Buffer, what: string): Map<string, Section> {
	if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${what}: not an ELF file`);
	if (elf[4] !== 2 || elf[5] !== 1) throw new Error(`${what}: not a 64-bit little-endian ELF file (class ${elf[4]}, data ${elf[5]})`);
	const shoff = Number(elf.readBigUInt64LE(0x28));
	const shentsize = elf.readUInt16LE(0x3a);
	const shnum = elf.readUInt16LE(0x3c);
	const shstrndx = elf.readUInt16LE(0x3e);
	if (shoff + shnum * shentsize > elf.length || shstrndx >= shnum) throw new Error(`${what}: section header table is out of bounds`);
	const header = (i: number) => {
		const at = shoff + i * shentsize;
		return { nameOffset: elf.readUInt32LE(at), offset: Number(elf.readBigUInt64LE(at + 0x18)), size: Number(elf.readBigUInt64LE(at + 0x20)) };
	};
	const names = header(shstrndx);
	const sections = new Map<string, Section>();
	for (let i = 1; i < shnum; i++) {
		const h = header(i);
		const start = names.offset + h.nameOffset;
		const name = elf.toString('latin1', start, elf.indexOf(0, start));
		sections.set(name, { name, offset: h.offset, size: h.size });
	}
	return sections;
}

/** The `key=value` strings of a module's `.modinfo` section, in file order (keys repeat, e.g. `alias`). */
export function readModinfo(elf: Buffer, sections: Map<string, Section>): Array<[string, string]> {
	const modinfo = sections.get('.modinfo');
	if (!modinfo) return [];
	return elf
		.toString('latin1', modinfo.offset, modinfo.offset + modinfo.size)
		.split('\0')
		.filter((entry) => entry.includes('='))
		.map((entry) => {
			const eq = entry.indexOf('=');
			return [entry.slice(0, eq), entry.slice(eq + 1)];
		});
}
