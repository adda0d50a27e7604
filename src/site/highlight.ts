/**
 * Syntax highlighting with shiki, the same at build time and in the browser.
 *
 * Only the grammars the site shows are loaded, with the JavaScript regex engine (no WASM). Tokens
 * are coloured through shiki's CSS-variables theme and written as short class names
 * (`<span class="k">`), so the HTML stays small and the light and dark palettes live in CSS
 * (src/styles/code.css) instead of being repeated on every token.
 */
import { createCssVariablesTheme, createHighlighterCore, type HighlighterCore, type LanguageRegistration } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';

export type CodeLang = 'c' | 'makefile' | 'shellscript' | 'plain';

/** The theme every highlighted block uses: colours are CSS variables, which code.css sets per light and dark theme. */
export const CODE_THEME = createCssVariablesTheme({ name: 'atlas', variablePrefix: '--code-', fontStyle: false });

/** CSS variable a token's colour names → the class written into the HTML. */
const CLASS_OF: Record<string, string> = {
	'var(--code-token-keyword)': 'k',
	'var(--code-token-string)': 's',
	'var(--code-token-string-expression)': 's',
	'var(--code-token-comment)': 'c',
	'var(--code-token-constant)': 'n',
	'var(--code-token-function)': 'f',
	'var(--code-token-parameter)': 'v',
	'var(--code-token-punctuation)': 'p',
	'var(--code-token-link)': 'l',
};

/**
 * A line's tokens as runs of text with the class of their colour (`''`: the default colour, no
 * span): neighbouring tokens of one colour merge, so a block has as few elements as it can.
 */
export function classRuns(line: readonly { content: string; color?: string }[]): [cls: string, text: string][] {
	const runs: [string, string][] = [];
	for (const token of line) {
		const cls = (token.color && CLASS_OF[token.color]) || '';
		const last = runs.at(-1);
		if (last && last[0] === cls) last[1] += token.content;
		else runs.push([cls, token.content]);
	}
	return runs;
}

export function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface Highlighter {
	/**
	 * The inner HTML of a `<code>` element: escaped text with class-coloured spans. `names` are
	 * identifiers that vary between otherwise equal code (a program's name): passing them lets
	 * cached chunks serve every program.
	 */
	highlight(code: string, lang: CodeLang, names?: readonly string[]): string;
	/** The same, tokenizing the whole text at once with no cache: the reference the fast path must equal. */
	highlightWhole(code: string, lang: CodeLang): string;
}

/**
 * Placeholders for `names` inside identifiers (the name bounded by `_` or non-word characters, in
 * lower and upper case), so e.g. `print_sys_enter_connect` and `print_sys_enter_openat` cache as one.
 * Short names are left alone: they could be words the grammar knows (`exit`, `open`).
 */
function placeholders(names: readonly string[]): { pattern: RegExp; to: Map<string, string>; back: [string, string][] } | null {
	const usable = [...new Set(names)].filter((n) => n.length >= 6 && /^[a-z_][a-z0-9_]*$/.test(n)).sort((a, b) => b.length - a.length);
	if (usable.length === 0) return null;
	const to = new Map<string, string>();
	const back: [string, string][] = [];
	usable.forEach((name, i) => {
		for (const [real, stand] of [
			[name, `qqatlasname${i}qq`],
			[name.toUpperCase(), `QQATLASNAME${i}QQ`],
		] as const) {
			to.set(real, stand);
			back.push([stand, real]);
		}
	});
	const alternatives = [...to.keys()].map((n) => n.replace(/[^\w]/g, '')).join('|');
	return { pattern: new RegExp(`(?<![A-Za-z0-9])(?:${alternatives})(?![A-Za-z0-9])`, 'g'), to, back };
}

/**
 * Splits code where the grammar is back at the top level: at a blank line followed by an unindented
 * line, outside braces, block comments and preprocessor conditionals. Chunks tokenize alone exactly as they would in the whole
 * file (highlight.test.ts checks this on generated projects), so each can be cached on its own: most
 * of a generated file is the same from one event or option to the next.
 */
