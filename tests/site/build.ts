/** Builds the site into a fresh folder with `astro build`, for the browser tests and the benchmark. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BuildResult {
	dir: string;
	seconds: number;
	/** Pages and endpoints Astro wrote, from its closing line. */
	pages: number;
	log: string;
}

/** Variables vitest sets for its own Vite (BASE_URL, MODE, NODE_ENV=test…) that would leak into the site's build. */
const TEST_RUNNER_ENV = /^(VITEST.*|VITE_.*|BASE_URL|MODE|DEV|PROD|SSR|NODE_ENV|TEST)$/;

export function buildSite(env: Record<string, string>): BuildResult {
	const dir = mkdtempSync(join(tmpdir(), 'atlas-site-'));
	const started = performance.now();
	const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !TEST_RUNNER_ENV.test(key)));
	// One build at a time: concurrent builds in one project share .astro/ (prerender chunks, content store) and break each other.
	const run = spawnSync('flock', [join(tmpdir(), 'atlas-astro-build.lock'), 'astro', 'build', '--outDir', dir], {
		env: { ...inherited, ASTRO_TELEMETRY_DISABLED: '1', PATH: `${join(process.cwd(), 'node_modules', '.bin')}:${process.env.PATH}`, ...env },
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024,
	});
	const log = `${run.stdout}\n${run.stderr}`;
	if (run.status !== 0) throw new Error(`astro build failed (exit ${run.status}):\n${log.split('\n').slice(-40).join('\n')}`);
	const pages = Number(/(\d+) page\(s\) built/.exec(log)?.[1] ?? NaN);
	return { dir, seconds: (performance.now() - started) / 1000, pages, log };
}
