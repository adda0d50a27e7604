/**
 * The code a built script holds for one feature, found by parsing it: around each node a predicate
 * picks (the feature's storage key, an import of its chunk, one of its strings), the smallest
 * enclosing unit — a statement, one expression of a comma sequence, a declarator, an object
 * property, an array element — so the figure is the code that would go with the feature, not a
 * guess at it. For `npm run bench` (the weight the my-kernel feature adds to other pages).
 */
import { parse } from '@babel/parser';

export interface SyntaxNode {
	type: string;
	start: number;
	end: number;
	[key: string]: unknown;
}

const isNode = (value: unknown): value is SyntaxNode => typeof value === 'object' && value !== null && typeof (value as SyntaxNode).type === 'string';
const isStatement = (node: SyntaxNode) => (/Statement$|Declaration$/.test(node.type) && node.type !== 'BlockStatement') || node.type === 'VariableDeclarator' || node.type === 'ObjectProperty' || node.type === 'ObjectMethod';

/** The [start, end) character ranges of the units holding a picked node, merged where they overlap. */
export function featureRanges(code: string, picks: (node: SyntaxNode) => boolean): [number, number][] {
	const program = parse(code, { sourceType: 'module' }).program as unknown as SyntaxNode;
	const found: [number, number][] = [];
	const walk = (node: SyntaxNode, unit: SyntaxNode | null, asElement: boolean) => {
		const own = asElement || isStatement(node) ? node : unit;
		if (picks(node)) {
			if (own) found.push([own.start, own.end]);
			return;
		}
		for (const [key, value] of Object.entries(node)) {
			if (Array.isArray(value)) {
				// Each expression of `a,b,c` and each element of `[a,b]` stands on its own.
				const elements = (node.type === 'SequenceExpression' && key === 'expressions') || (node.type === 'ArrayExpression' && key === 'elements');
				for (const child of value) if (isNode(child)) walk(child, own, elements);
			} else if (isNode(value) && key !== 'loc') {
				walk(value, own, false);
			}
		}
	};
	walk(program, null, false);
	found.sort((a, b) => a[0] - b[0]);
	const merged: [number, number][] = [];
	for (const [start, end] of found) {
		const last = merged.at(-1);
		if (last && start <= last[1]) last[1] = Math.max(last[1], end);
		else merged.push([start, end]);
	}
	return merged;
}

/** The text of a string or template piece, or of an identifier or property name. */
export function nodeText(node: SyntaxNode): string | null {
	if (node.type === 'StringLiteral') return node.value as string;
	if (node.type === 'TemplateElement') return (node.value as { cooked?: string; raw: string }).cooked ?? (node.value as { raw: string }).raw;
	if (node.type === 'Identifier') return node.name as string;
	return null;
}
