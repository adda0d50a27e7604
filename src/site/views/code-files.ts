/** The generated files as panels on an event page: which step shows which file, and a panel's markup. */
import { html, raw, type RawHtml } from '../html.ts';
import { strings, type Lang } from '../i18n.ts';
import type { Urls } from '../urls.ts';

export interface GeneratedFile {
	path: string;
	content: string;
	executable?: boolean;
	/** `companion`: the same in every project, shown once as links rather than on every page. */
	origin?: 'generated' | 'companion';
}

/** The files shown as code on an event page: the generated ones (the companion's are linked, see companionLinks). */
export const shownFiles = <F extends GeneratedFile>(files: readonly F[]): F[] => files.filter((f) => f.origin !== 'companion');

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

/** The companion's files, the same in every project: links to their copies under companion/. */
export function companionLinks(files: readonly GeneratedFile[], urls: Urls, lang: Lang): RawHtml {
	const companion = files.filter((f) => f.origin === 'companion');
	return html`<p class="companion-files">${strings(lang).genCompanionFiles} ${companion.map(
		(f, i) => html`${i > 0 ? ' · ' : ''}<a href="${urls.companionFile(f.path)}"><code>${f.path}</code></a>`,
	)}</p>`;
}
