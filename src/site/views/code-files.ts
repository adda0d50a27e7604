/** The generated files as panels on an event page: which step shows which file, and a panel's markup. */
import { html, raw, type RawHtml } from '../html.ts';
import { strings, type Lang } from '../i18n.ts';

export interface GeneratedFile {
	path: string;
	content: string;
	executable?: boolean;
}

/** Step 4 shows the BPF side and the shared header, step 5 the loader, step 6 the build files. */
export function stepOfFile(path: string): 4 | 5 | 6 {
	if (/\.bpf\.c$|\.h$/.test(path)) return 4;
	if (/\.c$/.test(path)) return 5;
	return 6;
}

/** Files shown folded: long reference text the steps already summarise. */
export const foldedFile = (path: string) => /(^|\/)README(\.\w+)?$/i.test(path);

/** One file: its name, copy and download buttons, and its code (already highlighted HTML). */
export function codePanel(file: GeneratedFile, highlighted: string, lang: Lang): RawHtml {
	const t = strings(lang);
	const head = html`<span class="file-path">${file.path}</span><span class="file-actions needs-js"><button type="button" class="btn btn-small" data-copy-file="${file.path}">${t.genCopy}</button><button type="button" class="btn btn-small" data-download-file="${file.path}">${t.genDownload}</button></span>`;
	const code = html`<pre><code>${raw(highlighted)}</code></pre>`;
	if (foldedFile(file.path)) {
		return html`<details class="code-file" data-path="${file.path}"><summary>${head}</summary>${code}</details>`;
	}
	return html`<figure class="code-file" data-path="${file.path}"><figcaption>${head}</figcaption>${code}</figure>`;
}
