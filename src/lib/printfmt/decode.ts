/**
 * What each field of an event should look like to a person, as the kernel's own print fmt says:
 * a flags table with its delimiter (`prev_state=S|D`), a symbolic table (`vec=NET_RX`), a hex dump, an
 * array, a string. A field gets such a decoder only from *its kernel's* print fmt; otherwise it stays
 * raw and says why: printed as a plain number, not printed, or printed through an expression this
 * reader does not take apart (each such expression is listed with a category, never dropped silently).
 */
import type { EventFormat } from '../../schemas/snapshot.ts';
import { fieldCondition, type Condition } from './condition.ts';
import { evaluateConstant } from './evaluate.ts';
import { exprText, parsePrintFmt, PrintFmtError, type Conversion, type Expr } from './parse.ts';

export interface TableEntry {
	/** The value as the kernel's table holds it: unsigned long (a negative constant wraps). */
	value: bigint;
	name: string;
}

/**
 * Text the print fmt prints right against a field's names, chosen by a condition on that field: a `%s`
 * of its own next to the names' `%s` (7.2's openat prints `O_RDONLY|` before the other flags when the
 * access mode bits are 0, sched_switch prints `+` after a preempted task's state).
 */
export interface Affix {
	test: Condition;
	/** Printed when the condition holds (`then`) and when it does not (`else`). */
	then: string;
	else: string;
}

/** Affixes of a flags or symbolic decoder, in print order; absent when the print fmt has none. */
interface Affixes {
	before?: Affix[];
	after?: Affix[];
}

export type FieldDecoder =
	| ({
			kind: 'flags';
			field: string;
			delimiter: string;
			entries: TableEntry[];
			/** Bits the print fmt keeps before decoding (`REC->prev_state & 0xff`); null for all. */
			mask: bigint | null;
			/** Text printed when the (masked) value is 0 (`"R"` for a running task's prev_state); null when 0 prints nothing. */
			zeroName: string | null;
	  } & Affixes)
	| ({ kind: 'symbolic'; field: string; entries: TableEntry[] } & Affixes)
	/** `__print_hex` (bytes apart) or `__print_hex_str` (bytes together). */
	| { kind: 'hex'; field: string; spaced: boolean }
	| { kind: 'array'; field: string; elementSize: number | null }
	| { kind: 'string'; field: string };

export type DecoderKind = FieldDecoder['kind'];
export const DECODER_KINDS: readonly DecoderKind[] = ['flags', 'symbolic', 'hex', 'array', 'string'];

/** Why an argument expression gave no decoder. */
export type UnreadCategory =
	/** The print fmt line is not a format string and C arguments. */
	| 'syntax'
	/** A `__print_*` table's value (or its value expression) is not taken from one field: a bit-field extract, several fields, a call. */
	| 'computed-value'
	/** A table entry whose value is not an integer constant (an enum the kernel did not export), or whose name is not a string. */
	| 'table-entry'
	/** Text chosen by a condition on a field (`REC->x ? "+" : ""`): shown by the generator as the field's value. */
	| 'conditional-text'
	/** Arithmetic on fields printed as a number (`REC->dev >> 20`): the generator prints the field itself. */
	| 'arithmetic'
	/** A helper this reader does not turn into a decoder (`__get_sockaddr`, `__get_bitmask`, `__print_hex_dump`, a kernel function). */
	| 'helper'
	/** `REC->name` of a name that is not one of the event's fields. */
	| 'unknown-field';

export const UNREAD_CATEGORIES: Record<UnreadCategory, string> = {
	syntax: 'the print fmt is not a format string and C arguments',
	'computed-value': 'the table decodes a value computed from fields, not one field',
	'table-entry': 'a table entry is not an integer constant and a string',
	'conditional-text': 'text chosen by a condition on a field',
	arithmetic: 'arithmetic on fields, printed as a number',
	helper: 'a helper that is not a flags/symbolic/hex/array/string decoder',
	'unknown-field': 'REC-> names something that is not a field of the event',
};

