/**
 * C identifiers and literals made from names in the data. Everything the generator writes into C
 * (identifiers, string literals, comments) passes through here, so no event, field or type name can
 * break out of a string or comment or collide with a keyword.
 */

const C_KEYWORDS = new Set(
	(
		'auto break case char const continue default do double else enum extern float for goto if inline int long ' +
		'register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
		'_Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local ' +
		'asm typeof bool true false NULL'
	).split(' '),
);

/** A C identifier for `raw`: other characters become `_`, a leading digit gets a `_`, keywords get a trailing `_`. */
export function cIdentifier(raw: string): string {
	let id = raw.replace(/[^A-Za-z0-9_]/g, '_');
	if (id === '') id = '_';
	if (/^[0-9]/.test(id)) id = `_${id}`;
	if (C_KEYWORDS.has(id)) id = `${id}_`;
	return id;
}

/**
 * A namer for one C scope: each call returns `cIdentifier(raw)`, made unique against the reserved
 * names and every name it returned before: `errno` when reserved becomes `errno_`, `a-b` after `a_b`
 * becomes `a_b_`, then `a_b_2`, `a_b_3`…
 */
export function scopeNamer(reserved: Iterable<string> = []): (raw: string) => string {
	const taken = new Set(reserved);
	return (raw) => {
		const base = cIdentifier(raw);
		let name = base;
		if (taken.has(name)) name = `${base}_`;
		for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
		taken.add(name);
		return name;
	};
}

/** `text` as the inside of a C string literal: quotes, backslashes, `?` and non-printable bytes escaped. */
export function cStringBody(text: string): string {
	let out = '';
	for (const byte of new TextEncoder().encode(text)) {
		const ch = String.fromCharCode(byte);
		if (ch === '"' || ch === '\\' || ch === '?') out += `\\${ch}`;
		else if (ch === '\n') out += '\\n';
		else if (ch === '\t') out += '\\t';
		else if (byte >= 0x20 && byte < 0x7f) out += ch;
		// Octal escapes are at most three digits, so a following digit cannot extend them (a hex escape would).
		else out += `\\${byte.toString(8).padStart(3, '0')}`;
	}
	return out;
}

/** `text` as a C string literal. */
export function cString(text: string): string {
	return `"${cStringBody(text)}"`;
}

/** `text` made safe for one line inside a C block comment: no `*\/`, no line breaks, no control characters. */
export function cCommentText(text: string): string {
	return text
		.replace(/[\u0000-\u001f\u007f]+/g, ' ')
		.replace(/\*\//g, '* /')
		.replace(/\/\*/g, '/ *')
		.trim();
}

/** Program names become file names, make targets and C identifiers: keep them to this. */
export const PROGRAM_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

/** Names a program must not take: they clash with files of the project or make targets. */
export const RESERVED_PROGRAM_NAMES = new Set(['vmlinux', 'tp_helpers', 'all', 'clean', 'check']);
