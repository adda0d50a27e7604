/**
 * How many events the finder (explorer, home picker) lists. Two numbers, kept apart on purpose:
 * the rows drawn at build time (few, so the page is light on a phone and readable without
 * JavaScript) and the page size of search results (what a search or "Show more" lists). A search
 * never lists fewer results than a page because the build drew few rows.
 */
export interface FinderPaging {
	/** Rows in the HTML before any search. */
	prerendered: number;
	/** Results a search lists, and how many more "Show more" adds. */
	pageSize: number;
}

export type FinderAction = 'search' | 'more';

/** The number of results to list after an action, from the number listed before it. */
export function nextShown(paging: FinderPaging, shown: number, action: FinderAction): number {
	return action === 'more' ? Math.max(shown, paging.prerendered) + paging.pageSize : paging.pageSize;
}

/** Whether "Show more" is offered: some results of the query are not listed yet. */
export const hasMore = (shown: number, total: number): boolean => total > shown;