/** What kind of conditional text was left unread (the report counts them apart). */
export type ConditionalTextKind =
	/** `REC->x ? "a" : "b"` is how the field is shown: the loader prints its number (and true/false for a bool). */
	| 'own-text'
	/** The condition tests several fields, or none. */
	| 'several-fields'
	/** The condition is not bit tests, equality and logic on the field (a comparison, a shift, a cast, an enum name). */
	| 'condition'
	/** A branch is not a string literal: a table used for some values only, a number, nested conditions. */
	| 'mixed';

export const CONDITIONAL_TEXT_KINDS: Record<ConditionalTextKind, string> = {
	'own-text': "the text is how the field is shown (no decoded value of it beside): the loader prints the field's value",
	'several-fields': 'the condition tests several fields, or none',
	condition: "the condition's result depends on the field's C type or on names the kernel did not export",
	mixed: 'a branch is not a string literal: a table used for some values only, a number, nested conditions',
};

export interface Unread {
	/** Index of the argument after the format string; -1 for the whole line. */
	argument: number;
	/** The event's fields the expression reads. */
	fields: string[];
	category: UnreadCategory;
	/** For 'conditional-text': which kind. */
	textKind?: ConditionalTextKind;
	/** What exactly could not be read. */
	detail: string;
	/** The expression, shortened. */
	expression: string;
}

/** Why a field has no decoder. */
export type RawReason =
	/** Printed as it is, with this conversion (`%d`, `0x%08lx`, `%pS`). */
	| { why: 'plain'; conversion: string }
	| { why: 'not-printed' }
	/** Only printed through expressions listed in `unread`. */
	| { why: 'unread'; categories: UnreadCategory[] };

export interface EventDecoding {
	/** Decoders by field name, in the order of the event's fields. */
	decoders: Map<string, FieldDecoder>;
	/** Every field without a decoder, and why. */
	raw: Map<string, RawReason>;
	unread: Unread[];
}

const DECODER_HELPERS = new Set(['__print_flags', '__print_flags_u64', '__print_symbolic', '__print_symbolic_u64', '__print_hex', '__print_hex_str', '__print_array', '__get_str', '__get_rel_str']);
/** Helpers that only locate a field's bytes: printing them prints the field. */
const LOCATORS = new Set(['__get_dynamic_array', '__get_rel_dynamic_array', '__get_dynamic_array_len', '__get_rel_dynamic_array_len', '__get_str', '__get_rel_str']);

const stripCasts = (e: Expr): Expr => {
	let x = e;
	while (x.k === 'cast') x = x.operand;
	return x;
};

/** `REC->name` (through casts), or null. */
function recField(e: Expr): string | null {
	const x = stripCasts(e);
	return x.k === 'member' && x.arrow && x.base.k === 'id' && x.base.name === 'REC' ? x.name : null;
}

/** The field whose part `REC->name.member` or `REC->name[i]` is (a struct or array field printed piece by piece). */
function partOfField(e: Expr): string | null {
	let x = stripCasts(e);
	while ((x.k === 'member' && !x.arrow) || x.k === 'index') x = stripCasts(x.base);
	return x === stripCasts(e) ? null : recField(x);
}

/** The field a locator helper names (`__get_dynamic_array(name)`), or `REC->name` itself. */
function locatedField(e: Expr): string | null {
	const x = stripCasts(e);
	if (x.k === 'call' && x.callee.k === 'id' && LOCATORS.has(x.callee.name) && x.args.length === 1) {
		const arg = stripCasts(x.args[0] as Expr);
		return arg.k === 'id' ? arg.name : recField(arg);
	}
	return recField(x);
}

