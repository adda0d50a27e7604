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

/** The longest `field:` line (or header line) accepted; real ones are under 130 characters. */
export const MAX_LINE_LENGTH = 1024;
/** The longest format file accepted; the longest real one (an ext4 print fmt) is about 34,000 characters. */
export const MAX_FORMAT_LENGTH = 256 * 1024;

const IDENTIFIER_START = /[A-Za-z_]/;
const WORD = /\w/;

/**
 * Parses one `field:` declaration (`const char * filename`, `char comm[16]`, `__data_loc char[] name`).
 * A single left-to-right pass with no backtracking regular expressions, so its time is linear in the
 * declaration's length whatever the input.
 */
export function parseDeclaration(declaration: string): Pick<Field, 'name' | 'type' | 'arrayLength' | 'dynamic'> & { arrayLengthText: string | null } {
	let decl = declaration.trim().split(/\s+/).join(' ');
	let dynamic: Field['dynamic'] = null;
	for (const [prefix, kind] of [['__data_loc ', 'data_loc'], ['__rel_loc ', 'rel_loc']] as const) {
		if (decl.startsWith(prefix)) {
			dynamic = kind;
			decl = decl.slice(prefix.length);
		}
	}

	// Function pointer: `void (*func)(void *)` — the name sits inside `(*…)`.
	const fnPtr = functionPointer(decl);
	if (fnPtr) return { ...fnPtr, arrayLength: null, arrayLengthText: null, dynamic };

	// `<type> <name>[<len>]`, `<type> <name>`, and the dynamic form `<type>[] <name>`.
	let rest = decl;
	let lenText: string | null = null;
	if (rest.endsWith(']')) {
		const open = rest.lastIndexOf('[');
		if (open < 0) throw new Error(`cannot read a type and a name in "${declaration}"`);
		lenText = rest.slice(open + 1, -1).trim();
		rest = rest.slice(0, open).trimEnd();
	}
	let start = rest.length;
	while (start > 0 && WORD.test(rest[start - 1] as string)) start--;
	const name = rest.slice(start);
	let type = rest.slice(0, start).trim();
	if (!name || !IDENTIFIER_START.test(name[0] as string) || !type || !/[\w*\]]$/.test(type)) {
		throw new Error(`cannot read a type and a name in "${declaration}"`);
	}
	if (dynamic && type.endsWith('[]')) type = type.slice(0, -2).trimEnd();
	else if (dynamic && type.endsWith('[ ]')) type = type.slice(0, -3).trimEnd();
	let arrayLength: number | null = null;
	if (lenText !== null && /^\d+$/.test(lenText)) arrayLength = Number(lenText);
	return { name, type: type.split('*').map((part) => part.trim()).join(' *').replace(/\* \*/g, '**').replace(/^ \*/, '*').trim(), arrayLength, arrayLengthText: lenText, dynamic };
}

/** `ret (*name)(params)` read in one pass, or null when `decl` is not a function pointer. */
function functionPointer(decl: string): { name: string; type: string } | null {
	if (!decl.endsWith(')')) return null;
	for (let open = decl.indexOf('(', 1); open > 0; open = decl.indexOf('(', open + 1)) {
		let i = open + 1;
		if (decl[i] === ' ') i++;
		if (decl[i] !== '*') continue;
		i++;
		if (decl[i] === ' ') i++;
		const nameStart = i;
		if (!IDENTIFIER_START.test(decl[i] ?? '')) continue;
		while (i < decl.length && WORD.test(decl[i] as string)) i++;
		const name = decl.slice(nameStart, i);
		if (decl[i] === ' ') i++;
		if (decl[i] !== ')') continue;
		i++;
		if (decl[i] === ' ') i++;
		if (decl[i] !== '(') continue;
		const ret = decl.slice(0, open).trim();
		if (!ret) return null;
		return { name, type: `${ret} (*)${decl.slice(i)}` };
	}
	return null;
}

/** The parts of a `field:<declaration>; offset:<n>; size:<n>; signed:<0|1>;` line, or null. */
function splitFieldLine(line: string): { decl: string; offset: number; size: number; signed: string | undefined } | null {
	const text = line.trim();
	if (!text.startsWith('field:') || !text.endsWith(';')) return null;
	const parts = text.slice('field:'.length, -1).split(';').map((p) => p.trim());
	const decl = parts[0] as string;
	const number = (part: string | undefined, key: string, signed = false) => {
		if (part === undefined || !part.startsWith(`${key}:`)) return null;
		const value = part.slice(key.length + 1);
		return (signed ? /^-?\d{1,10}$/ : /^\d{1,10}$/).test(value) ? value : null;
	};
	const offset = number(parts[1], 'offset');
	const size = number(parts[2], 'size');
	if (!decl || offset === null || size === null || parts.length > 4) return null;
	let signed: string | undefined;
	if (parts.length === 4) {
		const value = number(parts[3], 'signed', true);
		if (value === null) return null;
		signed = value;
	}
	return { decl, offset: Number(offset), size: Number(size), signed };
}

function parseField(file: string, lineNo: number, line: string): Field {
	const m = splitFieldLine(line);
	if (!m) {
		throw new FormatParseError(file, lineNo, `expected "field:<declaration>; offset:<n>; size:<n>; signed:<0|1>;" but found "${line.trim()}"`);
	}
	const { decl: declaration, offset, size } = m;
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
		signed: m.signed !== undefined && m.signed !== '0',
		arrayLength: arrayLength === 0 ? null : arrayLength,
		dynamic: parsed.dynamic,
	};
}

/**
 * Parses a format file. `file` names the input in error messages (a path, or `<category>:<name>`).
 * Throws FormatParseError with the file and line when the text is not a format file.
 */
export function parseFormat(text: string, file: string): EventFormat {
	if (text.length > MAX_FORMAT_LENGTH) {
		throw new FormatParseError(file, 1, `the file is ${text.length} characters long, more than the ${MAX_FORMAT_LENGTH} a format file may have; it is not a tracefs format file`);
	}
	const lines = text.replace(/\r/g, '').split('\n');
	let i = 0;
	const checkLength = (line: string) => {
		if (line.length > MAX_LINE_LENGTH) {
			throw new FormatParseError(file, i + 1, `the line is ${line.length} characters long, more than the ${MAX_LINE_LENGTH} a header or field line may have`);
		}
	};
	const expect = (re: RegExp, what: string): RegExpExecArray => {
		const line = lines[i] ?? '';
		checkLength(line);
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
		checkLength(line);
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
