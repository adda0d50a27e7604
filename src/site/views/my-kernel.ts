/**
 * The my-kernel page's report on the reader's kernel: what it is, its events by category and
 * origin, and how it differs from the nearest captured kernel, every event a link. Rendered in the
 * browser (the kernel exists only there) as HTML strings, like the event page's views.
 */
import { html, type RawHtml } from '../html.ts';
import { num, strings, type Lang } from '../i18n.ts';
import type { CategoryCount, FieldPlace, KernelComparison } from '../my-kernel/compare.ts';
import { countEvents } from '../my-kernel/compare.ts';
import type { KernelReport } from '../my-kernel/import.ts';
import type { Urls } from '../urls.ts';

/** Long lists show this many events, then say how many more there are. */
const LIST_LIMIT = 200;

const splitKey = (key: string) => {
	const at = key.indexOf(':');
	return { category: key.slice(0, at), name: key.slice(at + 1) };
};

export function kernelSummary(lang: Lang, stored: { snapshot: KernelReport; fileName: string; importedAt: string }, urls: Urls): RawHtml {
	const t = strings(lang);
	const { provenance: p, events } = stored.snapshot;
	const source = p.source.kind === 'contributed' ? p.source : null;
	const counts = countEvents(events);
	const row = (c: CategoryCount) => html`<tr><td><code>${c.category}</code></td><td class="num">${num(c.builtin)}</td><td class="num">${num(c.module)}</td></tr>`;
	return html`<section class="mk-summary" aria-labelledby="mk-summary-title">
<h2 id="mk-summary-title">${t.myKernelSummaryTitle}</h2>
<dl class="mk-facts">
<div><dt>${t.kernelRelease}</dt><dd><code class="mk-release">${p.release}</code></dd></div>
<div><dt>${t.kernelArch}</dt><dd><code>${p.arch}</code></dd></div>
${source?.os ? html`<div><dt>${t.myKernelOs}</dt><dd>${source.os.version ? `${source.os.name} ${source.os.version}` : source.os.name}</dd></div>` : null}
<div><dt>${t.myKernelEvents}</dt><dd class="mk-event-count">${num(events.length)} (${t.originBuiltin} ${num(counts.builtin)} · ${t.originModule} ${num(counts.module)})</dd></div>
<div><dt>${t.kernelBtf}</dt><dd>${p.btf ? t.kernelYes : t.kernelNo}</dd></div>
${source ? html`<div><dt>${t.myKernelTraceSource}</dt><dd>${source.traceSource}</dd></div>` : null}
<div><dt>${t.myKernelImported}</dt><dd>${stored.importedAt.slice(0, 16).replace('T', ' ')} UTC · <code>${stored.fileName}</code></dd></div>
</dl>
${p.btf ? null : html`<p class="notice">${t.myKernelNoBtf}</p>`}
<p class="mk-actions"><a class="btn" href="${urls.explorer(lang)}?kernel=mine">${t.myKernelOpenEvents}</a> <button type="button" class="btn" data-forget>${t.myKernelForget}</button></p>
<details class="mk-counts">
<summary>${t.myKernelCountsTitle}</summary>
<div class="table-wrap"><table>
<thead><tr><th>${t.myKernelCategory}</th><th class="num">${t.originBuiltin}</th><th class="num">${t.originModule}</th></tr></thead>
<tbody>${counts.categories.map(row)}</tbody>
<tfoot><tr><th>${t.myKernelTotal}</th><th class="num">${num(counts.builtin)}</th><th class="num">${num(counts.module)}</th></tr></tfoot>
</table></div>
</details>
</section>`;
}

/** A field's declaration and place, in the format file's own words. */
const place = (lang: Lang, f: FieldPlace | null) => (f ? html`<code>${f.declaration}</code> <span class="muted">offset:${f.offset} size:${f.size}</span>` : html`<span class="muted">${strings(lang).myKernelAbsentField}</span>`);

/** `kernel`: the captured kernel compared with. */
export function comparisonView(lang: Lang, comparison: KernelComparison, kernel: { id: string }, urls: Urls): RawHtml {
	const t = strings(lang);
	const mineHref = (key: string) => urls.myKernelEvent(lang, splitKey(key));
	const theirsHref = (key: string) => urls.event(lang, splitKey(key).category, splitKey(key).name, kernel.id);
	const mine = (key: string) => html`<a href="${mineHref(key)}"><code>${key}</code></a>`;
	const theirs = (key: string) => html`<a href="${theirsHref(key)}"><code>${key}</code></a>`;
	const list = (keys: string[], link: (key: string) => RawHtml) =>
		html`<ul class="mk-list">${keys.slice(0, LIST_LIMIT).map((k) => html`<li>${link(k)}</li>`)}${keys.length > LIST_LIMIT ? html`<li class="muted">${t.myKernelMore(keys.length - LIST_LIMIT)}</li>` : null}</ul>`;
	const changed = comparison.changed.slice(0, LIST_LIMIT).map(
		(c) => html`<div class="mk-change"><p><code>${c.event}</code>: <a href="${mineHref(c.event)}">${t.myKernelNav}</a> · <a href="${theirsHref(c.event)}">${kernel.id}</a></p>
<div class="table-wrap"><table><thead><tr><th>${t.myKernelField}</th><th>${t.myKernelNav}</th><th><code>${kernel.id}</code></th></tr></thead>
<tbody>${c.fields.map((f) => html`<tr><td><code>${f.name}</code></td><td>${place(lang, f.mine)}</td><td>${place(lang, f.theirs)}</td></tr>`)}</tbody></table></div></div>`,
	);
	return html`<section class="mk-compare" aria-labelledby="mk-compare-title">
<h2 id="mk-compare-title">${t.myKernelCompareTitle(kernel.id)}</h2>
<p>${t.myKernelSame(comparison.same)}</p>
<details class="mk-changed"${comparison.changed.length && comparison.changed.length <= 20 ? ' open' : ''}><summary>${t.myKernelChanged(comparison.changed.length)}</summary>${changed}${comparison.changed.length > LIST_LIMIT ? html`<p class="muted">${t.myKernelMore(comparison.changed.length - LIST_LIMIT)}</p>` : null}</details>
<details class="mk-added"><summary>${t.myKernelAdded(comparison.added.length, kernel.id)}</summary>${list(comparison.added, mine)}</details>
<details class="mk-missing"><summary>${t.myKernelMissing(comparison.missing.length, kernel.id)}</summary>${list(comparison.missing, theirs)}</details>
</section>`;
}
