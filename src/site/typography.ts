/**
 * Line breaking the browser cannot know about. Chinese text must not start a line with 的 (the
 * space before it, next to a Latin word, is a break opportunity) and "第 1 步" is one word: both
 * get no-break spaces. The guides' MDX goes through `rehypeGuideTypography`, which also wraps
 * Markdown tables in a box that scrolls on its own, so a wide table never widens the page.
 */

const NBSP = '\u00a0';

/** `text` with no-break spaces where a line must not break. */
export function keepPhrases(text: string): string {
	return text.replace(/第 (\d+) 步/g, `第${NBSP}$1${NBSP}步`).replace(/ 的/g, `${NBSP}的`);
}

interface HastNode {
	type: string;
	tagName?: string;
	value?: string;
	properties?: Record<string, unknown>;
	children?: HastNode[];
}

/** Rehype plugin for the guides: keepPhrases on prose (not code), and every table in a `.table-wrap`. */
export function rehypeGuideTypography() {
	const walk = (node: HastNode) => {
		if (node.type === 'element' && (node.tagName === 'code' || node.tagName === 'pre')) return;
		if (node.type === 'text' && node.value) node.value = keepPhrases(node.value);
		if (!node.children) return;
		node.children = node.children.map((child) => {
			walk(child);
			return child.type === 'element' && child.tagName === 'table' ? { type: 'element', tagName: 'div', properties: { className: ['table-wrap'] }, children: [child] } : child;
		});
	};
	return (tree: HastNode) => walk(tree);
}
