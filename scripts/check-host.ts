/**
 * `npm run check:host [-- --dist DIR]`: fails when a built site would be refused by a free static
 * host (GitHub Pages: 1 GB; Cloudflare Pages' free plan: 20,000 files, 25 MiB per file) or lacks
 * index.html or 404.html. Prints the figures either way. Run it after `npm run build`, before deploying.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine, runCli, UsageError } from './lib/cli.ts';
import { budgetLine, count, HOST_LIMITS, hostViolations, size, measureDist, missingRootFiles } from './lib/host-limits.ts';

const HELP = `Usage:
  npm run check:host [-- --dist DIR]

Measures a built site (default: dist/, what npm run build writes) and fails, naming the host and
the limit, when a free static host would refuse it:
${HOST_LIMITS.map((l) => `  ${l.host}: ${[l.bytes && `at most ${size(l.bytes)}`, l.files && `${count(l.files)} files`, l.fileBytes && `${size(l.fileBytes)} per file`].filter(Boolean).join(', ')}`).join('\n')}
It also needs index.html and 404.html at the top of the folder.

Options:
  --dist DIR    the folder to check (default: dist)
  --help        this text`;

await runCli('check:host', () => {
	const { values } = parseCommandLine('check:host', HELP, { dist: { type: 'string', default: 'dist' } });
	const dir = values.dist;
	if (!existsSync(`${dir}/index.html`)) throw new UsageError(`${dir}/ holds no built site: run npm run build first, or pass --dist DIR`);
	const figures = measureDist(dir);
	console.log(`${dir}: ${size(figures.bytes)} in ${count(figures.files)} files; largest ${figures.largest.path} (${size(figures.largest.bytes)})`);
	for (const [part, f] of [...figures.parts].sort((a, b) => b[1].bytes - a[1].bytes)) console.log(`  ${part.padEnd(20)} ${size(f.bytes).padStart(10)} ${count(f.files).padStart(7)} files`);
	// The kernels the site was built with: data/events.json lists them.
	const index = join(dir, 'data', 'events.json');
	if (existsSync(index)) console.log(budgetLine(figures, (JSON.parse(readFileSync(index, 'utf8')) as { kernels: unknown[] }).kernels.length));
	const problems = [...hostViolations(figures), ...missingRootFiles(dir).map((f) => `every host: ${dir}/${f} is missing`)];
	if (problems.length) throw new UsageError(`${dir} would be refused:\n  ${problems.join('\n  ')}`);
	console.log(`fits ${HOST_LIMITS.map((l) => l.host).join(' and ')}`);
});
