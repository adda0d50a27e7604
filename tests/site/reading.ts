/**
 * The reading and searching half of the browser tests (registered by site.test.ts, which builds
 * the fixture site once): search lands where the query table says, no kind of page scrolls
 * sideways on a 390 px phone, guide blocks copy what they show, the language switch keeps the
 * reader's state, a bad program name is explained, and the navigation aids work.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { listVerifiedKernels, readVerifyResult } from '../../src/data/verify.ts';
import { defaultKernel } from '../../src/site/arches.ts';
import { LANGS, strings, type Lang } from '../../src/site/i18n.ts';
import { SEARCH_CASES } from '../../src/site/search-queries.ts';
import { readGuideDocs } from './guide-docs.ts';
import { brokenPhrases, buttonsOverText, linesStartingWith, sidewaysOverflow } from './page-checks.ts';
import type { StaticServer } from './serve.ts';

interface Site {
	server: StaticServer;
	browser: Browser;
	/** The fixture data folder the site was built from. */
	data: string;
	siteDir: string;
}

const WIDTHS = [390, 1366] as const;
const prefix = (lang: Lang) => (lang === 'zh' ? '' : `${lang}/`);

/** Every kind of page, in both languages. */
const PAGE_KINDS = (kernel: string) => [
	'',
	'events/',
	'events/syscalls/sys_enter_connect/',
	'events/sched/sched_process_exec/',
	'guides/',
	'guides/trace-connect/',
	'guides/strings-pointers/',
	'kernels/',
	`kernels/${kernel}/`,
	'no/such/page/',
];

