// @ts-check
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';
import { fileURLToPath } from 'node:url';

/**
 * Site search over the built pages: Pagefind indexes dist/ once the build is done and writes its
 * index to dist/pagefind/, which the search dialog loads on first use. ATLAS_PAGEFIND=0 skips it
 * (quick local builds).
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
				try {
					const { index, errors } = await createIndex({});
					if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
					const added = await index.addDirectory({ path: fileURLToPath(dir) });
					if (added.errors.length) throw new Error(`Pagefind could not index ${fileURLToPath(dir)}: ${added.errors.join('; ')}`);
					const written = await index.writeFiles({ outputPath: fileURLToPath(new URL('./pagefind/', dir)) });
					if (written.errors.length) throw new Error(`Pagefind could not write its index: ${written.errors.join('; ')}`);
					logger.info(`indexed ${added.page_count} pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
				} finally {
					await close();
				}
			},
		},
	};
}

// ATLAS_BASE deploys the static site under a sub-path (e.g. /tracepoint-atlas/); ATLAS_DATA picks the data folder (default data/).
export default defineConfig({
	site: process.env.ATLAS_SITE ?? 'http://localhost:4321',
	base: process.env.ATLAS_BASE ?? '/',
	trailingSlash: 'always',
	integrations: [mdx(), pagefind()],
});
