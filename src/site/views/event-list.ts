/** Rows of events with the kernels that have them: the explorer, the search dialog, the home picker and the 404 page. */
import { archesOf, archOf, onlyArch } from '../arches.ts';
import type { IndexEntry, IndexKernel } from '../event-index.ts';
import { html, type RawHtml } from '../html.ts';
import { strings, type Lang } from '../i18n.ts';
import { shortKernelLabels } from '../kernels.ts';
import type { Urls } from '../urls.ts';

export interface EventListContext {
	lang: Lang;
	urls: Urls;
	kernels: readonly IndexKernel[];
	/** Whose kernels the chips show; the first architecture (amd64) by default. */
	arch?: string | undefined;
	/** Where a row links; the event page by default (the explorer's "your kernel" links to my-kernel/event/). */
	href?: (e: IndexEntry) => string;
}

/**
 * One chip per kernel of `arch` (amd64 by default), filled where the event exists, and a badge when
 * the event exists on one architecture only (its chips can then be all empty).
 */
export function kernelChips(mask: number, kernels: readonly IndexKernel[], lang: Lang, arch = archesOf(kernels)[0]): RawHtml {
	const t = strings(lang);
	const shown = kernels.flatMap((k, bit) => (archOf(k) === arch ? [{ k, bit }] : []));
	const labels = shortKernelLabels(shown.map(({ k }) => k.id));
	const only = onlyArch(kernels, kernels.filter((_, bit) => (mask & (1 << bit)) !== 0).map((k) => k.id));
	return html`${only ? html`<span class="badge badge-arch">${t.archOnlyBadge(only.arch)}</span>` : null}<span class="chips">${shown.map(({ k, bit }, i) => {
		const present = (mask & (1 << bit)) !== 0;
		return html`<span class="chip${present ? ' on' : ''}" title="${k.id} ${k.release}: ${present ? t.eventAvailabilityPresent : t.eventAvailabilityAbsent}">${labels[i]}</span>`;
	})}</span>`;
}

export function eventRows(entries: readonly IndexEntry[], ctx: EventListContext): RawHtml {
	const t = strings(ctx.lang);
	return html`${entries.map(
		(e) => html`<li class="event-row"><a href="${ctx.href ? ctx.href(e) : ctx.urls.event(ctx.lang, e.category, e.name)}"><span class="ev-name">${e.name}</span><span class="ev-cat">${e.category}</span></a>${
			e.module ? html`<span class="badge badge-module" title="${t.originModuleNamed(e.module)}">${e.module}</span>` : null
		}${kernelChips(e.kernels, ctx.kernels, ctx.lang, ctx.arch)}</li>`,
	)}`;
}
