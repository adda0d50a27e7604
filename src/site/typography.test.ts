import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepPhrases } from './typography.ts';

describe('line breaking the browser cannot know about', () => {
	it('keeps 第 N 步 together and 的 off the start of a line in titles', () => {
		expect(keepPhrases('见第 12 步：确认内核有 connect 的 tracepoint')).toBe('见第\u00a012\u00a0步：确认内核有 connect\u00a0的 tracepoint');
		expect(keepPhrases('Step 1: check')).toBe('Step 1: check');
	});

	it('finds 第 N 步 written with no-break spaces in every Chinese guide', () => {
		const dir = join(process.env.ATLAS_CONTENT || 'content', 'zh');
		for (const file of readdirSync(dir).filter((f) => f.endsWith('.mdx'))) {
			const breakable = readFileSync(join(dir, file), 'utf8').match(/第 \d+ 步/g) ?? [];
			expect(breakable, `${file}: write 第\\u00a0N\\u00a0步 (no-break spaces) so a phone never splits it`).toEqual([]);
		}
	});
});
