/**
 * Checks the browser tests run inside a page: what sticks out sideways on a phone, Chinese lines
 * that start with 的, step labels broken across lines, copy buttons over text.
 */
import type { Page } from 'playwright-core';

/**
 * Elements that stick out of the viewport sideways and are neither inside a box that scrolls on
 * its own (overflow-x auto/scroll) nor cut on purpose with an ellipsis; plus the page's own
 * sideways scroll. Empty when nothing sticks out.
 */
export function sidewaysOverflow(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const width = document.documentElement.clientWidth;
		const problems: string[] = [];
		if (document.documentElement.scrollWidth > width) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide at ${width} px`);
		const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
		for (const el of document.querySelectorAll('body *')) {
			const rect = el.getBoundingClientRect();
			if (rect.width === 0 || rect.height === 0 || (rect.right <= width + 1 && rect.left >= -1)) continue;
			if (getComputedStyle(el).visibility === 'hidden' || el.closest('.visually-hidden, dialog:not([open]), [hidden]')) continue;
			let fine = false;
			for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
				const style = getComputedStyle(up);
				if (style.overflowX === 'auto' || style.overflowX === 'scroll') {
					const box = up.getBoundingClientRect();
					fine = box.right <= width + 1 && box.left >= -1;
					break;
				}
				if (style.overflowX === 'hidden' || style.overflowX === 'clip') {
					fine = style.textOverflow === 'ellipsis';
					if (!fine) problems.push(`${describe(el)} is cut by ${describe(up)} (right edge ${Math.round(rect.right)} px)`);
					break;
				}
			}
			if (!fine && !problems.some((p) => p.startsWith(describe(el)))) problems.push(`${describe(el)} sticks out to ${Math.round(rect.right)} px`);
		}
		return problems;
	});
}

/** Lines of the page's headings and step titles that start with `char` (a Chinese line must not start with 的). */
export function linesStartingWith(page: Page, char: string, selector = 'main :is(h1, h2, h3, .lead, .step-title)'): Promise<string[]> {
	return page.evaluate(
		({ char, selector }) => {
			const found: string[] = [];
			for (const block of document.querySelectorAll(selector)) {
				const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
				let previousTop: number | null = null;
				for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
					for (let i = 0; i < node.data.length; i++) {
						if (/\s/.test(node.data[i]!)) continue;
						const range = document.createRange();
						range.setStart(node, i);
						range.setEnd(node, i + 1);
						const rect = range.getClientRects()[0];
						if (!rect) continue;
						if (node.data[i] === char && previousTop !== null && rect.top > previousTop + rect.height / 2) found.push((block.textContent ?? '').trim());
						previousTop = rect.top;
					}
				}
			}
			return found;
		},
		{ char, selector },
	);
}

/** Texts matching `pattern` (e.g. 第 1 步) whose first and last characters sit on different lines. */
export function brokenPhrases(page: Page, pattern: RegExp): Promise<string[]> {
	return page.evaluate((source) => {
		const re = new RegExp(source, 'g');
		const broken: string[] = [];
		const walker = document.createTreeWalker(document.querySelector('main')!, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
			for (const m of node.data.matchAll(re)) {
				const at = (i: number) => {
					const range = document.createRange();
					range.setStart(node, i);
					range.setEnd(node, i + 1);
					return range.getClientRects()[0];
				};
				const first = at(m.index);
				const last = at(m.index + m[0].length - 1);
				if (first && last && Math.abs(first.top - last.top) > first.height / 2) broken.push(m[0]);
			}
		}
		return broken;
	}, pattern.source);
}

/** Copy buttons that overlap the text of their own block. */
export function buttonsOverText(page: Page, blocks: string): Promise<string[]> {
	return page.evaluate((blocks) => {
		const overlaps: string[] = [];
		for (const pre of document.querySelectorAll(blocks)) {
			const button = pre.querySelector(':scope > .copy-cmd');
			const code = pre.querySelector('code');
			if (!button || !code) continue;
			const b = button.getBoundingClientRect();
			const range = document.createRange();
			range.selectNodeContents(code);
			for (const r of range.getClientRects()) {
				if (r.width > 0 && r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top) {
					overlaps.push((code.textContent ?? '').slice(0, 60));
					break;
				}
			}
		}
		return overlaps;
	}, blocks);
}
