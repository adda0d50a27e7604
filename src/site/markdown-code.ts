/**
 * Code fences in the guides' Markdown, highlighted like every other block of the site: Astro's
 * shiki runs with the site's CSS-variables theme, and this transformer rewrites its output into
 * the markup src/site/highlight.ts writes (`<span class="k">`, no inline colours), so fences follow
 * the light and dark palettes of src/styles/code.css. Shell fences are commands: `pre.cmd`, with a
 * `$` prompt (CSS) before each line, as the guides' other commands.
 */
import type { Element, ElementContent } from 'hast';
import type { ShikiTransformer } from 'shiki';
import { classRuns, CODE_THEME } from './highlight.ts';

const SHELL = new Set(['sh', 'shell', 'bash', 'shellscript']);

export const codeFenceTransformer: ShikiTransformer = {
	name: 'atlas-code-fence',
	code(code) {
		const lines = this.tokens.map((line) => classRuns(line).map(([cls, text]): ElementContent => (cls ? { type: 'element', tagName: 'span', properties: { className: [cls] }, children: [{ type: 'text', value: text }] } : { type: 'text', value: text })));
		const command = SHELL.has(this.options.lang);
		// Several commands keep a span per line, which carries its own prompt.
		const perLine = command && lines.length > 1;
		code.properties = {};
		code.children = lines.flatMap((runs, i): ElementContent[] => [
			...(i > 0 ? [{ type: 'text', value: '\n' } as const] : []),
			...(perLine ? [{ type: 'element', tagName: 'span', properties: { className: ['line'] }, children: runs } as Element] : runs),
		]);
	},
	pre(pre) {
		// Replaces shiki's and Astro's classes, inline colours and tabindex: code.css styles the block.
		pre.properties = SHELL.has(this.options.lang) ? { className: ['cmd'] } : {};
	},
};

/** `markdown.shikiConfig` for astro.config.mjs. */
export const markdownShikiConfig = { theme: CODE_THEME, transformers: [codeFenceTransformer] };
