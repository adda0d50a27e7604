/**
 * The guides' structure: every guide exists in Chinese and English with the same numbered steps and
 * the same data blocks in each step, every step shows a command, and everything a guide refers to —
 * events, snippets, other guides — exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/site/data.ts';
import { LANGS } from '../../src/site/i18n.ts';
import { guideKernel } from '../../src/components/guide/data.ts';
import { SNIPPET_DIR } from '../../src/components/guide/snippets.ts';
import { CONTENT_DIR, guideSlugs, readOutline } from './outline.ts';

/** The eight guides issue 5 asks for, and issue 17's "Which probe answers my question?". */
const REQUIRED = ['trace-connect', 'find-events', 'section-names', 'read-format', 'context-types', 'accept-or-accept4', 'strings-pointers', 'build-run', 'which-probe'];

const slugs = guideSlugs('zh');

describe('guide content', () => {
	it('has every required guide, and the same guides in every language', () => {
		for (const lang of LANGS) expect(guideSlugs(lang), `content/${lang}/`).toEqual([...REQUIRED].sort());
	});

	it('numbers guides 1..N without gaps, the same in both languages', () => {
		const orders = slugs.map((slug) => readOutline('zh', slug).frontmatter.order).sort((a, b) => a - b);
		expect(orders).toEqual(orders.map((_, i) => i + 1));
	});

	it('Chinese keeps 挂载 for mount: no sentence also says attach (附加, 挂接, 挂)', () => {
		for (const slug of slugs) {
			const text = readFileSync(join(CONTENT_DIR, 'zh', `${slug}.mdx`), 'utf8');
			const mixed = text.split(/[。！？\n]/).filter((s) => s.includes('挂载') && /附加|挂接|挂(?!载)/.test(s));
			expect(mixed, `content/zh/${slug}.mdx`).toEqual([]);
		}
	});

	for (const slug of slugs) {
		describe(slug, () => {
			const versions = LANGS.map((lang) => readOutline(lang, slug));
			const [zh, en] = versions as [ReturnType<typeof readOutline>, ReturnType<typeof readOutline>];

			it('declares its own language and shares order and events across languages', () => {
				for (const v of versions) expect(v.frontmatter.lang, v.file).toBe(v.lang);
				expect(en.frontmatter.order).toBe(zh.frontmatter.order);
				expect(en.frontmatter.events).toEqual(zh.frontmatter.events);
			});

			it('has steps numbered 1..N (or 0..N, a quick look first), each showing a command', () => {
				for (const v of versions) {
					expect(v.steps.length, `${v.file} has no <Step>`).toBeGreaterThan(1);
					const first = v.steps[0]?.n === 0 ? 0 : 1;
					expect(v.steps.map((s) => s.n), v.file).toEqual(v.steps.map((_, i) => i + first));
					for (const s of v.steps) expect(s.hasCommand || s.components.some((c) => c.name === 'Snippet' || c.name === 'Skeleton'), `${v.file} step ${s.n} shows no command or code`).toBe(true);
				}
			});

			it('shows the same data blocks in the same steps in both languages', () => {
				expect(en.steps.map((s) => s.components)).toEqual(zh.steps.map((s) => s.components));
			});

			it('refers only to events, snippets and guides that exist', () => {
				const catalog = loadCatalog();
				for (const v of versions) {
					for (const ref of [...v.frontmatter.events, ...v.eventRefs]) {
						const [category, name] = ref.split(':') as [string, string];
						expect(catalog.find(category, name), `${v.file} refers to ${ref}, which no kernel in data/ has`).toBeDefined();
					}
					const newest = guideKernel().id;
					for (const ref of v.frontmatter.events) {
						const [category, name] = ref.split(':') as [string, string];
						expect(catalog.event(newest, category, name), `${v.file} teaches ${ref}, missing on the newest kernel of the guides' architecture, which its data blocks show`).toBeDefined();
					}
					for (const file of v.snippets) expect(existsSync(join(SNIPPET_DIR, file)), `${v.file} shows ${file}`).toBe(true);
					for (const link of v.guideLinks) expect(slugs, `${v.file} links to ../${link}/`).toContain(link);
				}
			});
		});
	}
});
