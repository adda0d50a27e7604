// @ts-check
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';
import { fileURLToPath } from 'node:url';

/**
 * Site search: once the build is done, Pagefind indexes the guides, kernel pages and home pages
 * from dist/, and every event page from the catalog (src/site/search-records.ts) rather than
 * parsing thousands of HTML files. The index goes to dist/pagefind/, which the search dialog loads
 * on first use. ATLAS_PAGEFIND=0 skips it (quick local builds).
 * @returns {import('astro').AstroIntegration}
 */
function pagefind() {
	let base = '/';
	return {
		name: 'atlas-pagefind',
		hooks: {
			'astro:config:done': ({ config }) => {
				base = config.base;
			},
			'astro:build:done': async ({ dir, logger }) => {
				if (process.env.ATLAS_PAGEFIND === '0') return;
				const started = performance.now();
				const { createIndex, close } = await import('pagefind');
				const { loadCatalog } = await import('./src/site/data.ts');
				const { eventSearchRecords } = await import('./src/site/search-records.ts');
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
					const records = eventSearchRecords(loadCatalog(), base);
					for (const record of records) check(`add ${record.url}`, await index.addCustomRecord(record));
					check('write its index', await index.writeFiles({ outputPath: fileURLToPath(new URL('./pagefind/', dir)) }));
					logger.info(`indexed ${pages} pages and ${records.length} event records in ${((performance.now() - started) / 1000).toFixed(1)} s`);
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
	integrations: [mdx(), pagefind()],
});
