/**
 * Parser for tracefs `events/<category>/<name>/format` files. Pure: text in, structure out.
 *
 * The layout every kernel from 5.10 on prints:
 *
 *   name: <name>
 *   ID: <number>
 *   format:
 *   \tfield:<declaration>;\toffset:<n>;\tsize:<n>;\tsigned:<0|1>;   (common header fields)
 *   <blank line>
 *   \tfield:<declaration>;\toffset:<n>;\tsize:<n>;\tsigned:<0|1>;   (the event's own fields)
 *   <blank line>
 *   print fmt: <format string and arguments>
 */
import type { EventFormat, Field } from '../../schemas/snapshot.ts';

/** A format file that does not parse: names the file and the 1-based line. */
export class FormatParseError extends Error {
	readonly file: string;
	readonly line: number;
	constructor(file: string, line: number, message: string) {
		super(`${file}:${line}: ${message}`);
		this.name = 'FormatParseError';
		this.file = file;
		this.line = line;
	}
}

// Byte sizes of scalar types whose arrays may be printed with a symbolic length (`char comm[TASK_COMM_LEN]`).
const SCALAR_SIZES: Record<string, number> = {
	char: 1, 'unsigned char': 1, 'signed char': 1, u8: 1, s8: 1, __u8: 1, __s8: 1, bool: 1,
	short: 2, 'unsigned short': 2, u16: 2, s16: 2, __u16: 2, __s16: 2, __be16: 2, __le16: 2,
	int: 4, 'unsigned int': 4, u32: 4, s32: 4, __u32: 4, __s32: 4, __be32: 4, __le32: 4, pid_t: 4,
	long: 8, 'unsigned long': 8, u64: 8, s64: 8, __u64: 8, __s64: 8, __be64: 8, __le64: 8,
	'long long': 8, 'unsigned long long': 8,
};

const FIELD_LINE = /^\s*field:(?<decl>[^;]+);\s*offset:(?<offset>\d+);\s*size:(?<size>\d+);\s*(?:signed:(?<signed>-?\d+);)?\s*$/;

/** Parses one `field:` declaration (`const char * filename`, `char comm[16]`, `__data_loc char[] name`). */
export function parseDeclaration(declaration: string): Pick<Field, 'name' | 'type' | 'arrayLength' | 'dynamic'> & { arrayLengthText: string | null } {
	let decl = declaration.trim().replace(/\s+/g, ' ');
	let dynamic: Field['dynamic'] = null;
	const loc = /^__(data|rel)_loc\s+/.exec(decl);
	if (loc) {
		dynamic = loc[1] === 'data' ? 'data_loc' : 'rel_loc';
		decl = decl.slice(loc[0].length);
	}

	// Function pointer: `void (*func)(void *)` — the name sits inside `(*…)`.
	const fnPtr = /^(?<ret>.+?)\(\s*\*\s*(?<name>[A-Za-z_]\w*)\s*\)\s*(?<params>\(.*\))$/.exec(decl);
	if (fnPtr?.groups) {
		const { ret, name, params } = fnPtr.groups as { ret: string; name: string; params: string };
		return { name, type: `${ret.trim()} (*)${params}`, arrayLength: null, arrayLengthText: null, dynamic };
	}

	// `<type> <name>[<len>]`, `<type> <name>`, and the dynamic form `<type>[] <name>`.
	const m = /^(?<type>.*?[\w*\]])\s*\b(?<name>[A-Za-z_]\w*)\s*(?:\[(?<len>[^\]]*)\])?$/.exec(decl);
	if (!m?.groups) throw new Error(`cannot read a type and a name in "${declaration}"`);
	const { name } = m.groups as { name: string };
	let type = (m.groups.type as string).trim();
	const len = m.groups.len;
	if (dynamic) type = type.replace(/\s*\[\s*\]$/, '');
	const lenText = len === undefined ? null : len.trim();
	let arrayLength: number | null = null;
	if (lenText !== null && /^\d+$/.test(lenText)) arrayLength = Number(lenText);
	return { name, type: type.replace(/\s*\*/g, ' *').replace(/\* \*/g, '**').trim(), arrayLength, arrayLengthText: lenText, dynamic };
}

