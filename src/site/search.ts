/**
 * Fuzzy search over every event of every kernel, for the explorer, the home page picker, the
 * search dialog and the 404 page. The index is `data/events.json` (see event-index.ts).
 *
 * Matching is uFuzzy's, told that `_` may sit inside a term, so `procexec` finds
 * `sched_process_exec`; ranking then puts exact names, prefixes and substrings first.
 */
import uFuzzy from '@leeoniya/ufuzzy';
import type { IndexEntry } from './event-index.ts';
import { boundedNeedle } from './nearest.ts';

export interface SearchFilters {
	category?: string | undefined;
	/** Position of a kernel in the index's kernel list. */
	kernel?: number | undefined;
	origin?: 'builtin' | 'module' | undefined;
}

export interface SearchResult {
	/** How many entries match, of which `entries` holds the first `limit`. */
	total: number;
	entries: IndexEntry[];
}

export type EventSearch = (query: string, filters?: SearchFilters, limit?: number) => SearchResult;

const fuzzy = new uFuzzy({ intraChars: "[a-z\\d'_]", intraIns: Infinity });
const RANK_LIMIT = 1000;

/** How well a match fits, lower is better: the whole name, a prefix, a substring, any fuzzy match. */
function tier(entry: IndexEntry, query: string): number {
	const key = `${entry.category}:${entry.name}`;
	if (entry.name === query || key === query) return 0;
	if (entry.name.startsWith(query) || key.startsWith(query)) return 1;
	if (entry.name.includes(query)) return 2;
	return 3;
}

export function createEventSearch(entries: readonly IndexEntry[]): EventSearch {
	const haystack = entries.map((e) => `${e.category}:${e.name}`);
	return (rawQuery, filters = {}, limit = 50) => {
		// uFuzzy compiles the query into regular expressions: a 20,000-character one threw a SyntaxError.
		const query = boundedNeedle(rawQuery).toLowerCase();
		const filtered = Boolean(filters.category || filters.kernel !== undefined || filters.origin);
		let candidates: number[] = [];
		for (let i = 0; i < entries.length; i++) {
			const e = entries[i]!;
			if (filters.category && e.category !== filters.category) continue;
			if (filters.kernel !== undefined && !(e.kernels & (1 << filters.kernel))) continue;
			if (filters.origin && (e.module === null) !== (filters.origin === 'builtin')) continue;
			candidates.push(i);
		}
		if (query) {
			const idxs = fuzzy.filter(haystack, query, filtered ? candidates : undefined) ?? [];
			// uFuzzy ranks a manageable number of matches; beyond that keep the index's order.
			let ranked = idxs;
			if (idxs.length > 0 && idxs.length <= RANK_LIMIT) {
				const info = fuzzy.info(idxs, haystack, query);
				ranked = fuzzy.sort(info, haystack, query).map((o) => info.idx[o]!);
			}
			const position = new Map(ranked.map((idx, i) => [idx, i]));
			candidates = [...ranked].sort((a, b) => tier(entries[a]!, query) - tier(entries[b]!, query) || position.get(a)! - position.get(b)!);
		}
		return { total: candidates.length, entries: candidates.slice(0, limit).map((i) => entries[i]!) };
	};
}
