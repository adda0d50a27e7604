// @ts-check
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';
import { fileURLToPath } from 'node:url';
import { markdownShikiConfig } from './src/site/markdown-code.ts';

/**
 * Site search: once the build is done, Pagefind indexes the guides, kernel pages and home pages
 * from dist/. Events are not in it: the search dialog finds them in data/events.json, and
 * indexing thousands of event pages again cost a 53 MB index in 12,827 files. The index goes to
 * dist/pagefind/, which the search dialog loads on first use. ATLAS_PAGEFIND=0 skips it (quick
 * local builds).
 * @returns {import('astro').AstroIntegration}
 */
function pagefind() {
	return {
		name: 'atlas-pagefind',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				if (process.env.ATLAS_PAGEFIND === '0') return;
				const started = performance.now();
				const { createIndex, close } = await import('pagefind');
				/**
				 * @template {{ errors: string[] }} T
				 * @param {string} what
				 * @param {T} response
				 * @returns {T}
				 */
				const check = (what, response) => {
					if (response.errors.length) throw new Error(`Pagefind could not ${what}: ${response.errors.join('; ')}`);
					return response;
				};
				try {
					const { index } = check('start', await createIndex({}));
					if (!index) throw new Error('Pagefind could not start');
					let pages = 0;
					for (const glob of ['index.html', 'en/index.html', 'guides/**/*.html', 'en/guides/**/*.html', 'kernels/**/*.html', 'en/kernels/**/*.html']) {
						pages += check(`index ${glob}`, await index.addDirectory({ path: fileURLToPath(dir), glob })).page_count;
					}
					check('write its index', await index.writeFiles({ outputPath: fileURLToPath(new URL('./pagefind/', dir)) }));
					logger.info(`indexed ${pages} pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
				} finally {
					await close();
				}
			},
		},
	};
}

// ATLAS_BASE deploys the static site under a sub-path (e.g. /tracepoint-atlas/); ATLAS_DATA picks the data folder (default data/).
export default defineConfig({
	// The public address (ATLAS_SITE) gives pages canonical and hreflang links; without it they have none.
	...(process.env.ATLAS_SITE ? { site: process.env.ATLAS_SITE } : {}),
	base: process.env.ATLAS_BASE ?? '/',
	trailingSlash: 'always',
	// A class per scoped element instead of a data-astro-cid-* attribute: same specificity, fewer
	// bytes on each of thousands of event pages.
	scopedStyleStrategy: 'class',
	// Code fences in the guides: the site's own highlighting (class names, light and dark palettes), not shiki's github-dark.
	markdown: { shikiConfig: markdownShikiConfig },
	integrations: [mdx(), pagefind()],
	vite: {
		build: {
			// Every script is a file the browser caches once, not a copy inlined into each of thousands of pages.
			assetsInlineLimit: 0,
			rolldownOptions: {
				onLog(level, log, handler) {
					// Astro's MDX asset wrapper starts with a "use astro:head-inject" directive that
					// Rolldown warns about once per guide; it is Astro's own marker and harmless
					// (withastro/astro#18087).
					if (log.code === 'MODULE_LEVEL_DIRECTIVE' && log.message.includes('astro:head-inject')) return;
					handler(level, log);
				},
			},
		},
	},
});
