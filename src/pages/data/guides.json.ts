/** `data/guides.json`: every guide's title, headings and events, for the search dialog (see src/site/guide-search.ts). */
import { getCollection } from 'astro:content';
import { guideDoc } from '../../site/guide-search.ts';
import { guidesOf } from '../../site/guides.ts';
import { LANGS } from '../../site/i18n.ts';

export async function GET(): Promise<Response> {
	const entries = await getCollection('guides');
	const docs = LANGS.flatMap((lang) =>
		guidesOf(entries, lang).map((g) => guideDoc({ lang, slug: g.slug, title: g.data.title, description: g.data.description, events: g.data.events }, g.entry.body ?? '')),
	);
	return new Response(JSON.stringify(docs), { headers: { 'content-type': 'application/json' } });
}
