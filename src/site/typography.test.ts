import { describe, expect, it } from 'vitest';
import { keepPhrases, rehypeGuideTypography } from './typography.ts';

describe('line breaking the browser cannot know about', () => {
	it('keeps 第 N 步 together and 的 off the start of a line', () => {
		expect(keepPhrases('见第 12 步：确认内核有 connect 的 tracepoint')).toBe('见第\u00a012\u00a0步：确认内核有 connect\u00a0的 tracepoint');
		expect(keepPhrases('Step 1: check')).toBe('Step 1: check');
	});

	it('leaves code alone and wraps tables', () => {
		const tree = {
			type: 'root',
			children: [
				{ type: 'element', tagName: 'p', children: [{ type: 'text', value: 'connect 的' }] },
				{ type: 'element', tagName: 'code', children: [{ type: 'text', value: 'x 的' }] },
				{ type: 'element', tagName: 'table', children: [] },
			],
		};
		rehypeGuideTypography()(tree);
		expect(JSON.stringify(tree.children[0])).toContain('connect\u00a0的');
		expect(JSON.stringify(tree.children[1])).toContain('x 的');
		expect(tree.children[2]).toMatchObject({ tagName: 'div', properties: { className: ['table-wrap'] }, children: [{ tagName: 'table' }] });
	});
});
