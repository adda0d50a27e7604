/**
 * A condition on one field's value, as a print fmt writes it to choose a piece of text
 * (`(REC->flags & ~3) && !(REC->flags & 3) ? "O_RDONLY|" : ""`): kept only when its result does not
 * depend on the field's C type, so a loader holding the value as a 64-bit unsigned number (sign-extended
 * from a signed member) gets the kernel's answer. That is bit tests, equality and logic on the value and
 * integer constants; a comparison (`<` is signed or not by type), a shift of the value, a cast of it,
 * arithmetic or a name are refused with the reason.
 */
import { evaluateConstant } from './evaluate.ts';
import { exprText, type Expr } from './parse.ts';

export type ConditionOp = '&' | '|' | '^' | '&&' | '||' | '==' | '!=';
const OPS = new Set<string>(['&', '|', '^', '&&', '||', '==', '!=']);

export type Condition =
	/** The field's value. */
	| { k: 'value' }
	/** An integer constant, folded from the print fmt's constant arithmetic (64-bit unsigned, as evaluate.ts). */
	| { k: 'const'; value: bigint }
	| { k: 'not'; operand: Condition }
	| { k: 'complement'; operand: Condition }
	| { k: 'binary'; op: ConditionOp; left: Condition; right: Condition };

/** Whether `e` names `REC->field` itself (no cast: a narrowing cast would change the bits tested). */
const isField = (e: Expr, field: string) => e.k === 'member' && e.arrow && e.base.k === 'id' && e.base.name === 'REC' && e.name === field;

const num = (value: bigint): Expr => ({ k: 'num', value, text: String(value) });
/** Folds an operator over constants with evaluate.ts's arithmetic (the operands are already values: O(1)). */
function fold(e: Expr): Condition | string {
	const folded = evaluateConstant(e);
	return folded.ok ? { k: 'const', value: folded.value } : folded.reason;
}

/**
 * `e` as a condition on REC->`field`, or why it is not one. Built bottom-up in one pass (constant parts
 * folded as they close), so a mutated line of any size costs linear time; depth is bounded by the parser's.
 */
export function fieldCondition(e: Expr, field: string): Condition | string {
	if (isField(e, field)) return { k: 'value' };
	switch (e.k) {
		case 'num':
		case 'id':
		case 'opaque':
			return fold(e);
		case 'unary': {
			const operand = fieldCondition(e.operand, field);
			if (typeof operand === 'string') return operand;
			if (operand.k === 'const') return fold({ k: 'unary', op: e.op, operand: num(operand.value) });
			if (e.op !== '!' && e.op !== '~') return `${e.op} of the value (its result depends on the field's type)`;
			return { k: e.op === '!' ? 'not' : 'complement', operand };
		}
		case 'binary': {
			const left = fieldCondition(e.left, field);
			if (typeof left === 'string') return left;
			const right = fieldCondition(e.right, field);
			if (typeof right === 'string') return right;
			if (left.k === 'const' && right.k === 'const') return fold({ k: 'binary', op: e.op, left: num(left.value), right: num(right.value) });
			if (!OPS.has(e.op)) return `${e.op} on the value (its result depends on the field's type)`;
			return { k: 'binary', op: e.op as ConditionOp, left, right };
		}
		case 'cast': {
			const operand = fieldCondition(e.operand, field);
			if (typeof operand === 'string') return operand;
			if (operand.k === 'const') return fold({ k: 'cast', type: e.type, operand: num(operand.value) });
			return `a cast to ${e.type} of the value`;
		}
		case 'ternary': {
			const parts = [e.test, e.then, e.else].map((x) => fieldCondition(x, field));
			const bad = parts.find((p) => typeof p === 'string');
			if (bad !== undefined) return bad;
			const [test, then, otherwise] = parts as Condition[];
			if (test?.k === 'const' && then?.k === 'const' && otherwise?.k === 'const') return test.value !== 0n ? then : otherwise;
			return 'a condition inside the condition';
		}
		default:
			return `${exprText(e, 60)} is neither REC->${field} nor an integer constant`;
	}
}
