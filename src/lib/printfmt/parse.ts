/**
 * The `print fmt:` line of a tracefs format file, read as C: the format string with its conversions,
 * then one expression tree per argument. Nothing is evaluated here (see evaluate.ts and decode.ts).
 *
 * The line is untrusted (data/ holds contributed captures), so the reader is linear and bounded: one
 * pass of a hand-written lexer, a recursive-descent parser with a depth limit, number literals of
 * bounded length. `sizeof(…)`, `typeof(…)` and GNU statement expressions `({ … })` are kept as opaque
 * spans: the kernel's bit-field macros put anonymous structs inside them that no decoder needs.
 */
import { FORMAT_TEXT_MAX, quoteValue } from '../../schemas/snapshot.ts';

/** A print fmt the reader refuses as a whole: the message says where and why. */
export class PrintFmtError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PrintFmtError';
	}
}

export type Token =
	| { t: 'num'; text: string; at: number }
	| { t: 'str'; value: string; at: number }
	| { t: 'char'; value: number; at: number }
	| { t: 'id'; text: string; at: number }
	| { t: 'op'; text: string; at: number };

/** Longest number literal read as a number (a 64-bit value in octal is 23 digits, with suffixes 26). */
const NUMBER_MAX = 40;
/** Deepest nesting of parentheses, operators and calls accepted: real formats nest about 30 deep. */
export const DEPTH_MAX = 200;

const OPS3 = ['<<=', '>>=', '...'];
const OPS2 = ['->', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '|=', '&=', '^=', '##'];
const OPS1 = '()[]{}.,?:;+-*/%&|^~!<>=#';
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b', '\\': '\\', '"': '"', "'": "'", '?': '?' };

const isIdStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdChar = (c: string) => isIdStart(c) || isDigit(c);

/** A literal's body with its escapes resolved (`\n`, `\"`, `\x41`, `\101`). */
function unescape(body: string): string {
	let value = '';
	let i = 0;
	while (i < body.length) {
		const c = body[i] as string;
		if (c !== '\\') {
			value += c;
			i++;
			continue;
		}
		const e = body[i + 1] ?? '';
		if (e === 'x') {
			let j = i + 2;
			while (j < body.length && j < i + 4 && /[0-9A-Fa-f]/.test(body[j] as string)) j++;
			value += String.fromCharCode(Number.parseInt(body.slice(i + 2, j) || '0', 16));
			i = j;
		} else if (e >= '0' && e <= '7') {
			let j = i + 1;
			while (j < body.length && j < i + 4 && (body[j] as string) >= '0' && (body[j] as string) <= '7') j++;
			value += String.fromCharCode(Number.parseInt(body.slice(i + 1, j), 8) & 0xff);
			i = j;
		} else {
			value += ESCAPES[e] ?? e;
			i += 2;
		}
	}
	return value;
}

/** Reads a quoted literal starting at `start` (the quote); returns its value and the index after the closing quote. */
function readQuoted(text: string, start: number): { value: string; end: number } {
	const quote = text[start] as string;
	for (let i = start + 1; i < text.length; i++) {
		const c = text[i];
		if (c === '\\') i++;
		else if (c === quote) return { value: unescape(text.slice(start + 1, i)), end: i + 1 };
		else if (c === '\n') break;
	}
	throw new PrintFmtError(`unterminated ${quote === '"' ? 'string' : 'character'} literal at offset ${start}`);
}

/** The tokens of a print fmt line. */
export function tokenize(text: string): Token[] {
	if (text.length > FORMAT_TEXT_MAX) throw new PrintFmtError(`print fmt is longer than ${FORMAT_TEXT_MAX} characters`);
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const c = text[i] as string;
		if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
			i++;
		} else if (c === '"') {
			const { value, end } = readQuoted(text, i);
			tokens.push({ t: 'str', value, at: i });
			i = end;
		} else if (c === "'") {
			const { value, end } = readQuoted(text, i);
			tokens.push({ t: 'char', value: value.length > 0 ? value.charCodeAt(0) : 0, at: i });
			i = end;
		} else if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
			let j = i + 1;
			while (j < text.length && (isIdChar(text[j] as string) || text[j] === '.')) j++;
			tokens.push({ t: 'num', text: text.slice(i, j), at: i });
			i = j;
		} else if (isIdStart(c)) {
			let j = i + 1;
			while (j < text.length && isIdChar(text[j] as string)) j++;
			tokens.push({ t: 'id', text: text.slice(i, j), at: i });
			i = j;
		} else {
			const three = text.slice(i, i + 3);
			const two = text.slice(i, i + 2);
			const op = OPS3.includes(three) ? three : OPS2.includes(two) ? two : OPS1.includes(c) ? c : null;
			if (op === null) throw new PrintFmtError(`unexpected character ${quoteValue(c)} at offset ${i}`);
			tokens.push({ t: 'op', text: op, at: i });
			i += op.length;
		}
	}
	return tokens;
}

