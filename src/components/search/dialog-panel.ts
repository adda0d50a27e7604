/**
 * The search dialog's results: event names first (fuzzy, instant), then pages from Pagefind.
 * Arrow keys move through both lists; Enter opens the active one.
 */
import { html, raw, toHtml } from '../../site/html.ts';
import { strings, type Lang } from '../../site/i18n.ts';
import { createUrls } from '../../site/urls.ts';
import { eventRows } from '../../site/views/event-list.ts';
import { loadEventSearch } from './event-search.ts';

interface PagefindResult {
	url: string;
	meta: { title?: string };
	excerpt: string;
}
interface Pagefind {
	options(options: { baseUrl: string }): Promise<void>;
	debouncedSearch(query: string, options?: object, ms?: number): Promise<{ results: { data(): Promise<PagefindResult> }[] } | null>;
}

export function createPanel(dialog: HTMLDialogElement, config: { lang: Lang; base: string }): (query: string) => void {
	const t = strings(config.lang);
	const urls = createUrls(config.base);
	const results = dialog.querySelector<HTMLElement>('.search-results')!;
	const input = dialog.querySelector('input')!;
	const events = loadEventSearch(urls.eventIndex());
	let pagefind: Promise<Pagefind | null> | undefined;
	const loadPagefind = () =>
		(pagefind ??= import(/* @vite-ignore */ urls.pagefind())
			.then(async (module: Pagefind) => {
				await module.options({ baseUrl: urls.root });
				return module;
			})
			.catch(() => null)); // No index (e.g. `astro dev`): event search still works.
	let eventsHtml = '';
	let pagesHtml = '';
	let latest = '';

	const paint = () => {
		results.innerHTML = eventsHtml + pagesHtml || (latest ? `<p class="empty">${t.searchNoResults}</p>` : '');
		setActive(0);
	};
	const links = () => [...results.querySelectorAll<HTMLAnchorElement>('.event-row > a, a.page-hit')];
	let active = 0;
	const setActive = (i: number) => {
		const all = links();
		active = Math.max(0, Math.min(i, all.length - 1));
		all.forEach((a, j) => (a.classList.contains('page-hit') ? a : a.parentElement!).classList.toggle('active', j === active));
		all[active]?.scrollIntoView({ block: 'nearest' });
	};
	input.addEventListener('keydown', (event) => {
		if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
			event.preventDefault();
			setActive(active + (event.key === 'ArrowDown' ? 1 : -1));
		} else if (event.key === 'Enter') {
			const link = links()[active];
			if (link) {
				event.preventDefault();
				link.click();
			}
		}
	});

	return (typed: string) => {
		const query = typed.trim();
		latest = query;
		if (!query) {
			eventsHtml = pagesHtml = '';
			paint();
			return;
		}
		results.innerHTML ||= `<p class="empty">${t.searchLoading}</p>`;
		void events.then(({ index, search }) => {
			if (latest !== query) return;
			const found = search(query, {}, 8);
			eventsHtml = found.total
				? toHtml(html`<h2>${t.searchEvents}</h2><ul class="event-list">${eventRows(found.entries, { lang: config.lang, urls, kernels: index.kernels })}</ul>`)
				: '';
			paint();
		});
		void loadPagefind().then(async (module) => {
			const response = await module?.debouncedSearch(query, {}, 150);
			if (!response || latest !== query) return;
			const hits = await Promise.all(response.results.slice(0, 6).map((r) => r.data()));
			if (latest !== query) return;
			// Pagefind's excerpt is HTML it escaped itself, with <mark> around the matches.
			pagesHtml = hits.length
				? `<h2>${t.searchPages}</h2>` +
					hits.map((hit) => toHtml(html`<a class="page-hit" href="${hit.url}"><strong>${hit.meta.title ?? hit.url}</strong><span>${raw(hit.excerpt)}</span></a>`)).join('')
				: '';
			paint();
		});
	};
}
