/**
 * The whole site, built from the committed data/ as `npm run build` builds it, fits the free static
 * hosts it is meant for: measured with the same code as `npm run bench` and `npm run check:host`
 * (scripts/lib/host-limits.ts), and checked by that command itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetFor, budgetLine, count, HOST_LIMITS, hostViolations, size, measureDist, missingRootFiles, type DistFigures } from '../../scripts/lib/host-limits.ts';
import { buildSite } from './build.ts';

const REPO = resolve(import.meta.dirname, '../..');
const checkHost = (dist: string) => spawnSync(process.execPath, [join(REPO, 'scripts/check-host.ts'), '--dist', dist], { encoding: 'utf8' });

describe('the full site on a free static host', () => {
	let dist: string;
	let figures: DistFigures;
	beforeAll(() => {
		const build = buildSite({ ATLAS_BASE: '/tracepoint-atlas/' });
		dist = build.dir;
		figures = measureDist(dist);
		console.log(`full build: ${build.pages} pages in ${build.seconds.toFixed(0)} s; dist ${size(figures.bytes)} in ${count(figures.files)} files`);
	});
	afterAll(() => {
		if (dist) rmSync(dist, { recursive: true, force: true });
	});

	it('is within every host limit and its budget per kernel, and has the pages a host serves for / and for a missing path', () => {
		expect(hostViolations(figures)).toEqual([]);
		const kernels = (JSON.parse(readFileSync(join(dist, 'data', 'events.json'), 'utf8')) as { kernels: unknown[] }).kernels.length;
		const budget = budgetFor(kernels);
		expect(figures.bytes, budgetLine(figures, kernels)).toBeLessThanOrEqual(budget.bytes);
		expect(figures.files, budgetLine(figures, kernels)).toBeLessThanOrEqual(budget.files);
		expect(missingRootFiles(dist)).toEqual([]);
		// Event pages share data shards instead of one JSON each: a few hundred files for thousands of events.
		const events = JSON.parse(readFileSync(join(dist, 'data', 'events.json'), 'utf8')) as { events: unknown[] };
		expect(figures.parts.get('data/')!.files).toBeLessThan(events.events.length / 10);
	});

	it('passes npm run check:host, which prints its figures', () => {
		const r = checkHost(dist);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toContain(`${size(figures.bytes)} in ${count(figures.files)} files`);
		expect(r.stdout).toContain(`fits ${HOST_LIMITS.map((l) => l.host).join(' and ')}`);
	});
});

describe('npm run check:host', () => {
	const dir = mkdtempSync(join(tmpdir(), 'atlas-host-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('fails in one line naming the host and its limit when a figure is over it', () => {
		writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
		writeFileSync(join(dir, '404.html'), 'x'.repeat(3000));
		const tiny = [{ host: 'A host', bytes: 1000 }, { host: 'Another', files: 1 }, { host: 'A third', fileBytes: 2000 }];
		expect(hostViolations(measureDist(dir), tiny)).toEqual([
			'A host: the site is 3.0 kB, over its limit of 1.0 kB',
			'Another: the site has 2 files, over its limit of 1',
			'A third: 404.html is 3.0 kB, over its limit of 2.0 kB per file',
		]);
	});

	it('holds a site to its budget per kernel, never past the tightest host limit', () => {
		expect(budgetFor(4)).toEqual({ kernels: 4, bytes: 400e6, files: 15_000 });
		expect(budgetFor(7)).toEqual({ kernels: 7, bytes: 700e6, files: 20_000 });
		expect(budgetFor(12)).toEqual({ kernels: 12, bytes: 1e9, files: 20_000 });
		expect(budgetLine({ bytes: 701e6, files: 100 }, 7)).toBe('budget for 7 kernels: 700.0 MB, 20,000 files (OVER)');
		expect(budgetLine({ bytes: 500e6, files: 14_000 }, 7)).toBe('budget for 7 kernels: 700.0 MB, 20,000 files (within)');
	});

	it('fails when the site has no 404 page, and when there is no site', () => {
		const no404 = mkdtempSync(join(dir, 'no404-'));
		writeFileSync(join(no404, 'index.html'), '<!doctype html><title>x</title>');
		const r = checkHost(no404);
		expect(r.status).toBe(1);
		expect(r.stderr).toContain(`every host: ${no404}/404.html is missing`);
		const none = checkHost(join(dir, 'nothing-here'));
		expect(none.status).toBe(1);
		expect(none.stderr).toBe(`check:host: ${join(dir, 'nothing-here')}/ holds no built site: run npm run build first, or pass --dist DIR\n`);
	});
});
