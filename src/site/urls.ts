/**
 * Every URL of the site, built in one place so the site works under any sub-path (`base`).
 *
 * Chinese pages live at the root, English pages under `en/`. An event page is one URL per event;
 * the kernel it shows is a `?kernel=` query, so a link pasted into a chat reopens the same view.
 * JSON shards are language-independent and live under `data/`.
 */
import { DEFAULT_LANG, LANGS, type Lang } from './i18n.ts';

export type Urls = ReturnType<typeof createUrls>;

/** `base` as Astro's `import.meta.env.BASE_URL` gives it: `/` or `/sub/path` (with or without a trailing slash). */
export function createUrls(base: string) {
	const root = base.endsWith('/') ? base : `${base}/`;
	const page = (lang: Lang, path: string) => `${root}${lang === DEFAULT_LANG ? '' : `${lang}/`}${path}`;
	return {
		root,
		home: (lang: Lang) => page(lang, ''),
		explorer: (lang: Lang) => page(lang, 'events/'),
		event: (lang: Lang, category: string, name: string, kernel?: string) =>
			page(lang, `events/${category}/${name}/`) + (kernel ? `?kernel=${encodeURIComponent(kernel)}` : ''),
		kernels: (lang: Lang) => page(lang, 'kernels/'),
		kernel: (lang: Lang, id: string) => page(lang, `kernels/${id}/`),
		guides: (lang: Lang) => page(lang, 'guides/'),
		guide: (lang: Lang, slug: string) => page(lang, `guides/${slug}/`),
		/** The list of every event of every kernel, for search. */
		eventIndex: () => `${root}data/events.json`,
		/** Every guide's title, headings and events, for the search dialog. */
		guideIndex: () => `${root}data/guides.json`,
		/** A share of one category's events on every kernel, with everything the event page's island needs (see event-data.ts). */
		eventShard: (category: string, shard: number) => `${root}data/events/${category}/${shard}.json`,
		pagefind: () => `${root}pagefind/pagefind.js`,
		/** The reader's own kernel: import an archive, see it beside the captured kernels. */
		myKernel: (lang: Lang) => page(lang, 'my-kernel/'),
		/** Any event of the reader's kernel, drawn in the browser (`?e=category:name`): one static page, so any static host serves it. */
		myKernelEvent: (lang: Lang, event?: { category: string; name: string }) =>
			page(lang, 'my-kernel/event/') + (event ? `?e=${encodeURIComponent(`${event.category}:${event.name}`)}` : ''),
		/** Every field of a captured kernel's events (src/site/my-kernel/compare.ts), for the my-kernel page's comparison. */
		kernelFields: (id: string) => `${root}data/fields/${id}.json`,
		/** public/atlas-capture.sh, served at the site's root. */
		captureScript: () => `${root}atlas-capture.sh`,
		/** A file of the companion repository, as plain text. */
		companionFile: (path: string) => `${root}companion/${path}`,
		/**
		 * The same page in another language: `pathname` is a path under this base (as
		 * `location.pathname` gives it); anything not under the base falls back to that language's home.
		 */
		translate: (pathname: string, to: Lang) => {
			if (!pathname.startsWith(root) && `${pathname}/` !== root) return page(to, '');
			let rest = pathname.slice(root.length);
			const first = rest.split('/')[0];
			if (first && first !== DEFAULT_LANG && (LANGS as readonly string[]).includes(first)) rest = rest.slice(first.length + 1);
			return page(to, rest);
		},
	};
}

/** The language of a path under `base`. */
export function langOfPath(pathname: string, base: string): Lang {
	const root = base.endsWith('/') ? base : `${base}/`;
	const first = pathname.startsWith(root) ? pathname.slice(root.length).split('/')[0] : '';
	return LANGS.find((l) => l !== DEFAULT_LANG && l === first) ?? DEFAULT_LANG;
}

/** `getStaticPaths` entries for a page that exists in every language, under `src/pages/[...lang]/`. */
export function langPaths<P extends object>(props: P = {} as P) {
	return LANGS.map((lang) => ({ params: { lang: lang === DEFAULT_LANG ? undefined : lang }, props: { ...props, lang } }));
}
