/** Rows of events with the kernels that have them: the explorer, the search dialog, the home picker and the 404 page. */
import type { IndexEntry, IndexKernel } from '../event-index.ts';
import { html, type RawHtml } from '../html.ts';
import { strings, type Lang } from '../i18n.ts';
import { shortKernelLabels } from '../kernels.ts';
import type { Urls } from '../urls.ts';

export interface EventListContext {
	lang: Lang;
	urls: Urls;
	kernels: readonly IndexKernel[];
	/** Where a row links; the event page by default (the explorer's "your kernel" links to my-kernel/event/). */
	href?: (e: IndexEntry) => string;
}

/** One chip per kernel, filled where the event exists. */
export function kernelChips(mask: number, kernels: readonly IndexKernel[], lang: Lang): RawHtml {
	const t = strings(lang);
	const labels = shortKernelLabels(kernels.map((k) => k.id));
	return html`<span class="chips">${kernels.map((k, i) => {
		const present = (mask & (1 << i)) !== 0;
		return html`<span class="chip${present ? ' on' : ''}" title="${k.release}: ${present ? t.eventAvailabilityPresent : t.eventAvailabilityAbsent}">${labels[i]}</span>`;
	})}</span>`;
}

export function eventRows(entries: readonly IndexEntry[], ctx: EventListContext): RawHtml {
	const t = strings(ctx.lang);
	return html`${entries.map(
		(e) => html`<li class="event-row"><a href="${ctx.href ? ctx.href(e) : ctx.urls.event(ctx.lang, e.category, e.name)}"><span class="ev-name">${e.name}</span><span class="ev-cat">${e.category}</span></a>${
			e.module ? html`<span class="badge badge-module" title="${t.originModuleNamed(e.module)}">${e.module}</span>` : null
		}${kernelChips(e.kernels, ctx.kernels, ctx.lang)}</li>`,
	)}`;
}
