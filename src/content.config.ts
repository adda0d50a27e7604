/** Content collections: the step-by-step guides, one MDX file per guide and language. */
import { glob } from 'astro/loaders';
import { defineCollection } from 'astro:content';
import { GuideFrontmatterSchema } from './components/guide/frontmatter.ts';

/**
 * content/<lang>/<slug>.mdx → entry id `<lang>/<slug>`. Files starting with `_` are drafts or partials
 * and are not pages. The frontmatter schema (with a line of documentation per field) lives in
 * src/components/guide/frontmatter.ts so tests validate with it too.
 */
const guides = defineCollection({
	// ATLAS_CONTENT points the build at another folder (the site's browser tests build with none).
	loader: glob({ pattern: '**/[^_]*.mdx', base: process.env.ATLAS_CONTENT || './content' }),
	schema: GuideFrontmatterSchema,
});

export const collections = { guides };
