/** The guides of one language from the `guides` content collection (ids are `<lang>/<slug>`), in reading order. */
import type { Lang } from './i18n.ts';

interface GuideEntry<D> {
	id: string;
	data: D & { lang: string; order: number };
}

export function guidesOf<D, E extends GuideEntry<D>>(entries: readonly E[], lang: Lang): { slug: string; data: E['data']; entry: E }[] {
	return entries
		.filter((e) => e.data.lang === lang)
		.map((entry) => ({ slug: entry.id.replace(/^[^/]+\//, ''), data: entry.data, entry }))
		.sort((a, b) => a.data.order - b.data.order || (a.slug < b.slug ? -1 : 1));
}

/** A guide's numbered steps, from its MDX body (`<Step n={1} title="…">`), for the contents list. */
export function guideSteps(body: string): { n: number; title: string }[] {
	return [...body.matchAll(/<Step\s+n=\{(\d+)\}\s+title="([^"]*)"/g)].map((m) => ({ n: Number(m[1]), title: m[2]! }));
}