export type Expr =
	| { k: 'num'; value: bigint | null; text: string }
	| { k: 'str'; value: string }
	| { k: 'id'; name: string }
	/** `REC->name` (or `REC.name`, or any `x->name`: `base` says which). */
	| { k: 'member'; base: Expr; name: string; arrow: boolean }
	| { k: 'index'; base: Expr; index: Expr }
	| { k: 'call'; callee: Expr; args: Expr[] }
	| { k: 'cast'; type: string; operand: Expr }
	| { k: 'unary'; op: string; operand: Expr }
	| { k: 'binary'; op: string; left: Expr; right: Expr }
	| { k: 'ternary'; test: Expr; then: Expr; else: Expr }
	/** `{ a, b }`: an entry of a `__print_flags`/`__print_symbolic` table. */
	| { k: 'braces'; items: Expr[] }
	/** `sizeof(…)`, `typeof(…)`, `({ … })`: kept as text, never looked into. */
	| { k: 'opaque'; what: string; text: string };

/** An integer literal's value (`0x10`, `1UL`, `017`, `8ULL`), or null for what is not one (floats, bad digits). */
export function integerLiteral(text: string): bigint | null {
	if (text.length > NUMBER_MAX) return null;
	const body = text.replace(/[uUlL]{1,3}$/, '');
	if (/^0[xX][0-9A-Fa-f]+$/.test(body) || /^0[bB][01]+$/.test(body) || /^[1-9][0-9]*$/.test(body) || body === '0') return BigInt(body);
	if (/^0[0-7]+$/.test(body)) return BigInt(`0o${body.slice(1)}`);
	return null;
}

const BINARY_PRECEDENCE: Record<string, number> = {
	'||': 1,
	'&&': 2,
	'|': 3,
	'^': 4,
	'&': 5,
	'==': 6,
	'!=': 6,
	'<': 7,
	'>': 7,
	'<=': 7,
	'>=': 7,
	'<<': 8,
	'>>': 8,
	'+': 9,
	'-': 9,
	'*': 10,
	'/': 10,
	'%': 10,
};
const TYPE_KEYWORDS = new Set(['unsigned', 'signed', 'int', 'long', 'short', 'char', 'void', 'const', 'volatile', 'bool', '_Bool', 'struct', 'union', 'enum', 'float', 'double']);
const OPAQUE_OPERATORS = new Set(['sizeof', 'typeof', '__typeof__', '__typeof', '_Alignof', '__alignof__', 'offsetof', '__builtin_offsetof', '__builtin_types_compatible_p']);

class Parser {
	private i = 0;
	private depth = 0;
	private readonly tokens: Token[];
	private readonly text: string;
	constructor(tokens: Token[], text: string) {
		this.tokens = tokens;
		this.text = text;
	}

	peek(offset = 0): Token | undefined {
		return this.tokens[this.i + offset];
	}
	atOp(text: string, offset = 0): boolean {
		const t = this.peek(offset);
		return t?.t === 'op' && t.text === text;
	}
	where(): string {
		const t = this.peek();
		return t ? `offset ${t.at}` : 'the end';
	}
	fail(what: string): never {
		const t = this.peek();
		const found = t ? quoteValue(t.t === 'str' ? `"${t.value}"` : t.t === 'char' ? `'${String.fromCharCode(t.value)}'` : t.text) : 'the end';
		throw new PrintFmtError(`expected ${what} at ${this.where()}, found ${found}`);
	}
	expectOp(text: string): void {
		if (!this.atOp(text)) this.fail(`"${text}"`);
		this.i++;
	}
	enter(): void {
		if (++this.depth > DEPTH_MAX) throw new PrintFmtError(`expression nested deeper than ${DEPTH_MAX} levels at ${this.where()}`);
	}

