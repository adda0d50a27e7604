// @ts-check
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';

// ATLAS_BASE lets the static site be deployed under a sub-path (e.g. /tracepoint-atlas/).
export default defineConfig({
	site: process.env.ATLAS_SITE ?? 'http://localhost:4321',
	base: process.env.ATLAS_BASE ?? '/',
	trailingSlash: 'always',
	integrations: [mdx()],
});
