/**
 * What the 404 page searches for: the last meaningful parts of the missing path, so
 * `/events/sched/sched_proces_exec/` (a typo) or `/en/events/syscalls/connect` suggest the nearest events.
 */
import { LANGS } from './i18n.ts';

const NOISE = new Set<string>(['events', 'kernels', 'guides', 'data', ...LANGS]);

/** A path segment decoded; a malformed escape (`%E0%A4%A`) is searched for as typed instead of throwing URIError. */
function decoded(part: string): string {
	try {
		return decodeURIComponent(part);
	} catch {
		return part;
	}
}

export function suggestionQuery(pathname: string, base: string): string {
	const root = base.endsWith('/') ? base : `${base}/`;
	const rest = pathname.startsWith(root) ? pathname.slice(root.length) : pathname;
	const parts = rest
		.split('/')
		.map((p) => decoded(p).replace(/\.html?$/, ''))
		.filter((p) => p && !NOISE.has(p));
	// `category/name`: the name alone finds more than both together when the category is wrong too.
	return (parts.at(-1) ?? '').replace(/[^\w.-]+/g, ' ').trim();
}
