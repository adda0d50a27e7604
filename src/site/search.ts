/**
 * Event search over every event of every kernel, for the explorer, the home page picker, the
 * search dialog and the 404 page. The index is `data/events.json` (see event-index.ts).
 *
 * uFuzzy decides what matches (told that `_` may sit inside a term, so `procexec` finds
 * `sched_process_exec`); `rankKey` decides the order, by what people trace: the exact name, then
 * a syscall's enter/exit pair for its name, then whole words before word prefixes before
 * substrings before fuzzy matches; within each, the events the guides and home page use, then
 * the category the query names, then syscalls, then the events most kernels have.
 */
import uFuzzy from '@leeoniya/ufuzzy';
import type { IndexEntry } from './event-index.ts';
import { queryTerms } from './search-terms.ts';

export interface SearchFilters {
	category?: string | undefined;
	/** Position of a kernel in the index's kernel list. */
	kernel?: number | undefined;
	/** Kernels as a mask of index positions (an architecture's): events on any of them. */
	anyOf?: number | undefined;
	origin?: 'builtin' | 'module' | undefined;
}

export interface SearchResult {
	/** How many entries match, of which `entries` holds the first `limit`. */
	total: number;
	entries: IndexEntry[];
}

export type EventSearch = (query: string, filters?: SearchFilters, limit?: number) => SearchResult;

/** What the ranking knows about the events beyond their names. */
export interface RankSignals {
	/** `category:name` of the events the guides and the home page use. */
	featured: ReadonlySet<string>;
}

/** Categories shown first when nothing is typed: where newcomers start. */
export const FIRST_CATEGORIES = ['syscalls', 'sched', 'net', 'tcp', 'sock', 'block', 'signal', 'irq', 'kmem', 'raw_syscalls'];

const fuzzy = new uFuzzy({ intraChars: "[a-z\\d'_]", intraIns: Infinity });
/** uFuzzy orders a manageable number of fuzzy matches; beyond that they keep the index's order. */
const FUZZY_SORT_LIMIT = 1000;

/** How a name matches, lower is better. */
export const TIER = {
	exact: 0,
	/** `sys_enter_read` / `sys_exit_read` for "read". */
	syscall: 1,
	/** `sys_enter_execve` for "exec": a syscall whose name starts with the query. */
	syscallPrefix: 2,
	/** `xprt_connect` for "connect": the query's words are whole words of the name. */
	word: 3,
	/** `sched_process_exec` for "sched_proc": the last word is a prefix of a word. */
	wordPrefix: 4,
	substring: 5,
	fuzzy: 6,
} as const;

const SYSCALL = /^sys_(enter|exit)_(.+)$/;

/** The tier of one event for a query already normalised to `word_word`. */
export function matchTier(entry: IndexEntry, query: string): number {
	const key = `${entry.category}:${entry.name}`;
	if (entry.name === query || key === query) return TIER.exact;
	if (entry.category === 'syscalls') {
		const syscall = SYSCALL.exec(entry.name)?.[2];
		if (syscall === query) return TIER.syscall;
		if (syscall?.startsWith(query)) return TIER.syscallPrefix;
	}
	const words = entry.name.split('_');
	const wanted = query.includes(':') ? query.slice(query.indexOf(':') + 1).split('_') : query.split('_');
	if (query.includes(':') && !key.startsWith(query)) return entry.name.includes(wanted.join('_')) ? TIER.substring : TIER.fuzzy;
	let prefix = false;
	for (let start = 0; start + wanted.length <= words.length; start++) {
		const last = wanted.length - 1;
		if (!wanted.slice(0, last).every((w, i) => words[start + i] === w)) continue;
		if (words[start + last] === wanted[last]) return TIER.word;
		if (words[start + last]!.startsWith(wanted[last]!)) prefix = true;
	}
	if (prefix) return TIER.wordPrefix;
	return entry.name.includes(query) ? TIER.substring : TIER.fuzzy;
}

const popcount = (mask: number) => {
	let n = 0;
	for (let m = mask; m; m &= m - 1) n++;
	return n;
};

