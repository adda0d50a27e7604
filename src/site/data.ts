/**
 * The site's one door to data/ at build time: every snapshot read once (readSnapshot is the
 * expensive part, and thousands of pages ask), then the catalog built from them once.
 * The data folder is `ATLAS_DATA`, or `data` by default.
 */
import { listKernelIds, readSnapshot } from '../data/store.ts';
import { listVerifiedKernels, readVerifyResult } from '../data/verify.ts';
import type { EventVerdict, VerifyResult } from '../schemas/verify.ts';
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

export interface Verification {
	/** Each verified kernel's results, oldest kernel first. */
	results: VerifyResult[];
	/** One event's verdict on each verified kernel that has it. */
	verdicts(category: string, name: string): { result: VerifyResult; verdict: EventVerdict }[];
}

let verification: { dir: string; value: Verification } | undefined;

/** The results of `npm run verify` in data/verify/, read once; empty when no kernel was verified. */
export function loadVerification(): Verification {
	const dir = dataDir();
	if (verification?.dir !== dir) {
		const order = loadCatalog().kernels.map((k) => k.id);
		const results = listVerifiedKernels(dir)
			.filter((id) => order.includes(id))
			.sort((a, b) => order.indexOf(a) - order.indexOf(b))
			.flatMap((id) => readVerifyResult(dir, id) ?? []);
		const byEvent = results.map((result) => new Map(result.events.map((v) => [v.event, v])));
		verification = {
			dir,
			value: {
				results,
				verdicts: (category, name) =>
					results.flatMap((result, i) => {
						const verdict = byEvent[i]!.get(`${category}:${name}`);
						return verdict ? [{ result, verdict }] : [];
					}),
			},
		};
	}
	return verification.value;
}