/** Every field an expression reads, by `REC->name` or a locator helper; iterative, so any depth is fine. */
function fieldsRead(root: Expr): string[] {
	const found = new Set<string>();
	const stack: Expr[] = [root];
	while (stack.length > 0) {
		const e = stack.pop() as Expr;
		const located = locatedField(e);
		if (located !== null) {
			found.add(located);
			continue;
		}
		switch (e.k) {
			case 'member':
				stack.push(e.base);
				break;
			case 'index':
				stack.push(e.base, e.index);
				break;
			case 'call':
				stack.push(e.callee, ...e.args);
				break;
			case 'cast':
			case 'unary':
				stack.push(e.operand);
				break;
			case 'binary':
				stack.push(e.left, e.right);
				break;
			case 'ternary':
				stack.push(e.test, e.then, e.else);
				break;
			case 'braces':
				stack.push(...e.items);
				break;
		}
	}
	return [...found];
}

/** Structural equality of two expressions, casts ignored (the test of `x ? __print_flags(x, …) : "R"`). */
function sameExpr(a: Expr, b: Expr, depth = 0): boolean {
	const x = stripCasts(a);
	const y = stripCasts(b);
	if (depth > 64 || x.k !== y.k) return false;
	switch (x.k) {
		case 'num':
			return x.value !== null && x.value === (y as typeof x).value;
		case 'member':
			return x.name === (y as typeof x).name && x.arrow === (y as typeof x).arrow && sameExpr(x.base, (y as typeof x).base, depth + 1);
		case 'id':
			return x.name === (y as typeof x).name;
		case 'binary':
			return x.op === (y as typeof x).op && sameExpr(x.left, (y as typeof x).left, depth + 1) && sameExpr(x.right, (y as typeof x).right, depth + 1);
		case 'unary':
			return x.op === (y as typeof x).op && sameExpr(x.operand, (y as typeof x).operand, depth + 1);
		default:
			return false;
	}
}

type Problem = Omit<Unread, 'argument' | 'expression'>;
/** One argument: a decoder (with the table entries it could not read), a field printed as it is, or why not. */
type Outcome = { decoder: FieldDecoder; problems: Problem[] } | { plain: string } | { unread: Problem; affix?: FieldAffix };

/** Conditional text that tests one field the way a loader can test it: a candidate affix of that field. */
interface FieldAffix {
	field: string;
	affix: Affix;
}

/** `test ? "a" : "b"`: an affix candidate, or the kind of conditional text it is and why it is not one. */
function conditionalText(x: Extract<Expr, { k: 'ternary' }>): FieldAffix | { kind: ConditionalTextKind; detail: string } {
	const then = stripCasts(x.then);
	const otherwise = stripCasts(x.else);
	const test = exprText(x.test, 60);
	if (then.k !== 'str' || otherwise.k !== 'str') return { kind: 'mixed', detail: `text or a value chosen by ${test}` };
	const fields = fieldsRead(x.test);
	if (fields.length !== 1) return { kind: 'several-fields', detail: `text chosen by ${test}, which tests ${fields.length === 0 ? 'no field' : fields.map((f) => `REC->${f}`).join(', ')}` };
	const field = fields[0] as string;
	const condition = fieldCondition(x.test, field);
	if (typeof condition === 'string') return { kind: 'condition', detail: `text chosen by ${test}: ${condition}` };
	return { field, affix: { test: condition, then: then.value, else: otherwise.value } };
}

const unread = (category: UnreadCategory, fields: string[], detail: string): Outcome => ({ unread: { category, fields, detail } });

/** The value a flags or symbolic table decodes: one field, possibly masked with a constant. */
function tableValue(e: Expr): { field: string; mask: bigint | null } | string {
	const field = recField(e);
	if (field !== null) return { field, mask: null };
	const x = stripCasts(e);
	if (x.k === 'binary' && x.op === '&') {
		for (const [f, m] of [
			[x.left, x.right],
			[x.right, x.left],
		] as const) {
			const name = recField(f);
			const mask = evaluateConstant(m);
			if (name !== null && mask.ok) return { field: name, mask: mask.value };
			if (name !== null && !mask.ok) return `the mask of REC->${name} is not a constant: ${mask.reason}`;
		}
	}
	return `${exprText(e, 80)} is not one field (nor one field & a constant mask)`;
}