export function readingTests(site: () => Site): void {
	const context = (width: number, options: Parameters<Browser['newContext']>[0] = {}) =>
		site().browser.newContext({ viewport: { width, height: 860 }, ...options });
	const open = async (ctx: BrowserContext, path: string): Promise<Page> => {
		const page = await ctx.newPage();
		await page.goto(site().server.url + path);
		return page;
	};
	/** The newest kernel of the default architecture (amd64), the one event pages open on. */
	const newestKernel = () => defaultKernel((JSON.parse(readFileSync(join(site().siteDir, 'data', 'events.json'), 'utf8')) as { kernels: { id: string; arch: string }[] }).kernels)!.id;

	describe('search lands where the query table says', () => {
		it.each(WIDTHS)('in the search dialog at %i px, in both languages', async (width) => {
			const index = JSON.parse(readFileSync(join(site().siteDir, 'data', 'events.json'), 'utf8')) as { categories: string[]; events: [number, string][] };
			const present = new Set(index.events.map(([c, n]) => `${index.categories[c]}:${n}`));
			// The fixture holds the syscalls, sched and the guides' events: the cases about other events cannot land here.
			const cases = SEARCH_CASES.filter((c) => !c.event || present.has(c.event));
			expect(cases.length).toBeGreaterThanOrEqual(30);
			const ctx = await context(width);
			const misses: string[] = [];
			for (const lang of LANGS) {
				const page = await open(ctx, prefix(lang));
				await page.locator('.search-trigger').click();
				const input = page.locator('.search-dialog input');
				for (const c of cases.filter((c) => c.lang === lang)) {
					await input.fill(c.query);
					const selector = c.event ? '.search-results .event-row > a' : '.search-results a.guide-hit';
					await page.waitForFunction((query) => (document.querySelector('.search-results') as HTMLElement | null)?.dataset.query === query, c.query);
					const hrefs = await page.locator(selector).evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
					const wanted = c.event
						? `${site().server.url}${prefix(lang)}events/${c.event.replace(':', '/')}/`
						: `${site().server.url}${prefix(lang)}guides/${c.guide}/`;
					const rank = hrefs.indexOf(new URL(wanted).pathname) + 1;
					if (rank === 0 || rank > c.within) misses.push(`${c.query} (${lang}) → ${c.event ?? c.guide}: rank ${rank || 'none'} of ${hrefs.join(' ')}`);
				}
				await page.close();
			}
			await ctx.close();
			expect(misses).toEqual([]);
		});
	});

	describe('every kind of page reads on a phone', () => {
		it.each(LANGS)('no page scrolls sideways or cuts content at 390 px (%s), in both themes', async (lang) => {
			const problems: string[] = [];
			for (const colorScheme of ['light', 'dark'] as const) {
				const ctx = await context(390, { colorScheme });
				for (const path of PAGE_KINDS(newestKernel())) {
					const page = await open(ctx, prefix(lang) + path);
					await page.waitForLoadState('networkidle');
					for (const p of await sidewaysOverflow(page)) problems.push(`${colorScheme} ${prefix(lang)}${path}: ${p}`);
					await page.close();
				}
				await ctx.close();
			}
			expect(problems).toEqual([]);
		});

		it.each(WIDTHS)("lists every guide of the reader's language on the home page as a card with its title and link at %i px", async (width) => {
			const ctx = await context(width);
			const base = new URL(site().server.url).pathname;
			for (const lang of LANGS) {
				const guides = readGuideDocs().filter((g) => g.lang === lang);
				expect(guides.length).toBeGreaterThanOrEqual(4);
				const page = await open(ctx, prefix(lang));
				const cards = await page.locator('.guide-cards > li').evaluateAll((items) =>
					items.map((li) => {
						const a = li.querySelector('a');
						const box = (el: Element | null) => {
							const r = el?.getBoundingClientRect();
							return r ? { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width } : null;
						};
						const link = a ? getComputedStyle(a) : null;
						return {
							href: a ? new URL(a.href).pathname : null,
							// The title as the reader sees it: no-break spaces keep phrases together.
							title: (a?.querySelector('strong')?.textContent ?? '').replaceAll('\u00a0', ' '),
							bullet: getComputedStyle(li).display === 'list-item' && getComputedStyle(li).listStyleType !== 'none',
							item: box(li),
							link: box(a),
							border: link ? parseFloat(link.borderTopWidth) : 0,
							padding: link ? parseFloat(link.paddingLeft) : 0,
						};
					}),
				);
				expect(cards.map((c) => [c.title, c.href])).toEqual(guides.map((g) => [g.title, `${base}${prefix(lang)}guides/${g.slug}/`]));
				for (const c of cards) {
					// A card, not a bullet: the whole bordered, padded box is the link, inside the screen.
					expect(c.bullet, c.title).toBe(false);
					expect(c.border, c.title).toBeGreaterThan(0);
					expect(c.padding, c.title).toBeGreaterThanOrEqual(8);
					expect(c.link!.width, c.title).toBeGreaterThanOrEqual(c.item!.width - 1);
					expect(c.link!.left >= 0 && c.link!.right <= width, c.title).toBe(true);
				}
				// A grid: one column on a phone, several side by side on a desktop, no card over another.
				const columns = new Set(cards.map((c) => Math.round(c.item!.left))).size;
				if (width < 600) expect(columns).toBe(1);
				else expect(columns).toBeGreaterThanOrEqual(2);
				const overlapping = cards.flatMap((a, i) => cards.slice(i + 1).filter((b) => a.item!.left < b.item!.right - 1 && b.item!.left < a.item!.right - 1 && a.item!.top < b.item!.bottom - 1 && b.item!.top < a.item!.bottom - 1).map((b) => `${a.title} / ${b.title}`));
				expect(overlapping).toEqual([]);
				expect(await sidewaysOverflow(page)).toEqual([]);
				// A card leads to its guide.
				await page.locator('.guide-cards a').last().click();
				await page.waitForURL(`**${base}${prefix(lang)}guides/${guides.at(-1)!.slug}/`);
				await expect(page.locator('h1').textContent().then((t) => t?.replaceAll('\u00a0', ' '))).resolves.toBe(guides.at(-1)!.title);
				await page.close();
			}
			await ctx.close();
		});

		it('shows the field table as cards on a phone: its box does not scroll sideways, long value tables start collapsed', async () => {
			const ctx = await context(390);
			for (const path of ['events/syscalls/sys_enter_openat/', 'events/sched/sched_switch/', 'en/events/syscalls/sys_enter_connect/']) {
				const page = await open(ctx, path);
				await page.locator('#fields').scrollIntoViewIfNeeded();
				const box = await page.locator('#fields .table-wrap').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
				expect(box.scroll, path).toBeLessThanOrEqual(box.client);
				// Every field's card shows its name, type and offset within the screen.
				const cards = await page.locator('#fields table.fields > tbody > tr').evaluateAll((rows) =>
					rows.map((tr) => ({ right: Math.max(...[...tr.children].map((c) => c.getBoundingClientRect().right)), offset: getComputedStyle(tr.children[2]!, '::before').content })),
				);
				expect(cards.every((c) => c.right <= 390 && c.offset.length > 2), path).toBe(true);
				const tables = await page.locator('#fields details.names').evaluateAll((ds) => ds.map((d) => ({ open: (d as HTMLDetailsElement).open, names: d.querySelectorAll('tr').length })));
				expect(tables.filter((t) => t.names > 8 && t.open), path).toEqual([]);
				if (path.includes('openat')) expect(tables.some((t) => t.names > 8)).toBe(true);
				await page.close();
			}
			await ctx.close();
		});

		it('keeps Chinese headings from starting a line with 的 and 第 N 步 on one line, at both widths', async () => {
			for (const width of WIDTHS) {
				const ctx = await context(width);
				for (const path of ['', 'guides/trace-connect/', 'guides/accept-or-accept4/', 'events/syscalls/sys_enter_connect/']) {
					const page = await open(ctx, path);
					await expect(linesStartingWith(page, '的'), `${width} ${path}`).resolves.toEqual([]);
					const labels = await brokenPhrases(page, /第\s\d+\s步/);
					expect(labels, `${width} ${path}`).toEqual([]);
					await page.close();
				}
				await ctx.close();
			}
		});

		it('puts a working copy button on every code and command block of every guide, clear of the text', async () => {
			const ctx = await context(390, { permissions: ['clipboard-read', 'clipboard-write'] });
			for (const lang of LANGS) {
				const list = await open(ctx, `${prefix(lang)}guides/`);
				const guides = await list.locator('main a[href*="/guides/"]').evaluateAll((links) => [...new Set(links.map((a) => (a as HTMLAnchorElement).href))]);
				await list.close();
				expect(guides.length).toBeGreaterThanOrEqual(8);
				let blocks = 0;
				for (const url of guides) {
					const page = await ctx.newPage();
					await page.goto(url);
					const pres = page.locator('article.guide pre:not(.out):not(.diff)');
					const count = await pres.count();
					await expect(page.locator('article.guide pre:not(.out):not(.diff) > .copy-cmd').count(), url).resolves.toBe(count);
					for (let i = 0; i < count; i++) {
						const pre = pres.nth(i);
						// A block inside a closed <details> (a collapsed file) is copied after opening it, as a reader would.
						await pre.evaluate((el) => {
							for (let d = el.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
						});
						const expected = await pre.locator('code').textContent();
						await pre.locator('.copy-cmd').click();
						await expect(page.evaluate(() => navigator.clipboard.readText()), `${url} block ${i}`).resolves.toBe(expected);
					}
					await expect(buttonsOverText(page, 'article.guide pre'), url).resolves.toEqual([]);
					blocks += count;
					await page.close();
				}
				expect(blocks, lang).toBeGreaterThan(35);
			}
			// The event page's command blocks too.
			const page = await open(ctx, 'events/syscalls/sys_enter_connect/');
			await expect(buttonsOverText(page, 'pre.cmd'), 'event page').resolves.toEqual([]);
			await ctx.close();
		});

		it('colours guide code fences with the site palette in both themes, as event pages colour their code', async () => {
			for (const colorScheme of ['light', 'dark'] as const) {
				const ctx = await context(390, { colorScheme });
				const page = await open(ctx, 'en/guides/find-events/');
				// A fence of commands: the token colours and the background are the theme's code palette, not inline colours.
				const fence = await page.locator('article.guide pre.cmd:has(.line)').first().evaluate((pre) => {
					const root = getComputedStyle(document.documentElement);
					const resolve = (color: string) => {
						const probe = document.body.appendChild(Object.assign(document.createElement('span'), { style: `color: ${color}` }));
						const rgb = getComputedStyle(probe).color;
						probe.remove();
						return rgb;
					};
					const fn = pre.querySelector('.f')!;
					return {
						inline: pre.outerHTML.includes('style='),
						function: [getComputedStyle(fn).color, resolve(root.getPropertyValue('--code-token-function'))],
						background: [getComputedStyle(pre).backgroundColor, resolve(root.getPropertyValue('--code-bg'))],
						prompts: [...pre.querySelectorAll('code > .line')].map((line) => getComputedStyle(line, '::before').content),
					};
				});
				expect(fence.inline, colorScheme).toBe(false);
				expect(fence.function[0], colorScheme).toBe(fence.function[1]);
				expect(fence.prompts.length, colorScheme).toBeGreaterThan(1);
				expect(new Set(fence.prompts), colorScheme).toEqual(new Set(['"$ "']));
				expect(fence.background[0], colorScheme).toBe(fence.background[1]);
				await ctx.close();
			}
		});

		it('shows the underscores of the program-name placeholder, and English punctuation in a Latin font', async () => {
			const ctx = await context(390);
			const page = await open(ctx, 'en/events/syscalls/sys_enter_connect/');
			await page.locator('#step-4').scrollIntoViewIfNeeded();
			const field = page.locator('input[name="programName"]');
			await expect(field.getAttribute('placeholder')).resolves.toBe('sys_enter_connect');
			await field.scrollIntoViewIfNeeded();
			// Drawn with underscores, the placeholder differs from the same name with spaces.
			const withUnderscores = await field.screenshot();
			await field.evaluate((el) => el.setAttribute('placeholder', 'sys enter connect'));
			expect((await field.screenshot()).equals(withUnderscores)).toBe(false);
			// A right single quote in English text is narrow (a CJK font draws it a full em wide: "event ’ s").
			const quote = await page.locator('#step-4 p').first().evaluate((p) => {
				const span = p.appendChild(Object.assign(document.createElement('span'), { textContent: '\u2019' }));
				const ratio = span.getBoundingClientRect().width / parseFloat(getComputedStyle(span).fontSize);
				span.remove();
				return ratio;
			});
			expect(quote).toBeLessThan(0.5);
			await ctx.close();
		});

		it('wraps key output: the verified line ends with its return value in view, in one block per kernel; step 7 shows it', async () => {
			const results = listVerifiedKernels(site().data).map((id) => readVerifyResult(site().data, id)!);
			const lines = results.flatMap((r) => r.headline.filter((h) => h.event === 'syscalls:sys_enter_connect' && h.line).map((h) => ({ kernel: r.kernel, line: h.line! })));
			expect(lines.length).toBeGreaterThan(0);
			for (const width of WIDTHS) {
				const ctx = await context(width);
				const page = await open(ctx, 'en/events/syscalls/sys_enter_connect/');
				const runs = page.locator('#verified .run');
				await expect(runs.count()).resolves.toBe(new Set(lines.map((l) => l.kernel)).size);
				const step7 = await page.locator('[data-run] pre.out').textContent();
				expect(lines.map((l) => l.line)).toContain(step7!.split('\n')[1]);
				// The end of each line (ret=…) is inside its box, not behind a scroll.
				const hidden = await page.locator('#verified pre.out, [data-run] pre.out').evaluateAll((pres) => pres.filter((p) => p.scrollWidth > p.clientWidth).length);
				expect(hidden, `${width} px`).toBe(0);
				await ctx.close();
			}
		});
	});

	describe('state and navigation', () => {
		it('keeps the query string when switching language, and remembers the kernel across event pages', async () => {
			const ctx = await context(390);
			const oldest = (JSON.parse(readFileSync(join(site().siteDir, 'data', 'events.json'), 'utf8')) as { kernels: { id: string }[] }).kernels[0]!.id;
			const page = await open(ctx, `events/syscalls/sys_enter_connect/?kernel=${oldest}&context=portable`);
			await page.locator('[data-lang-switch="en"]').click();
			await page.waitForURL(/\/en\/events\/syscalls\/sys_enter_connect\//, { waitUntil: 'domcontentloaded' });
			expect(new URL(page.url()).search).toBe(`?kernel=${oldest}&context=portable`);
			await page.goto(`${site().server.url}en/events/?q=connect`);
			await page.locator('[data-lang-switch="zh"]').click();
			await page.waitForURL(/\/atlas\/events\/\?q=connect$/, { waitUntil: 'domcontentloaded' });

			// Picking a kernel on one event page opens the next on it.
			await page.goto(`${site().server.url}events/sched/sched_switch/`);
			await page.locator(`.kp[data-kernel="${oldest}"]`).click();
			await page.waitForFunction((k) => location.search.includes(`kernel=${k}`), oldest);
			await page.goto(`${site().server.url}events/syscalls/sys_enter_openat/`);
			await page.waitForFunction((k) => location.search.includes(`kernel=${k}`), oldest);
			await expect(page.locator('#step-2').textContent()).resolves.toContain(oldest.split('-')[0]);
			await ctx.close();
		});

		it.each(LANGS)('marks a bad program name invalid in the page language, and the zip button says why (%s)', async (lang) => {
			const t = strings(lang);
			const ctx = await context(390, { acceptDownloads: true });
			const page = await open(ctx, `${prefix(lang)}events/syscalls/sys_enter_connect/`);
			// The options form is drawn as the reader nears step 4.
			await page.locator('#step-4').scrollIntoViewIfNeeded();
			const field = page.locator('input[name="programName"]');
			await field.fill('1bad-name');
			await page.waitForFunction(() => document.querySelector('input[name="programName"]')?.getAttribute('aria-invalid') === 'true');
			await expect(field.evaluate((el) => (el as HTMLInputElement).validity.valid)).resolves.toBe(false);
			await expect(page.locator('.gen-status').textContent()).resolves.toBe(t.genNameInvalid('1bad-name'));
			let downloaded = false;
			page.on('download', () => (downloaded = true));
			await page.locator('[data-download-zip]').click();
			await page.waitForFunction((text) => document.querySelector('[data-zip-status]')?.textContent === text, t.genZipBlocked);
			expect(downloaded).toBe(false);
			// Fixed, the field is valid again and the zip downloads.
			await field.fill('good_name');
			await page.waitForFunction(() => !document.querySelector('input[name="programName"]')?.hasAttribute('aria-invalid'));
			const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download-zip]').click()]);
			expect(download.suggestedFilename()).toBe('good_name.zip');
			await ctx.close();
		});

		it('lets the theme toggle go back to following the system', async () => {
			const ctx = await context(1366, { colorScheme: 'dark' });
			const page = await open(ctx, 'en/');
			const theme = () => page.evaluate(() => [document.documentElement.dataset.theme, localStorage.getItem('atlas-theme')]);
			await expect(theme()).resolves.toEqual(['dark', null]);
			const toggle = page.locator('atlas-theme-toggle button');
			await toggle.click();
			await expect(theme()).resolves.toEqual(['light', 'light']);
			await toggle.click();
			await expect(theme()).resolves.toEqual(['dark', 'dark']);
			await toggle.click();
			await expect(theme()).resolves.toEqual(['dark', null]);
			await expect(toggle.getAttribute('aria-label')).resolves.toBe(`${strings('en').themeLabel}: ${strings('en').themeAuto}`);
			// Following the system again: a change of the system's setting shows at once.
			await page.emulateMedia({ colorScheme: 'light' });
			await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
			await expect(theme()).resolves.toEqual(['light', null]);
			await ctx.close();
		});

		it('opens the explorer on the events people trace first, explains its chips and badge, and filters a kernel page', async () => {
			const ctx = await context(1366);
			const page = await open(ctx, 'en/events/');
			const first = await page.locator('.finder-results .ev-cat').allTextContents();
			expect(first.slice(0, 10).every((c) => c === 'syscalls' || c === 'sched')).toBe(true);
			await expect(page.locator('.legend').textContent()).resolves.toContain(strings('en').explorerLegendModule);
			await expect(page.locator('.lead').textContent()).resolves.toMatch(/^\d{1,3}(,\d{3})* distinct events/);

			await page.goto(`${site().server.url}en/kernels/${newestKernel()}/`);
			await page.locator('.cat-filter input').fill('sched_sw');
			const visible = await page.locator('.categories details.category:not([hidden])').evaluateAll((ds) => ds.map((d) => [d.id, (d as HTMLDetailsElement).open]));
			expect(visible).toEqual([['cat-sched', true]]);
			await expect(page.locator('#cat-sched li:not([hidden])').allTextContents()).resolves.toContain('sched_switch');
			await page.locator('.cat-filter input').fill('zzzz');
			await expect(page.locator('.cat-filter-none').isVisible()).resolves.toBe(true);
			await ctx.close();
		});

		it('gives long guides a contents list that follows the reader, guides prev/next links, and event pages their guides', async () => {
			const ctx = await context(1366);
			const page = await open(ctx, 'en/guides/trace-connect/');
			const toc = page.locator('.guide-toc a');
			await expect(toc.count()).resolves.toBeGreaterThanOrEqual(9);
			await page.locator('#step-5').scrollIntoViewIfNeeded();
			await page.evaluate(() => document.getElementById('step-5')!.scrollIntoView({ block: 'start' }));
			await page.waitForFunction(() => document.querySelector('.guide-toc a[aria-current]')?.getAttribute('href') === '#step-5');
			await expect(page.locator('.guide-pager a[rel="next"]').getAttribute('href')).resolves.toMatch(/\/en\/guides\/find-events\/$/);
			await page.locator('.guide-pager a[rel="next"]').click();
			await page.waitForURL(/find-events/, { waitUntil: 'domcontentloaded' });
			await expect(page.locator('.guide-pager a[rel="prev"]').getAttribute('href')).resolves.toMatch(/\/en\/guides\/trace-connect\/$/);

			await page.goto(`${site().server.url}en/events/syscalls/sys_enter_connect/`);
			const guides = await page.locator('.event-aside a[href*="/guides/"]').evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
			expect(guides).toContain('/atlas/en/guides/trace-connect/');
			await page.evaluate(() => document.getElementById('step-4')!.scrollIntoView({ block: 'start' }));
			await page.waitForFunction(() => document.querySelector('.event-aside .toc a[aria-current]')?.getAttribute('href') === '#step-4');
			await ctx.close();
		});
	});
}
