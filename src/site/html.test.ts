import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { html, raw, toHtml } from './html.ts';

const fixture = (name: string) => readFileSync(new URL(`../lib/format/fixtures/${name}.format`, import.meta.url), 'utf8');

describe('html', () => {
	it('escapes values so data cannot break out of text or attributes', () => {
		// A real print fmt, full of quotes and `->`.
		const printFmt = fixture('sched.sched_switch').split('print fmt: ')[1]!;
		expect(printFmt).toContain('"');
		const out = toHtml(html`<p title="${printFmt}">${printFmt} ${'<b>'}</p>`);
		expect(out).not.toContain('"prev_comm');
		expect(out).toContain('&quot;prev_comm=%s');
		expect(out).toContain('REC-&gt;prev_comm');
		expect(out).toContain('&lt;b&gt;');
	});

	it('keeps raw() and nested templates as HTML, joins arrays, drops empty values', () => {
		const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
		expect(toHtml(html`<ul>${items}</ul>${null}${false}${undefined}${raw('<hr>')}${0}`)).toBe('<ul><li>a&lt;b</li><li>c</li></ul><hr>0');
	});
});