/** Sorts `candidates` (positions in `entries`) best first; `fuzzyOrder` ranks fuzzy-only matches. */
function rank(entries: readonly IndexEntry[], candidates: number[], query: string, signals: RankSignals, fuzzyOrder: Map<number, number>): number[] {
	const keys = new Map<number, (number | string)[]>();
	for (const i of candidates) {
		const e = entries[i]!;
		const tier = matchTier(e, query);
		const syscall = e.category === 'syscalls' ? SYSCALL.exec(e.name) : null;
		// A syscall's pair stays together: rank both by the syscall, enter before exit.
		const featured = signals.featured.has(`${e.category}:${e.name}`) || (syscall !== null && signals.featured.has(`syscalls:sys_enter_${syscall[2]}`));
		keys.set(i, [
			tier,
			tier === TIER.fuzzy ? (fuzzyOrder.get(i) ?? Number.MAX_SAFE_INTEGER) : 0,
			featured ? 0 : 1,
			// "tcp" means the tcp category before iscsi_dbg_tcp.
			e.category === query.split('_')[0] ? 0 : 1,
			e.category === 'syscalls' ? 0 : 1,
			-popcount(e.kernels),
			syscall ? syscall[2]!.length : e.name.length,
			syscall ? syscall[2]! : e.name,
			syscall?.[1] === 'exit' ? 1 : 0,
			e.category,
		]);
	}
	return candidates.sort((a, b) => {
		const ka = keys.get(a)!;
		const kb = keys.get(b)!;
		for (let j = 0; j < ka.length; j++) {
			if (ka[j]! < kb[j]!) return -1;
			if (ka[j]! > kb[j]!) return 1;
		}
		return 0;
	});
}

/** The order of the list before anything is typed: the featured events, then the first categories, then A–Z. */
export function browseOrder(entries: readonly IndexEntry[], signals: RankSignals): number[] {
	const categoryRank = (c: string) => {
		const i = FIRST_CATEGORIES.indexOf(c);
		return i < 0 ? FIRST_CATEGORIES.length : i;
	};
	return entries
		.map((_, i) => i)
		.sort((a, b) => {
			const ea = entries[a]!;
			const eb = entries[b]!;
			const fa = signals.featured.has(`${ea.category}:${ea.name}`) ? 0 : 1;
			const fb = signals.featured.has(`${eb.category}:${eb.name}`) ? 0 : 1;
			return fa - fb || categoryRank(ea.category) - categoryRank(eb.category) || a - b;
		});
}

export function createEventSearch(entries: readonly IndexEntry[], signals: RankSignals = { featured: new Set() }): EventSearch {
	const haystack = entries.map((e) => `${e.category}:${e.name}`);
	// Sorted on first use: pages that only search by name never pay for it.
	let browse: number[] | undefined;
	return (rawQuery, filters = {}, limit = 50) => {
		const words = queryTerms(rawQuery).eventWords;
		const query = words.join('_');
		const filtered = Boolean(filters.category || filters.kernel !== undefined || filters.anyOf !== undefined || filters.origin);
		const keep = (e: IndexEntry) =>
			(!filters.category || e.category === filters.category) &&
			(filters.kernel === undefined || Boolean(e.kernels & (1 << filters.kernel))) &&
			(filters.anyOf === undefined || Boolean(e.kernels & filters.anyOf)) &&
			(!filters.origin || (e.module === null) === (filters.origin === 'builtin'));
		let candidates: number[] = [];
		if (!rawQuery.trim()) {
			browse ??= browseOrder(entries, signals);
			candidates = browse.filter((i) => keep(entries[i]!));
		} else {
			if (!query) return { total: 0, entries: [] };
			const needle = words.join(' ');
			const within = filtered ? entries.flatMap((e, i) => (keep(e) ? [i] : [])) : undefined;
			const idxs = fuzzy.filter(haystack, needle, within) ?? [];
			const fuzzyOrder = new Map<number, number>();
			if (idxs.length > 0 && idxs.length <= FUZZY_SORT_LIMIT) {
				const info = fuzzy.info(idxs, haystack, needle);
				fuzzy.sort(info, haystack, needle).forEach((o, position) => fuzzyOrder.set(info.idx[o]!, position));
			}
			candidates = rank(entries, [...idxs], query, signals, fuzzyOrder);
		}
		return { total: candidates.length, entries: candidates.slice(0, limit).map((i) => entries[i]!) };
	};
}
