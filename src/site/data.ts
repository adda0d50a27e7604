/**
 * The site's one door to data/ at build time: every snapshot read once (readSnapshot is the
 * expensive part, and thousands of pages ask), then the catalog built from them once.
 * The data folder is `ATLAS_DATA`, or `data` by default.
 */
import { listKernelIds, readSnapshot } from '../data/store.ts';
import { buildCatalog, type Catalog } from './catalog.ts';

export const dataDir = (): string => process.env.ATLAS_DATA || 'data';

let cached: { dir: string; catalog: Catalog } | undefined;

export function loadCatalog(): Catalog {
	const dir = dataDir();
	if (cached?.dir !== dir) {
		const ids = listKernelIds(dir);
		if (ids.length === 0) {
			throw new Error(`${dir}/kernels/ holds no snapshot: run \`npm run capture\` to fill it, or set ATLAS_DATA to a folder that has one`);
		}
		cached = { dir, catalog: buildCatalog(ids.map((id) => readSnapshot(dir, id))) };
	}
	return cached.catalog;
}
