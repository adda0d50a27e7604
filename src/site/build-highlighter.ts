/** The build's one highlighter, created on first use and shared by every page. */
import { createCodeHighlighter, BUILD_GRAMMARS, type Highlighter } from './highlight.ts';

let created: Promise<Highlighter> | undefined;

export function buildHighlighter(): Promise<Highlighter> {
	created ??= createCodeHighlighter(BUILD_GRAMMARS());
	return created;
}
