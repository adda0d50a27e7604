/** The guides' search documents read straight from content/ (or ATLAS_CONTENT), as data/guides.json holds them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { GuideFrontmatterSchema } from '../../src/components/guide/frontmatter.ts';
import { guideDoc, type GuideDoc } from '../../src/site/guide-search.ts';
import { LANGS } from '../../src/site/i18n.ts';

export function readGuideDocs(dir = process.env.ATLAS_CONTENT || 'content'): GuideDoc[] {
	return LANGS.flatMap((lang) =>
		readdirSync(join(dir, lang))
			.filter((f) => f.endsWith('.mdx') && !f.startsWith('_'))
			.map((file) => {
				const text = readFileSync(join(dir, lang, file), 'utf8');
				const [, yaml, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
				if (yaml === undefined) throw new Error(`${join(dir, lang, file)}: no frontmatter`);
				const data = GuideFrontmatterSchema.parse(load(yaml));
				return { order: data.order, doc: guideDoc({ lang, slug: file.replace(/\.mdx$/, ''), title: data.title, description: data.description, events: data.events }, body!) };
			})
			.sort((a, b) => a.order - b.order)
			.map((g) => g.doc),
	);
}
