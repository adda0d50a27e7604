/**
 * The committed snapshots in data/ (or ATLAS_DATA), for tests that need several real kernels.
 * Fails, never skips, when there are fewer than two: the site's cross-kernel features need them.
 */
import { loadCatalog } from '../../src/site/data.ts';
import type { Catalog } from '../../src/site/catalog.ts';

export function committedCatalog(): Catalog {
	const catalog = loadCatalog();
	if (catalog.kernels.length < 2) {
		throw new Error(`data/ holds ${catalog.kernels.length} kernel snapshot(s); these tests need at least two (run npm run capture)`);
	}
	return catalog;
}