function tableEntries(items: Expr[], fields: string[]): { entries: TableEntry[]; problems: Problem[] } {
	const entries: TableEntry[] = [];
	const problems: Problem[] = [];
	for (const item of items) {
		if (item.k !== 'braces' || item.items.length !== 2) {
			problems.push({ category: 'table-entry', fields, detail: `${exprText(item, 60)} is not a { value, "NAME" } entry` });
			continue;
		}
		const [valueExpr, nameExpr] = item.items as [Expr, Expr];
		const value = evaluateConstant(valueExpr);
		if (!value.ok) problems.push({ category: 'table-entry', fields, detail: `entry ${exprText(nameExpr, 40)}: ${value.reason}` });
		else if (nameExpr.k !== 'str') problems.push({ category: 'table-entry', fields, detail: `entry ${exprText(valueExpr, 40)}: its name ${exprText(nameExpr, 40)} is not a string` });
		else entries.push({ value: value.value, name: nameExpr.value });
	}
	return { entries, problems };
}

/** `__print_flags`/`__print_symbolic` and their `_u64` forms. */
function tableDecoder(helper: string, args: Expr[]): Outcome {
	const flags = helper.startsWith('__print_flags');
	const [valueExpr, delimiterExpr] = args;
	const fields = valueExpr ? fieldsRead(valueExpr) : [];
	if (!valueExpr) return unread('computed-value', fields, `${helper} without arguments`);
	const value = tableValue(valueExpr);
	if (typeof value === 'string') return unread('computed-value', fields, value);
	let delimiter = '';
	if (flags) {
		if (delimiterExpr?.k !== 'str') return unread('table-entry', fields, `${helper}'s delimiter is not a string`);
		delimiter = delimiterExpr.value;
	}
	const { entries, problems } = tableEntries(args.slice(flags ? 2 : 1), [value.field]);
	if (entries.length === 0) return { unread: problems[0] ?? { category: 'table-entry', fields, detail: `${helper} has an empty table` } };
	const decoder: FieldDecoder = flags ? { kind: 'flags', field: value.field, delimiter, entries, mask: value.mask, zeroName: null } : { kind: 'symbolic', field: value.field, entries };
	if (!flags && value.mask !== null) return unread('computed-value', fields, `${helper} decodes REC->${value.field} & a mask; only flags tables are masked here`);
	return { decoder, problems };
}

function analyse(arg: Expr): Outcome {
	const x = stripCasts(arg);
	const plain = locatedField(x) ?? partOfField(x);
	if (plain !== null && !(x.k === 'call' && x.callee.k === 'id' && DECODER_HELPERS.has(x.callee.name))) return { plain };
	if (x.k === 'call' && x.callee.k === 'id') {
		const helper = x.callee.name;
		const args = x.args;
		if (helper.startsWith('__print_flags') || helper.startsWith('__print_symbolic')) return tableDecoder(helper, args);
		if (helper === '__get_str' || helper === '__get_rel_str') return { decoder: { kind: 'string', field: plain as string }, problems: [] };
		if (helper === '__print_hex' || helper === '__print_hex_str' || helper === '__print_array') {
			const field = args[0] ? locatedField(args[0]) : null;
			if (field === null) return unread('computed-value', args[0] ? fieldsRead(args[0]) : [], `${helper} of ${args[0] ? exprText(args[0], 60) : 'nothing'}, not of a field`);
			if (helper !== '__print_array') return { decoder: { kind: 'hex', field, spaced: helper === '__print_hex' }, problems: [] };
			const size = args[2] ? evaluateConstant(args[2]) : null;
			return { decoder: { kind: 'array', field, elementSize: size?.ok && size.value > 0n && size.value <= 8n ? Number(size.value) : null }, problems: [] };
		}
		const fields = fieldsRead(x);
		return unread('helper', fields, `${helper}(…) is not a flags/symbolic/hex/array/string helper`);
	}
	if (x.k === 'ternary') {
		const then = stripCasts(x.then);
		const otherwise = stripCasts(x.else);
		const inner = then.k === 'call' ? analyse(then) : null;
		if (inner && 'decoder' in inner && (inner.decoder.kind === 'flags' || inner.decoder.kind === 'symbolic') && otherwise.k === 'str') {
			const d = inner.decoder;
			const value = then.k === 'call' ? then.args[0] : undefined;
			const testsValue = (value && sameExpr(x.test, value)) || recField(x.test) === d.field;
			if (testsValue) {
				const decoder: FieldDecoder =
					d.kind === 'flags'
						? { ...d, zeroName: otherwise.value }
						: { ...d, entries: d.entries.some((e) => e.value === 0n) ? d.entries : [{ value: 0n, name: otherwise.value }, ...d.entries] };
				return { decoder, problems: inner.problems };
			}
		}
		const fields = fieldsRead(x);
		if (then.k === 'str' || otherwise.k === 'str') {
			const text = conditionalText(x);
			if ('affix' in text) return { unread: { category: 'conditional-text', textKind: 'own-text', fields, detail: `text chosen by ${exprText(x.test, 60)}` }, affix: text };
			return { unread: { category: 'conditional-text', textKind: text.kind, fields, detail: text.detail } };
		}
		return unread('arithmetic', fields, 'a conditional value');
	}
	const fields = fieldsRead(x);
	const call = findCall(x);
	if (call) return unread('helper', fields, `${call}(…) inside ${exprText(x, 60)}`);
	return unread('arithmetic', fields, `computed from ${fields.length > 0 ? fields.map((f) => `REC->${f}`).join(', ') : 'no field'}`);
}