export function topLevelChunks(code: string): string[] {
	const lines = code.split('\n');
	const chunks: string[] = [];
	let start = 0;
	let depth = 0;
	let conditionals = 0;
	let inComment = false;
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i]!;
		if (line === '' && depth === 0 && conditionals === 0 && !inComment && i > start && /^\S/.test(lines[i + 1] ?? '')) {
			chunks.push(lines.slice(start, i).join('\n'));
			start = i + 1;
			continue;
		}
		if (!inComment && /^\s*#\s*if/.test(line)) conditionals++;
		else if (!inComment && /^\s*#\s*endif/.test(line)) conditionals = Math.max(0, conditionals - 1);
		// Braces and comments outside string and character literals and line comments.
		const text = line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
		for (let j = 0; j < text.length; j++) {
			const two = text.slice(j, j + 2);
			if (inComment) {
				if (two === '*/') {
					inComment = false;
					j++;
				}
			} else if (two === '/*') {
				inComment = true;
				j++;
			} else if (two === '//') break;
			else if (text[j] === '{') depth++;
			else if (text[j] === '}') depth = Math.max(0, depth - 1);
		}
	}
	chunks.push(lines.slice(start).join('\n'));
	return chunks;
}

/** Creates a highlighter with the given grammars; loading them is the slow part, so create one and keep it. */
export async function createCodeHighlighter(grammars: Promise<{ default: LanguageRegistration[] }>[]): Promise<Highlighter> {
	const shiki: HighlighterCore = await createHighlighterCore({
		themes: [CODE_THEME],
		langs: (await Promise.all(grammars)).map((m) => m.default),
		engine: createJavaScriptRegexEngine(),
	});
	const loaded = new Set(shiki.getLoadedLanguages());
	const tokenize = (code: string, lang: CodeLang): string => {
		// No time limit: shiki's default (500 ms a line) left the first line of a cold, busy run uncoloured, and cached it so.
		const lines = shiki.codeToTokensBase(code, { lang, theme: CODE_THEME.name!, tokenizeTimeLimit: 0 });
		return lines.map((line) => classRuns(line).map(([cls, text]) => (cls ? `<span class="${cls}">${escapeHtml(text)}</span>` : escapeHtml(text))).join('')).join('\n');
	};
	const cache = new Map<string, string>();
	return {
		highlightWhole(code, lang) {
			return lang === 'plain' || !loaded.has(lang) ? escapeHtml(code) : tokenize(code, lang);
		},
		highlight(code, lang, names = []) {
			if (lang === 'plain' || !loaded.has(lang)) return escapeHtml(code);
			const subs = placeholders(names);
			const text = subs ? code.replace(subs.pattern, (m) => subs.to.get(m)!) : code;
			const html = topLevelChunks(text)
				.map((chunk) => {
					const key = `${lang}\0${chunk}`;
					let chunkHtml = cache.get(key);
					if (chunkHtml === undefined) {
						chunkHtml = tokenize(chunk, lang);
						if (cache.size >= CHUNK_CACHE_SIZE) cache.delete(cache.keys().next().value!);
						cache.set(key, chunkHtml);
					}
					return chunkHtml;
				})
				.join('\n\n');
			return subs ? subs.back.reduce((out, [stand, real]) => out.replaceAll(stand, real), html) : html;
		},
	};
}

/** Chunks kept: enough for every distinct chunk of a few projects, small enough to forget old ones in a long build. */
const CHUNK_CACHE_SIZE = 4000;

/** The grammars the island needs: C and Makefile (commands and READMEs stay plain there). */
export const ISLAND_GRAMMARS = () => [import('shiki/langs/c.mjs'), import('shiki/langs/makefile.mjs')];

/** The grammars pages use at build time: the island's, and shell for the guides' terminal blocks. */
export const BUILD_GRAMMARS = () => [...ISLAND_GRAMMARS(), import('shiki/langs/shellscript.mjs')];

/** The language a generated file is highlighted as. */
export function langOfFile(path: string): CodeLang {
	if (/\.(c|h)$/.test(path)) return 'c';
	if (/(^|\/)Makefile$|\.mk$/.test(path)) return 'makefile';
	if (/\.sh$/.test(path)) return 'shellscript';
	return 'plain';
}
