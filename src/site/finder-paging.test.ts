import { describe, expect, it } from 'vitest';
import { hasMore, nextShown } from './finder-paging.ts';

const explorer = { prerendered: 30, pageSize: 100 };

describe('finder paging', () => {
	it('lists a whole page of results for a search, however few rows the build drew', () => {
		expect(nextShown(explorer, 30, 'search')).toBe(100);
		expect(nextShown(explorer, 300, 'search')).toBe(100);
	});

	it('adds a page with Show more, starting from the rows drawn at build time', () => {
		expect(nextShown(explorer, 30, 'more')).toBe(130);
		expect(nextShown(explorer, 100, 'more')).toBe(200);
		expect(nextShown(explorer, 0, 'more')).toBe(130);
	});

	it('offers more while results are left', () => {
		expect(hasMore(30, 6346)).toBe(true);
		expect(hasMore(100, 100)).toBe(false);
		expect(hasMore(100, 12)).toBe(false);
	});
});