/** The first function called inside an expression (a locator does not count), iteratively. */
function findCall(root: Expr): string | null {
	const stack: Expr[] = [root];
	while (stack.length > 0) {
		const e = stack.pop() as Expr;
		if (e.k === 'call' && e.callee.k === 'id' && !LOCATORS.has(e.callee.name)) return e.callee.name;
		if (e.k === 'call') stack.push(...e.args);
		else if (e.k === 'cast' || e.k === 'unary') stack.push(e.operand);
		else if (e.k === 'binary') stack.push(e.left, e.right);
		else if (e.k === 'ternary') stack.push(e.test, e.then, e.else);
		else if (e.k === 'member') stack.push(e.base);
		else if (e.k === 'index') stack.push(e.base, e.index);
	}
	return null;
}

/** The index of the conversion that prints argument `index`, skipping `*` widths (-1 for a width, or past the last). */
function conversionIndexOf(conversions: Conversion[], index: number): number {
	let at = 0;
	for (const [i, c] of conversions.entries()) {
		if (index < at + c.takes) return index === at + c.takes - 1 ? i : -1;
		at += c.takes;
	}
	return -1;
}

const conversionOf = (conversions: Conversion[], index: number): Conversion | null => conversions[conversionIndexOf(conversions, index)] ?? null;

/**
 * Conditional texts printed right against a field's decoded names: each a plain `%s` with nothing between
 * it and the next, running up to the names' own `%s` (`flags: %s%s` of openat, `prev_state=%s%s` of
 * sched_switch). They become the decoder's `before` and `after`; returns the arguments they take.
 */
