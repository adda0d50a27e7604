/**
 * Integer constant expressions of a print fmt table (`0x01|0x02`, `(1UL << 3)`, `((((1UL))) << (5))`),
 * evaluated as 64-bit unsigned arithmetic: the kernel's tables hold unsigned long (and `~0UL >> n`, its
 * GENMASK, needs an unsigned shift); a negative value wraps as it does in such a table.
 * Only literals, parentheses, casts to integer types and integer operators: anything else (a name,
 * `sizeof`, a call, a shift by 64 or more, a division by zero) is not a constant, with the reason.
 */
import { exprText, type Expr } from './parse.ts';

const U64 = (1n << 64n) - 1n;
const wrap = (v: bigint) => v & U64;

export type Constant = { ok: true; value: bigint } | { ok: false; reason: string };

/** Bit widths of integer cast types; a cast to any other type is not a constant. */
function castWidth(type: string): { bits: bigint; signed: boolean } | null {
	const t = type.replace(/\b(?:const|volatile)\b/g, '').replace(/\s+/g, ' ').trim();
	if (/^(?:__)?u8$|^unsigned char$/.test(t)) return { bits: 8n, signed: false };
	if (/^(?:__)?s8$|^(?:signed )?char$/.test(t)) return { bits: 8n, signed: true };
	if (/^(?:__)?u16$|^unsigned short(?: int)?$/.test(t)) return { bits: 16n, signed: false };
	if (/^(?:__)?s16$|^(?:signed )?short(?: int)?$/.test(t)) return { bits: 16n, signed: true };
	if (/^(?:__)?u32$|^unsigned(?: int)?$/.test(t)) return { bits: 32n, signed: false };
	if (/^(?:__)?s32$|^(?:signed )?int$|^signed$/.test(t)) return { bits: 32n, signed: true };
	if (/^(?:__)?u64$|^unsigned long(?: long)?(?: int)?$|^size_t$|^uintptr_t$/.test(t)) return { bits: 64n, signed: false };
	if (/^(?:__)?s64$|^(?:signed )?long(?: long)?(?: int)?$|^ssize_t$|^gfp_t$/.test(t)) return { bits: 64n, signed: true };
	return null;
}

const no = (reason: string): Constant => ({ ok: false, reason });

/** The value of `e` if it is an integer constant expression. */
export function evaluateConstant(e: Expr): Constant {
	switch (e.k) {
		case 'num':
			return e.value === null ? no(`${e.text} is not an integer literal`) : { ok: true, value: wrap(e.value) };
		case 'cast': {
			const width = castWidth(e.type);
			if (!width) return no(`a cast to ${e.type} is not an integer cast`);
			const inner = evaluateConstant(e.operand);
			if (!inner.ok) return inner;
			const bits = inner.value & ((1n << width.bits) - 1n);
			return { ok: true, value: wrap(width.signed ? BigInt.asIntN(Number(width.bits), bits) : bits) };
		}
		case 'unary': {
			const inner = evaluateConstant(e.operand);
			if (!inner.ok) return inner;
			const v = inner.value;
			if (e.op === '-') return { ok: true, value: wrap(-v) };
			if (e.op === '+') return inner;
			if (e.op === '~') return { ok: true, value: wrap(~v) };
			if (e.op === '!') return { ok: true, value: v === 0n ? 1n : 0n };
			return no(`${e.op} is not an integer operator`);
		}
		case 'binary': {
			const left = evaluateConstant(e.left);
			if (!left.ok) return left;
			// && and || short-circuit as in C, so `0 && x` is a constant whatever x is.
			if (e.op === '&&' && left.value === 0n) return { ok: true, value: 0n };
			if (e.op === '||' && left.value !== 0n) return { ok: true, value: 1n };
			if (e.op === '?:' && left.value !== 0n) return left;
			const right = evaluateConstant(e.right);
			if (!right.ok) return right;
			return binary(e.op, left.value, right.value);
		}
		case 'ternary': {
			const test = evaluateConstant(e.test);
			if (!test.ok) return test;
			return evaluateConstant(test.value !== 0n ? e.then : e.else);
		}
		case 'id':
			return no(`${e.name} is a name, not a number (an enum the kernel did not export with TRACE_DEFINE_ENUM, or a macro)`);
		case 'opaque':
			return no(`${e.what} is not evaluated`);
		default:
			return no(`${exprText(e, 60)} is not an integer constant`);
	}
}

function binary(op: string, a: bigint, b: bigint): Constant {
	const ok = (value: bigint): Constant => ({ ok: true, value: wrap(value) });
	const bool = (value: boolean): Constant => ({ ok: true, value: value ? 1n : 0n });
	switch (op) {
		case '?:':
			return ok(b); // `a ?: b` with a = 0
		case '+':
			return ok(a + b);
		case '-':
			return ok(a - b);
		case '*':
			return ok(a * b);
		case '/':
		case '%':
			if (b === 0n) return no('division by zero');
			return ok(op === '/' ? a / b : a % b);
		case '<<':
		case '>>':
			if (b >= 64n) return no(`a shift by ${b} bits`);
			return ok(op === '<<' ? a << b : a >> b);
		case '&':
			return ok(a & b);
		case '|':
			return ok(a | b);
		case '^':
			return ok(a ^ b);
		case '==':
			return bool(a === b);
		case '!=':
			return bool(a !== b);
		case '<':
			return bool(a < b);
		case '>':
			return bool(a > b);
		case '<=':
			return bool(a <= b);
		case '>=':
			return bool(a >= b);
		case '&&':
			return bool(a !== 0n && b !== 0n);
		case '||':
			return bool(a !== 0n || b !== 0n);
		default:
			return no(`${op} is not an integer operator`);
	}
}
