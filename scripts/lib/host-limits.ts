/**
 * What free static hosts accept, and how a built site (dist/) measures against it: the figures
 * `npm run bench` prints, `npm run check:host` enforces and the host test checks after a real build.
 *
 * Limits (as the hosts document them): GitHub Pages publishes sites of at most 1 GB; Cloudflare
 * Pages' free plan takes at most 20,000 files of at most 25 MiB each. Both serve index.html for a
 * folder and 404.html for a missing path, and compress HTML, CSS, JS and JSON themselves.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface DistFigures {
	/** Sum of the files' sizes (what a host stores and counts), not the disk blocks du reports. */
	bytes: number;
	files: number;
	largest: { path: string; bytes: number };
	/** The same figures per top-level entry of dist/ (events, en, data, pagefind, _astro…). */
	parts: Map<string, { bytes: number; files: number }>;
}

export interface HostLimit {
	host: string;
	/** Total size; undefined when the host sets none. */
	bytes?: number;
	files?: number;
	fileBytes?: number;
}

export const HOST_LIMITS: HostLimit[] = [
	{ host: 'GitHub Pages', bytes: 1e9 },
	{ host: 'Cloudflare Pages (free plan)', files: 20_000, fileBytes: 25 * 1024 * 1024 },
];

/**
 * The budget per captured kernel: issue 14's 400 MB and 15,000 files for four kernels, a quarter
 * each. A site of n kernels is held to n times it, and never past the tightest host limit above.
 */
export const BUDGET_PER_KERNEL = { bytes: 400e6 / 4, files: 15_000 / 4 };
/** How many kernels the site must still fit with: the four Debian suites on amd64 and arm64. */
export const PLANNED_KERNELS = 8;

export interface Budget {
	kernels: number;
	bytes: number;
	files: number;
}

/** The budget of a site of `kernels` kernels. */
export function budgetFor(kernels: number, limits: readonly HostLimit[] = HOST_LIMITS): Budget {
	const tightest = (key: 'bytes' | 'files') => Math.min(...limits.flatMap((l) => (l[key] === undefined ? [] : [l[key]])));
	return {
		kernels,
		bytes: Math.min(kernels * BUDGET_PER_KERNEL.bytes, tightest('bytes')),
		files: Math.min(Math.floor(kernels * BUDGET_PER_KERNEL.files), tightest('files')),
	};
}

/** One line: the budget of `kernels` kernels and whether `figures` are within it. */
export function budgetLine(figures: Pick<DistFigures, 'bytes' | 'files'>, kernels: number): string {
	const budget = budgetFor(kernels);
	const within = figures.bytes <= budget.bytes && figures.files <= budget.files;
	return `budget for ${budget.kernels} kernels: ${size(budget.bytes)}, ${count(budget.files)} files (${within ? 'within' : 'OVER'})`;
}

export function measureDist(dir: string): DistFigures {
	if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} holds no index.html: build the site first (npm run build) or pass the folder astro build wrote`);
	return measureFiles(dir);
}

/** The same figures for any folder (a part of a site); empty figures when it does not exist. */
export function measureFiles(dir: string): DistFigures {
	const figures: DistFigures = { bytes: 0, files: 0, largest: { path: '', bytes: 0 }, parts: new Map() };
	if (!existsSync(dir)) return figures;
	for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		const path = join(entry.parentPath, entry.name);
		const bytes = statSync(path).size;
		const rel = relative(dir, path);
		figures.bytes += bytes;
		figures.files++;
		if (bytes > figures.largest.bytes) figures.largest = { path: rel, bytes };
		const top = rel.includes('/') ? `${rel.split('/')[0]}/` : '(top-level files)';
		const part = figures.parts.get(top) ?? { bytes: 0, files: 0 };
		part.bytes += bytes;
		part.files++;
		figures.parts.set(top, part);
	}
	return figures;
}

/** Bytes in decimal units, as hosts state their limits (1 GB = 10⁹ bytes). */
export const size = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`);
export const count = (n: number) => n.toLocaleString('en-US');

/** Every limit the site breaks, one line each naming the host, the limit and the figure; empty when it fits everywhere. */
export function hostViolations(figures: Pick<DistFigures, 'bytes' | 'files' | 'largest'>, limits: readonly HostLimit[] = HOST_LIMITS): string[] {
	return limits.flatMap((limit) => [
		...(limit.bytes !== undefined && figures.bytes > limit.bytes ? [`${limit.host}: the site is ${size(figures.bytes)}, over its limit of ${size(limit.bytes)}`] : []),
		...(limit.files !== undefined && figures.files > limit.files ? [`${limit.host}: the site has ${count(figures.files)} files, over its limit of ${count(limit.files)}`] : []),
		...(limit.fileBytes !== undefined && figures.largest.bytes > limit.fileBytes
			? [`${limit.host}: ${figures.largest.path} is ${size(figures.largest.bytes)}, over its limit of ${size(limit.fileBytes)} per file`]
			: []),
	]);
}

/** The files every static host needs at the root: the home page and the page it serves for a missing path. */
export function missingRootFiles(dir: string): string[] {
	return ['index.html', '404.html'].filter((f) => !existsSync(join(dir, f)));
}