function attachAffixes(outcomes: Outcome[], conversions: Conversion[]): Set<number> {
	const taken = new Set<number>();
	const byArgument = outcomes.map((_, argument) => conversionIndexOf(conversions, argument));
	const argumentOf = new Map(byArgument.map((c, argument) => [c, argument]));
	const isPlainS = (c: number) => conversions[c]?.text === '%s';
	const touching = (c: number) => {
		const a = conversions[c] as Conversion;
		return conversions[c + 1]?.at === a.at + a.text.length;
	};
	const affixOf = (c: number, field: string): Affix | null => {
		const argument = argumentOf.get(c);
		const o = argument === undefined ? undefined : outcomes[argument];
		return o && 'affix' in o && o.affix?.field === field && isPlainS(c) && !taken.has(argument as number) ? o.affix.affix : null;
	};
	const seen = new Set<string>();
	for (const [argument, outcome] of outcomes.entries()) {
		if (!('decoder' in outcome) || (outcome.decoder.kind !== 'flags' && outcome.decoder.kind !== 'symbolic')) continue;
		const decoder = outcome.decoder;
		const c = byArgument[argument] as number;
		// Only the decoder the field keeps (its first), and only when its names are printed by a plain %s.
		if (seen.has(decoder.field) || !isPlainS(c)) continue;
		seen.add(decoder.field);
		const before: Affix[] = [];
		for (let b = c - 1; b >= 0 && touching(b); b--) {
			const affix = affixOf(b, decoder.field);
			if (!affix) break;
			before.unshift(affix);
			taken.add(argumentOf.get(b) as number);
		}
		const after: Affix[] = [];
		for (let a = c + 1; a < conversions.length && touching(a - 1); a++) {
			const affix = affixOf(a, decoder.field);
			if (!affix) break;
			after.push(affix);
			taken.add(argumentOf.get(a) as number);
		}
		if (before.length > 0 || after.length > 0) outcome.decoder = { ...decoder, ...(before.length > 0 ? { before } : {}), ...(after.length > 0 ? { after } : {}) };
	}
	return taken;
}

/** Every field's decoder, or why it has none, from the event's own print fmt. Never throws for bad input. */
export function decodeEvent(format: Pick<EventFormat, 'commonFields' | 'fields' | 'printFmt'>): EventDecoding {
	const names = new Set(format.fields.map((f) => f.name));
	// The common header is readable too (`REC->common_flags`, or `REC->ent.pid` through the struct's first member).
	const known = new Set([...names, ...format.commonFields.map((f) => f.name), 'ent']);
	const decoders = new Map<string, FieldDecoder>();
	const plain = new Map<string, string>();
	const unreadList: Unread[] = [];
	let parsed: ReturnType<typeof parsePrintFmt> | null = null;
	try {
		parsed = parsePrintFmt(format.printFmt);
	} catch (error) {
		if (!(error instanceof PrintFmtError)) throw error;
		unreadList.push({ argument: -1, fields: [...names], category: 'syntax', detail: error.message, expression: format.printFmt.slice(0, 80) });
	}
	const args = parsed?.args ?? [];
	const outcomes = args.map(analyse);
	const affixes = attachAffixes(outcomes, parsed?.conversions ?? []);
	for (const [argument, arg] of args.entries()) {
		if (affixes.has(argument)) continue;
		const expression = exprText(arg);
		const outcome = outcomes[argument] as Outcome;
		const note = (u: Problem) => unreadList.push({ ...u, argument, expression });
		if ('plain' in outcome) {
			if (!known.has(outcome.plain)) note({ category: 'unknown-field', fields: [], detail: `${outcome.plain} is not a field of this event` });
			else if (!plain.has(outcome.plain)) plain.set(outcome.plain, conversionOf(parsed?.conversions ?? [], argument)?.text ?? '?');
		} else if ('unread' in outcome) {
			const unknown = outcome.unread.fields.filter((f) => !known.has(f));
			if (unknown.length > 0) note({ category: 'unknown-field', fields: [], detail: `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of this event` });
			else note(outcome.unread);
		} else if (!known.has(outcome.decoder.field)) {
			note({ category: 'unknown-field', fields: [], detail: `${outcome.decoder.field} is not a field of this event` });
		} else {
			outcome.problems.forEach(note);
			if (!decoders.has(outcome.decoder.field)) decoders.set(outcome.decoder.field, outcome.decoder);
		}
	}
	const ordered = new Map<string, FieldDecoder>();
	const raw = new Map<string, RawReason>();
	for (const { name } of format.fields) {
		const decoder = decoders.get(name);
		if (decoder) ordered.set(name, decoder);
		else if (plain.has(name)) raw.set(name, { why: 'plain', conversion: plain.get(name) as string });
		else {
			const categories = [...new Set(unreadList.filter((u) => u.fields.includes(name)).map((u) => u.category))];
			raw.set(name, categories.length > 0 ? { why: 'unread', categories } : { why: 'not-printed' });
		}
	}
	return { decoders: ordered, raw, unread: unreadList };
}