function parseField(file: string, lineNo: number, line: string): Field {
	const m = FIELD_LINE.exec(line);
	if (!m?.groups) {
		throw new FormatParseError(file, lineNo, `expected "field:<declaration>; offset:<n>; size:<n>; signed:<0|1>;" but found "${line.trim()}"`);
	}
	const declaration = (m.groups.decl as string).trim();
	const offset = Number(m.groups.offset);
	const size = Number(m.groups.size);
	let parsed;
	try {
		parsed = parseDeclaration(declaration);
	} catch (error) {
		throw new FormatParseError(file, lineNo, (error as Error).message);
	}
	let arrayLength = parsed.arrayLength;
	if (arrayLength === null && parsed.arrayLengthText !== null && !parsed.dynamic) {
		// A symbolic length (`[TASK_COMM_LEN]`): recover it from the field's size when the element size is known.
		const elementSize = SCALAR_SIZES[parsed.type];
		if (elementSize && size % elementSize === 0) arrayLength = size / elementSize;
	}
	return {
		declaration,
		name: parsed.name,
		type: parsed.type,
		offset,
		size,
		signed: m.groups.signed !== undefined && m.groups.signed !== '0',
		arrayLength: arrayLength === 0 ? null : arrayLength,
		dynamic: parsed.dynamic,
	};
}

/**
 * Parses a format file. `file` names the input in error messages (a path, or `<category>:<name>`).
 * Throws FormatParseError with the file and line when the text is not a format file.
 */
export function parseFormat(text: string, file: string): EventFormat {
	const lines = text.replace(/\r/g, '').split('\n');
	let i = 0;
	const expect = (re: RegExp, what: string): RegExpExecArray => {
		const line = lines[i] ?? '';
		const m = re.exec(line);
		if (!m) throw new FormatParseError(file, i + 1, `expected ${what} but found ${line ? `"${line}"` : 'the end of the file'}`);
		i++;
		return m;
	};
	const name = expect(/^name:\s*(\S+)\s*$/, '"name: <event>"')[1] as string;
	const id = Number(expect(/^ID:\s*(\d+)\s*$/, '"ID: <number>"')[1]);
	expect(/^format:\s*$/, '"format:"');

	// Field groups are separated by blank lines: the first group is the common header.
	const groups: Field[][] = [[]];
	for (; i < lines.length; i++) {
		const line = lines[i] as string;
		if (line.startsWith('print fmt:')) break;
		if (line.trim() === '') {
			if ((groups.at(-1) as Field[]).length > 0) groups.push([]);
			continue;
		}
		(groups.at(-1) as Field[]).push(parseField(file, i + 1, line));
	}
	if (i >= lines.length) throw new FormatParseError(file, lines.length, 'no "print fmt:" line');
	// The format string may itself contain raw newlines (ext4_fc_stats does), so print fmt runs to the end.
	const printFmt = [(lines[i] as string).slice('print fmt:'.length), ...lines.slice(i + 1)].join('\n').trim();
	const nonEmpty = groups.filter((g) => g.length > 0);
	const commonFields = nonEmpty[0] ?? [];
	if (commonFields.length > 0 && !commonFields.every((f) => f.name.startsWith('common_'))) {
		throw new FormatParseError(file, 4, 'the first group of fields must be the common header (common_type, common_pid, …)');
	}
	if (nonEmpty.length > 2) throw new FormatParseError(file, 4, `expected two groups of fields (common header, then the event's) but found ${nonEmpty.length}`);
	return { name, id, commonFields, fields: nonEmpty[1] ?? [], printFmt };
}
