/**
 * The search dialog's results: events (ranked by search.ts), then guides (guide-search.ts, the
 * reader's language first), then any other page Pagefind finds that is not already listed.
 * Arrow keys move through the lists; Enter opens the active one.
 */
import { rankGuides, type GuideDoc } from '../../site/guide-search.ts';
import { html, raw, toHtml } from '../../site/html.ts';
import { LANG_NAME, strings, type Lang } from '../../site/i18n.ts';
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
	const guides: Promise<GuideDoc[]> = fetch(urls.guideIndex())
		.then((response) => (response.ok ? (response.json() as Promise<GuideDoc[]>) : []))
		.catch(() => []);
	let pagefind: Promise<Pagefind | null> | undefined;
	const loadPagefind = () =>
		(pagefind ??= import(/* @vite-ignore */ urls.pagefind())
			.then(async (module: Pagefind) => {
				await module.options({ baseUrl: urls.root });
				return module;
			})
			.catch(() => null)); // No index (e.g. `astro dev`): event search still works.
	let eventsHtml = '';
	let guidesHtml = '';
	let pagesHtml = '';
	/** URLs already listed as events or guides, which Pagefind's hits must not repeat. */
	let listed = new Set<string>();
	let latest = '';

	const paint = () => {
		results.innerHTML = eventsHtml + guidesHtml + pagesHtml || (latest ? `<p class="empty">${t.searchNoResults}</p>` : '');
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
			eventsHtml = guidesHtml = pagesHtml = '';
			paint();
			return;
		}
		results.innerHTML ||= `<p class="empty">${t.searchLoading}</p>`;
		const listedNow = Promise.all([events, guides]).then(([{ index, search }, docs]) => {
			if (latest !== query) return;
			const found = search(query, {}, 8);
			eventsHtml = found.total
				? toHtml(html`<h2>${t.searchEvents}</h2><ul class="event-list">${eventRows(found.entries, { lang: config.lang, urls, kernels: index.kernels })}</ul>`)
				: '';
			const matching = rankGuides(query, docs, config.lang).slice(0, 4);
			guidesHtml = matching.length
				? toHtml(
						html`<h2>${t.searchGuides}</h2>${matching.map(
							(g) =>
								html`<a class="page-hit guide-hit" href="${urls.guide(g.lang, g.slug)}" hreflang="${g.lang}"><strong>${g.title}${g.lang === config.lang ? '' : html` <small>(${LANG_NAME[g.lang]})</small>`}</strong><span>${g.description}</span></a>`,
						)}`,
					)
				: '';
			listed = new Set([...found.entries.map((e) => urls.event(config.lang, e.category, e.name)), ...matching.map((g) => urls.guide(g.lang, g.slug))]);
			// Which query the events and guides shown answer (tests wait for it).
			results.dataset.query = query;
			paint();
		});
		void loadPagefind().then(async (module) => {
			const response = await module?.debouncedSearch(query, {}, 150);
			if (!response || latest !== query) return;
			const all = await Promise.all(response.results.slice(0, 12).map((r) => r.data()));
			await listedNow;
			if (latest !== query) return;
			const hits = all.filter((hit) => !listed.has(hit.url)).slice(0, 6);
			// Pagefind's excerpt is HTML it escaped itself, with <mark> around the matches.
			pagesHtml = hits.length
				? `<h2>${t.searchPages}</h2>` +
					hits.map((hit) => toHtml(html`<a class="page-hit" href="${hit.url}"><strong>${hit.meta.title ?? hit.url}</strong><span>${raw(hit.excerpt)}</span></a>`)).join('')
				: '';
			paint();
		});
	};
}