	/** Skips a balanced group opening at the current token; returns the source text it spans. */
	skipGroup(): string {
		const open = this.peek();
		if (!open || open.t !== 'op' || !'([{'.includes(open.text)) this.fail('"("');
		let depth = 0;
		do {
			const t = this.peek();
			if (!t) throw new PrintFmtError(`unbalanced ${quoteValue(open.text)} opened at offset ${open.at}`);
			if (t.t === 'op' && '([{'.includes(t.text)) depth++;
			else if (t.t === 'op' && ')]}'.includes(t.text)) depth--;
			this.i++;
		} while (depth > 0);
		const last = this.tokens[this.i - 1] as Token;
		return this.text.slice(open.at, last.at + 1);
	}

	/** Arguments of the whole line: the format string, then the comma-separated expressions. */
	arguments(): Expr[] {
		const args: Expr[] = [];
		if (this.peek() === undefined) return args;
		args.push(this.conditional());
		while (this.atOp(',')) {
			this.i++;
			args.push(this.conditional());
		}
		if (this.peek() !== undefined) this.fail('"," or the end of the line');
		return args;
	}

	conditional(): Expr {
		this.enter();
		const test = this.binary(1);
		let result = test;
		if (this.atOp('?')) {
			this.i++;
			if (this.atOp(':')) {
				// GNU `a ?: b`, `a` unless it is 0 (arm64's kvm_sys_access prints `REC->name ?: "UNKN"`): a binary
				// `?:`, since a ternary that shares `a` as test and result doubles the tree's walks at each level.
				this.i++;
				result = { k: 'binary', op: '?:', left: test, right: this.conditional() };
			} else {
				const then = this.conditional();
				this.expectOp(':');
				result = { k: 'ternary', test, then, else: this.conditional() };
			}
		}
		this.depth--;
		return result;
	}

	/** A chain `a | b | c` nests to the left: each link counts as a level, so no tree outgrows DEPTH_MAX. */
	binary(minPrecedence: number): Expr {
		const outer = this.depth;
		let left = this.unary();
		for (;;) {
			const t = this.peek();
			const precedence = t?.t === 'op' ? BINARY_PRECEDENCE[t.text] : undefined;
			if (precedence === undefined || precedence < minPrecedence) {
				this.depth = outer;
				return left;
			}
			this.i++;
			this.enter();
			const right = this.binary(precedence + 1);
			left = { k: 'binary', op: (t as Token & { text: string }).text, left, right };
		}
	}

	/** Whether the `(` at the current token opens a cast: a type name, then something a cast can apply to. */
	castAhead(): boolean {
		let j = this.i + 1;
		let strong = false;
		let any = false;
		for (;;) {
			const t = this.tokens[j];
			if (!t) return false;
			if (t.t === 'op' && t.text === ')') break;
			if (t.t === 'op' && t.text === '*') strong = true;
			else if (t.t === 'id' && (t.text === 'typeof' || t.text === '__typeof__' || t.text === '__typeof')) {
				// typeof(…): skip its balanced group.
				const open = this.tokens[j + 1];
				if (!(open?.t === 'op' && open.text === '(')) return false;
				let depth = 0;
				j++;
				do {
					const u = this.tokens[j];
					if (!u) return false;
					if (u.t === 'op' && '([{'.includes(u.text)) depth++;
					else if (u.t === 'op' && ')]}'.includes(u.text)) depth--;
					j++;
				} while (depth > 0);
				strong = true;
				any = true;
				continue;
			} else if (t.t === 'id') {
				if (TYPE_KEYWORDS.has(t.text) || /^(?:__)?[us](?:8|16|32|64)$/.test(t.text) || t.text.endsWith('_t')) strong = true;
			} else return false;
			any = true;
			j++;
		}
		if (!any) return false;
		const next = this.tokens[j + 1];
		if (!next) return false;
		if (next.t !== 'op') return true;
		if (['(', '~', '!'].includes(next.text)) return true;
		return strong && ['-', '*', '&', '+'].includes(next.text);
	}

