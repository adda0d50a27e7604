/**
 * Search over the guides, for the search dialog: each guide's title, description, step titles and
 * headings, and the events it teaches, scored per query word (title before headings before events
 * before description). The reader's language comes first: an English reader gets the English guide
 * for "trace connect", a Chinese reader the Chinese one for 连接.
 */
import type { Lang } from './i18n.ts';
import { queryTerms } from './search-terms.ts';

export interface GuideDoc {
	lang: Lang;
	slug: string;
	title: string;
	description: string;
	/** Step titles and `##`/`###` headings, in order. */
	headings: string[];
	/** `category:name` of the events the guide teaches. */
	events: string[];
}

/** The searchable parts of a guide, from its frontmatter and MDX body. */
export function guideDoc(guide: Omit<GuideDoc, 'headings'>, body: string): GuideDoc {
	const headings = [...body.matchAll(/<Step\b[^>]*\btitle="([^"]+)"|^#{2,3}\s+(.+)$/gm)].map((m) => (m[1] ?? m[2]!).trim());
	return { ...guide, headings };
}

const WEIGHT = { title: 8, headings: 4, events: 3, description: 2 } as const;

/** How well `text` contains `term`: 1 for a whole word (or any Chinese match), 0.5 inside a word, else 0. */
function contains(text: string, term: string): number {
	const lower = text.toLowerCase();
	const at = lower.indexOf(term);
	if (at < 0) return 0;
	if (/[^\x00-\x7f]/.test(term)) return 1;
	const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).test(lower) ? 1 : 0.5;
}

/** The score of one guide for a query's terms; 0 when some word of the query matches nowhere. */
export function scoreGuide(doc: GuideDoc, terms: string[][]): number {
	let total = 0;
	for (const alternatives of terms) {
		let best = 0;
		for (const term of alternatives) {
			best = Math.max(
				best,
				WEIGHT.title * contains(doc.title, term),
				WEIGHT.headings * Math.max(0, ...doc.headings.map((h) => contains(h, term))),
				WEIGHT.events * Math.max(0, ...doc.events.map((e) => contains(e.replace(/_/g, ' '), term.replace(/_/g, ' ')))),
				WEIGHT.description * contains(doc.description, term),
			);
		}
		if (best === 0) return 0;
		total += best;
	}
	return total;
}

/** The guides that match `query`, the reader's language first, best first within each language. */
export function rankGuides(query: string, docs: readonly GuideDoc[], lang: Lang): GuideDoc[] {
	const terms = queryTerms(query).pageTerms;
	if (terms.length === 0) return [];
	return docs
		.map((doc, i) => ({ doc, i, score: scoreGuide(doc, terms) }))
		.filter((d) => d.score > 0)
		.sort((a, b) => Number(b.doc.lang === lang) - Number(a.doc.lang === lang) || b.score - a.score || a.i - b.i)
		.map((d) => d.doc);
}
