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

/** Whether `e` reads any `REC->…` (iteratively). */
function readsRecord(root: Expr): boolean {
	const stack: Expr[] = [root];
	while (stack.length > 0) {
		const e = stack.pop() as Expr;
		if (e.k === 'id' && e.name === 'REC') return true;
		if (e.k === 'member') stack.push(e.base);
		else if (e.k === 'index') stack.push(e.base, e.index);
		else if (e.k === 'call') stack.push(e.callee, ...e.args);
		else if (e.k === 'cast' || e.k === 'unary') stack.push(e.operand);
		else if (e.k === 'binary') stack.push(e.left, e.right);
		else if (e.k === 'ternary') stack.push(e.test, e.then, e.else);
		else if (e.k === 'braces') stack.push(...e.items);
	}
	return false;
}

/** `e` as a condition on REC->`field`, or why it is not one. Recursion depth is bounded by the parser's. */
export function fieldCondition(e: Expr, field: string): Condition | string {
	if (isField(e, field)) return { k: 'value' };
	const constant = evaluateConstant(e);
	if (constant.ok) return { k: 'const', value: constant.value };
	if (!readsRecord(e)) return constant.reason;
	switch (e.k) {
		case 'unary': {
			if (e.op !== '!' && e.op !== '~') return `${e.op} of the value (its result depends on the field's type)`;
			const operand = fieldCondition(e.operand, field);
			if (typeof operand === 'string') return operand;
			return { k: e.op === '!' ? 'not' : 'complement', operand };
		}
		case 'binary': {
			if (!OPS.has(e.op)) return `${e.op} on the value (its result depends on the field's type)`;
			const left = fieldCondition(e.left, field);
			if (typeof left === 'string') return left;
			const right = fieldCondition(e.right, field);
			if (typeof right === 'string') return right;
			return { k: 'binary', op: e.op as ConditionOp, left, right };
		}
		case 'cast':
			return `a cast to ${e.type} of the value`;
		default:
			return `${exprText(e, 60)} is neither REC->${field} nor an integer constant`;
	}
}
