import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHighlighter } from 'shiki';
import { describe, expect, it } from 'vitest';
import { BUILD_GRAMMARS, createCodeHighlighter } from './highlight.ts';
import { markdownShikiConfig } from './markdown-code.ts';

/** Every code fence of the guides, both languages: language and code. */
function guideFences(): { file: string; lang: string; code: string }[] {
	const fences: { file: string; lang: string; code: string }[] = [];
	for (const lang of ['en', 'zh']) {
		const dir = join('content', lang);
		for (const name of readdirSync(dir).filter((f) => f.endsWith('.mdx'))) {
			const text = readFileSync(join(dir, name), 'utf8');
			for (const m of text.matchAll(/^```(\w*)\n([\s\S]*?)\n```$/gm)) fences.push({ file: `${lang}/${name}`, lang: m[1]!, code: m[2]! });
		}
	}
	return fences;
}

/** `class:character` for each visible character of highlighted HTML (the innermost span's class; line spans carry none). */
function colourOfEachCharacter(html: string): string[] {
	const out: string[] = [];
	const open: string[] = [];
	for (const m of html.replace(/^<pre[^>]*><code>|<\/code><\/pre>$/g, '').matchAll(/<span class="(\w+)">|<\/span>|([^<]+)/g)) {
		if (m[1]) open.push(m[1] === 'line' ? '' : m[1]);
		else if (m[2] === undefined) open.pop();
		else for (const ch of m[2].replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) if (ch.trim()) out.push(`${open.at(-1) ?? ''}:${ch}`);
	}
	return out;
}

/** Colour classes code.css defines for the palette. */
const PALETTE = new Set([...readFileSync('src/styles/code.css', 'utf8').matchAll(/^pre \.(\w+) \{ color: var\(--code-token-/gm)].map((m) => m[1]!));

describe('guide code fences', () => {
	it('are highlighted with the palette classes event pages use, no inline colours, commands as commands', async () => {
		const fences = guideFences();
		expect(fences.length).toBeGreaterThanOrEqual(14);
		const shiki = await createHighlighter({ themes: [markdownShikiConfig.theme], langs: ['shellscript'] });
		const site = await createCodeHighlighter(BUILD_GRAMMARS());
		for (const fence of fences) {
			const html = shiki.codeToHtml(fence.code, { lang: fence.lang || 'text', theme: markdownShikiConfig.theme, transformers: markdownShikiConfig.transformers });
			const where = `${fence.file}: ${fence.code.split('\n')[0]}`;
			expect(html, where).not.toMatch(/style=|tabindex|github|#[0-9a-f]{6}/i);
			const classes = [...html.matchAll(/<span class="(\w+)">/g)].map((m) => m[1]!).filter((c) => c !== 'line');
			expect(classes.length, where).toBeGreaterThan(0);
			expect(classes.filter((c) => !PALETTE.has(c)), where).toEqual([]);
			const lines = fence.code.split('\n');
			if (fence.lang === 'sh') {
				expect(html, where).toMatch(/^<pre class="cmd"><code>/);
				// One prompt per command: a line span for each line of a multi-line block, none for one line.
				expect((html.match(/<span class="line">/g) ?? []).length, where).toBe(lines.length > 1 ? lines.length : 0);
			}
			// Each character in the colour the site's own highlighter gives it (spaces may join either neighbour).
			expect(colourOfEachCharacter(html).join(' '), where).toBe(colourOfEachCharacter(site.highlight(fence.code, 'shellscript')).join(' '));
		}
	});
});
