/**
 * Names near a mistyped one, for "did you mean" hints (the generate CLI's unknown kernel or event).
 * uFuzzy turns the needle into regular expressions, and with out-of-order terms tries their orders:
 * an unbounded needle took a minute at 1,000 characters and crashed Node at 2,000. The needle is cut
 * to what a real name can be long, in at most a few terms, so every call stays fast.
 */
import uFuzzy from '@leeoniya/ufuzzy';

/** Longer than any `category:name` key (the longest real one is 71 characters). */
export const MAX_NEEDLE_LENGTH = 128;
export const MAX_TERMS = 4;

/** The part of `text` worth searching for: at most MAX_NEEDLE_LENGTH characters in at most a few terms. */
export function boundedNeedle(text: string): string {
	return text.slice(0, MAX_NEEDLE_LENGTH).trim().split(/\s+/).slice(0, MAX_TERMS).join(' ');
}

/** Up to five names of `haystack` near `needle` (typos, missing parts, words out of order). */
export function nearest(haystack: string[], needle: string): string[] {
	const bounded = boundedNeedle(needle);
	if (!bounded) return [];
	const fuzzy = new uFuzzy({ intraMode: 1 });
	for (const outOfOrder of [0, 1]) {
		const [idxs, info, order] = fuzzy.search(haystack, bounded, outOfOrder);
		if (info && order && order.length > 0) return order.slice(0, 5).map((i) => haystack[info.idx[i] as number] as string);
		if (idxs && idxs.length > 0) return idxs.slice(0, 5).map((i) => haystack[i] as string);
	}
	return [];
}
