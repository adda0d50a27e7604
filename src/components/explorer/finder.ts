/**
 * The browser side of EventFinder.astro: loads the event index, searches on every keystroke and
 * filter change, and keeps the query and filters in the URL (explorer only) so a link reopens them.
 */
import { archMask } from '../../site/arches.ts';
import { hasMore, nextShown, type FinderPaging } from '../../site/finder-paging.ts';
import { toHtml } from '../../site/html.ts';
import { strings } from '../../site/i18n.ts';
import type { SearchFilters } from '../../site/search.ts';
import { createUrls } from '../../site/urls.ts';
import { eventRows } from '../../site/views/event-list.ts';
import { loadEventSearch } from '../search/event-search.ts';

/** The filters the explorer keeps in its URL. */
const FILTERS = ['category', 'arch', 'kernel', 'origin'];

/** `more`: the reader started it with "Show more" under the rows the build drew. */
export function createFinder(root: HTMLElement, start: { more: boolean } = { more: false }): void {
	const lang = root.dataset.lang === 'en' ? 'en' : 'zh';
	const t = strings(lang);
	const urls = createUrls(root.dataset.base ?? '/');
	const paging: FinderPaging = { prerendered: Number(root.dataset.prerendered ?? 0), pageSize: Number(root.dataset.pageSize ?? 100) };
	const withFilters = root.dataset.filters === '1';
	const form = root.querySelector('form')!;
	const input = form.querySelector<HTMLInputElement>('input[name="q"]')!;
	const select = (name: string) => form.querySelector<HTMLSelectElement>(`select[name="${name}"]`);
	const list = root.querySelector<HTMLElement>('.finder-results')!;
	const status = root.querySelector<HTMLElement>('.finder-status');
	const more = root.querySelector<HTMLButtonElement>('.finder-more');
	const allLink = root.querySelector<HTMLAnchorElement>('.finder-all');
	let shown = paging.prerendered;
	const initialRows = list.innerHTML;
	form.addEventListener('submit', (event) => event.preventDefault());

	// The reader's own kernel, when the my-kernel page keeps one in this browser.
	const kernelSelect = select('kernel');
	let mine: { release?: unknown } | null = null;
	try {
		mine = JSON.parse(localStorage.getItem('atlas-my-kernel') ?? 'null') as { release?: unknown } | null;
	} catch {
		// No storage: no kernel of the reader's.
	}
	if (kernelSelect && typeof mine?.release === 'string') kernelSelect.add(new Option(`${t.myKernelNav} (${mine.release})`, 'mine'));
	let mineSearch: ReturnType<typeof import('./my-kernel-search.ts')['myKernelSearch']> | undefined;

	// Restore query and filters from the URL (explorer links carry them); without one in the URL, keep what the reader typed while this code loaded.
	const params = new URLSearchParams(location.search);
	// The architecture select lists its kernels only; a kernel picked (or in the link) brings its architecture.
	const archSelect = select('arch');
	const showArch = () => {
		if (!kernelSelect || !archSelect) return;
		for (const group of kernelSelect.querySelectorAll('optgroup')) group.hidden = group.disabled = group.dataset.arch !== archSelect.value;
		if (kernelSelect.selectedOptions[0]?.parentElement instanceof HTMLOptGroupElement && kernelSelect.selectedOptions[0].parentElement.disabled) kernelSelect.value = '';
	};
	if (withFilters) {
		if (params.has('q')) input.value = params.get('q')!;
		for (const name of FILTERS) {
			const s = select(name);
			const value = params.get(name);
			if (s && value && [...s.options].some((o) => o.value === value)) s.value = value;
		}
		const kernelArch = kernelSelect?.selectedOptions[0]?.dataset.arch;
		if (archSelect && kernelArch) archSelect.value = kernelArch;
		showArch();
	}
	const defaultArch = archSelect?.options[0]?.value;

	const loaded = loadEventSearch(urls.eventIndex());
	const run = async () => {
		const { index, search: captured } = await loaded;
		const kernelId = select('kernel')?.value;
		const ownSearch = kernelId === 'mine' ? await (mineSearch ??= import('./my-kernel-search.ts').then((m) => m.myKernelSearch(index))) : null;
		const search = ownSearch ?? captured;
		const started = performance.now();
		const kernel = kernelId ? index.kernels.findIndex((k) => k.id === kernelId) : -1;
		const origin = select('origin')?.value;
		const arch = archSelect?.value;
		const filters: SearchFilters = {
			category: select('category')?.value || undefined,
			kernel: kernel >= 0 ? kernel : undefined,
			anyOf: arch && !ownSearch ? archMask(index.kernels, arch) : undefined,
			origin: origin === 'builtin' || origin === 'module' ? origin : undefined,
		};
		const query = input.value;
		// The home picker shows its hand-picked rows while the box is empty.
		if (!query.trim() && root.dataset.initial === '1') {
			list.innerHTML = initialRows;
			if (allLink) {
				allLink.href = urls.explorer(lang);
				allLink.textContent = `${allLink.dataset.label} →`;
			}
			return;
		}
		const result = search(query, filters, shown);
		// A short list (the home picker) leads to every result of the query in the explorer.
		if (allLink) {
			allLink.href = `${urls.explorer(lang)}?${new URLSearchParams({ q: query.trim() })}`;
			allLink.textContent = `${hasMore(result.entries.length, result.total) ? t.homeAllResults(result.total, query.trim()) : allLink.dataset.label} →`;
		}
		list.innerHTML = toHtml(eventRows(result.entries, { lang, urls, kernels: index.kernels, arch, ...(ownSearch ? { href: (e) => urls.myKernelEvent(lang, e) } : {}) }));
		// Exposed for the benchmark (npm run bench): the cost of one search and redraw.
		root.dataset.searchMs = (performance.now() - started).toFixed(2);
		if (status) status.textContent = t.explorerShowing(result.entries.length, result.total);
		if (more) more.hidden = !hasMore(result.entries.length, result.total);
		if (withFilters) {
			const next = new URLSearchParams();
			if (query.trim()) next.set('q', query.trim());
			for (const name of FILTERS) {
				const value = select(name)?.value;
				if (value && !(name === 'arch' && value === defaultArch)) next.set(name, value);
			}
			const search = next.toString();
			history.replaceState(null, '', search ? `?${search}` : location.pathname);
		}
	};
	const rerun = () => {
		shown = nextShown(paging, shown, 'search');
		void run();
	};
	input.addEventListener('input', rerun);
	// Only the filters: the box's own change event fires on blur, which would redraw the list under a click.
	form.addEventListener('change', (event) => {
		if (event.target === archSelect) showArch();
		if (event.target instanceof HTMLSelectElement) rerun();
	});
	const showMore = () => {
		shown = nextShown(paging, shown, 'more');
		void run();
	};
	more?.addEventListener('click', showMore);
	// Enter in the box opens the first result.
	input.addEventListener('keydown', (event) => {
		if (event.key === 'Enter') {
			const first = list.querySelector('a');
			if (first) first.click();
		}
	});
	// A shared explorer link, or text typed or a filter picked while this code was loading.
	if ((withFilters && params.size > 0) || input.value.trim() || [...form.querySelectorAll('select')].some((s) => s.value && !(s === archSelect && s.value === defaultArch))) rerun();
	else if (start.more) showMore();
}