	unary(): Expr {
		this.enter();
		const t = this.peek();
		let result: Expr;
		if (t?.t === 'op' && ['!', '~', '-', '+', '*', '&'].includes(t.text)) {
			this.i++;
			result = { k: 'unary', op: t.text, operand: this.unary() };
		} else if (t?.t === 'op' && t.text === '(' && this.castAhead()) {
			const start = t.at;
			this.skipGroup();
			const end = (this.tokens[this.i - 1] as Token).at;
			result = { k: 'cast', type: this.text.slice(start + 1, end).trim(), operand: this.unary() };
		} else if (t?.t === 'id' && OPAQUE_OPERATORS.has(t.text)) {
			this.i++;
			// `sizeof(…)` is kept as text; `sizeof x` parses its operand and keeps only the name.
			const text = this.atOp('(') ? this.skipGroup() : (this.unary(), ' …');
			result = this.postfix({ k: 'opaque', what: t.text, text: `${t.text}${text}` });
		} else {
			result = this.postfix(this.primary());
		}
		this.depth--;
		return result;
	}

	/** Like binary chains, each postfix link (`->m`, `[i]`, `(…)`) counts as a level. */
	postfix(base: Expr): Expr {
		const outer = this.depth;
		let e = base;
		for (;;) {
			this.enter();
			if (this.atOp('->') || this.atOp('.')) {
				const arrow = this.atOp('->');
				this.i++;
				const name = this.peek();
				if (name?.t !== 'id') this.fail('a member name');
				this.i++;
				e = { k: 'member', base: e, name: name.text, arrow };
			} else if (this.atOp('[')) {
				this.i++;
				this.enter();
				const index = this.conditional();
				this.depth--;
				this.expectOp(']');
				e = { k: 'index', base: e, index };
			} else if (this.atOp('(')) {
				this.i++;
				const args: Expr[] = [];
				this.enter();
				if (!this.atOp(')')) {
					args.push(this.conditional());
					while (this.atOp(',')) {
						this.i++;
						args.push(this.conditional());
					}
				}
				this.depth--;
				this.expectOp(')');
				e = { k: 'call', callee: e, args };
			} else {
				this.depth = outer;
				return e;
			}
		}
	}

	primary(): Expr {
		const t = this.peek();
		if (!t) this.fail('an expression');
		if (t.t === 'num') {
			this.i++;
			return { k: 'num', value: integerLiteral(t.text), text: t.text };
		}
		if (t.t === 'char') {
			this.i++;
			return { k: 'num', value: BigInt(t.value), text: `'${String.fromCharCode(t.value)}'` };
		}
		if (t.t === 'str') {
			// Adjacent literals are one string ("a" "b" is "ab").
			let value = '';
			while (this.peek()?.t === 'str') value += (this.tokens[this.i++] as Token & { value: string }).value;
			return { k: 'str', value };
		}
		if (t.t === 'id') {
			this.i++;
			return { k: 'id', name: t.text };
		}
		if (t.text === '(' && this.atOp('{', 1)) return { k: 'opaque', what: 'statement expression', text: this.skipGroup() };
		if (t.text === '(') {
			this.i++;
			this.enter();
			const inner = this.conditional();
			this.depth--;
			this.expectOp(')');
			return inner;
		}
		if (t.text === '{') {
			this.i++;
			const items: Expr[] = [];
			this.enter();
			while (!this.atOp('}')) {
				items.push(this.conditional());
				if (!this.atOp(',')) break;
				this.i++;
			}
			this.depth--;
			this.expectOp('}');
			return { k: 'braces', items };
		}
		this.fail('an expression');
	}
}

/** One `%…` conversion of the format string. */
export interface Conversion {
	/** As written: `%d`, `%08lx`, `%pI4`, `%*ph`. */
	text: string;
	/** Where it starts in the format string (so a conversion right after another, `%s%s`, can be told apart). */
	at: number;
	/** The conversion letter: `d`, `u`, `x`, `s`, `p`, `c`… */
	letter: string;
	/** After `%p`: `S`, `I4`, `M`, `h`… (empty otherwise). */
	pointerExtension: string;
	/** Arguments it takes (a `*` width or precision takes one more). */
	takes: number;
}

