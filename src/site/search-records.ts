/**
 * Pagefind records for event pages, made from the catalog instead of parsed from thousands of
 * built HTML files: the event's name, category, origin and field names (so a search for
 * `upeer_sockaddr` finds the accept events), in each language.
 */
import type { Catalog } from './catalog.ts';
import { HTML_LANG, LANGS, strings } from './i18n.ts';
import { createUrls } from './urls.ts';

export interface SearchRecord {
	url: string;
	content: string;
	language: string;
	meta: Record<string, string>;
}

export function eventSearchRecords(catalog: Catalog, base: string): SearchRecord[] {
	const urls = createUrls(base);
	return catalog.events.flatMap((entry) => {
		const fields = new Set(catalog.versions(entry.category, entry.name).flatMap((v) => v.event.format.fields.map((f) => f.name)));
		return LANGS.map((lang) => {
			const t = strings(lang);
			const title = `${entry.category}:${entry.name}`;
			return {
				url: urls.event(lang, entry.category, entry.name),
				language: HTML_LANG[lang],
				meta: { title },
				content: [title, entry.name.replace(/_/g, ' '), t.eventDescription(entry.category, entry.name), entry.module ? t.originModuleNamed(entry.module) : t.originBuiltin, `${t.eventFields}: ${[...fields].join(' ')}`].join('\n'),
			};
		});
	});
}
