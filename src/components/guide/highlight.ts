/** One shiki highlighter for every guide block of a build (loading grammars is the slow part). */
import { BUILD_GRAMMARS, createCodeHighlighter, type CodeLang, type Highlighter } from '../../site/highlight.ts';

let highlighter: Promise<Highlighter> | undefined;

/** Highlighted inner HTML of a `<code>` element. */
export async function highlight(code: string, lang: CodeLang): Promise<string> {
	highlighter ??= createCodeHighlighter(BUILD_GRAMMARS());
	return (await highlighter).highlight(code, lang);
}