/** The conversions of a printf format string, in order (`%%` is not one). */
export function conversions(format: string): Conversion[] {
	const out: Conversion[] = [];
	let i = 0;
	while (i < format.length) {
		if (format[i] !== '%') {
			i++;
			continue;
		}
		if (format[i + 1] === '%') {
			i += 2;
			continue;
		}
		const start = i++;
		let takes = 1;
		while (i < format.length && '-+ #0'.includes(format[i] as string)) i++;
		if (format[i] === '*') (takes++, i++);
		while (isDigit(format[i] ?? '')) i++;
		if (format[i] === '.') {
			i++;
			if (format[i] === '*') (takes++, i++);
			while (isDigit(format[i] ?? '')) i++;
		}
		while (i < format.length && 'hlLqjzt'.includes(format[i] as string)) i++;
		const letter = format[i] ?? '';
		i++;
		let pointerExtension = '';
		if (letter === 'p') {
			const from = i;
			while (i < format.length && isIdChar(format[i] as string)) i++;
			pointerExtension = format.slice(from, i);
		}
		out.push({ text: format.slice(start, i), at: start, letter, pointerExtension, takes });
	}
	return out;
}

export interface ParsedPrintFmt {
	/** The format string (the first argument), its escapes resolved. */
	format: string;
	conversions: Conversion[];
	/** The expressions after the format string. */
	args: Expr[];
}

/**
 * The format string at the start of the line. The kernel prints it as the TP_printk source had it, so it
 * may hold bare quotes (afs: `f=%x "%s""`) and line breaks (9p): it ends at the first quote followed by a
 * comma or the end of the line.
 */
function formatString(printFmt: string): { value: string; end: number } {
	const start = printFmt.length - printFmt.trimStart().length;
	if (start === printFmt.length) throw new PrintFmtError('the print fmt is empty: the kernel gives no way to print this event');
	if (printFmt[start] !== '"') throw new PrintFmtError('a print fmt starts with its format string in double quotes');
	for (let i = start + 1; i < printFmt.length; i++) {
		if (printFmt[i] === '\\') {
			i++;
			continue;
		}
		if (printFmt[i] !== '"') continue;
		let j = i + 1;
		while (printFmt[j] === ' ' || printFmt[j] === '\t' || printFmt[j] === '\n' || printFmt[j] === '\r') j++;
		if (j === printFmt.length || printFmt[j] === ',') {
			return { value: unescape(printFmt.slice(start + 1, i)), end: i + 1 };
		}
	}
	throw new PrintFmtError('the format string has no closing quote followed by "," or the end of the line');
}

/** Reads a print fmt line (without the `print fmt: ` prefix). Throws PrintFmtError for what is not a format string and C arguments. */
export function parsePrintFmt(printFmt: string): ParsedPrintFmt {
	if (printFmt.length > FORMAT_TEXT_MAX) throw new PrintFmtError(`print fmt is longer than ${FORMAT_TEXT_MAX} characters`);
	const { value: format, end } = formatString(printFmt);
	// Offsets in messages stay those of the whole line: the format string is blanked, not cut.
	const rest = ' '.repeat(end) + printFmt.slice(end);
	const tokens = tokenize(rest);
	const comma = tokens.shift();
	if (comma && !(comma.t === 'op' && comma.text === ',')) throw new PrintFmtError(`expected "," after the format string at offset ${comma.at}`);
	const args = comma ? new Parser(tokens, rest).arguments() : [];
	return { format, conversions: conversions(format), args };
}

/** An expression as C text (for messages and pages): normalised spacing, at most `max` characters. */
export function exprText(e: Expr, max = 160): string {
	const text = render(e);
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function render(e: Expr): string {
	switch (e.k) {
		case 'num':
			return e.text;
		case 'str':
			return JSON.stringify(e.value);
		case 'id':
			return e.name;
		case 'member':
			return `${render(e.base)}${e.arrow ? '->' : '.'}${e.name}`;
		case 'index':
			return `${render(e.base)}[${render(e.index)}]`;
		case 'call':
			return `${render(e.callee)}(${e.args.map(render).join(', ')})`;
		case 'cast':
			return `(${e.type})${render(e.operand)}`;
		case 'unary':
			return `${e.op}${render(e.operand)}`;
		case 'binary':
			return `(${render(e.left)} ${e.op} ${render(e.right)})`;
		case 'ternary':
			return `${render(e.test)} ? ${render(e.then)} : ${render(e.else)}`;
		case 'braces':
			return `{ ${e.items.map(render).join(', ')} }`;
		case 'opaque':
			return e.text.length > 40 ? `${e.text.slice(0, 39)}…` : e.text;
	}
}
