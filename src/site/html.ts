/**
 * A tagged template for HTML strings, for the few views rendered both at build time and in the
 * browser: interpolated values are escaped unless wrapped in `raw()`; arrays are joined.
 */

const RAW = Symbol('raw');

export interface RawHtml {
	readonly [RAW]: string;
}

export function raw(html: string): RawHtml {
	return { [RAW]: html };
}

export function escape(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type Value = string | number | boolean | null | undefined | RawHtml | readonly Value[];

function render(value: Value): string {
	if (value === null || value === undefined || value === false) return '';
	if (Array.isArray(value)) return value.map(render).join('');
	if (typeof value === 'object') return (value as RawHtml)[RAW];
	return escape(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): RawHtml {
	let out = strings[0]!;
	for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
	return raw(out);
}

/** The HTML text of a template result, for `set:html` and `innerHTML`. */
export function toHtml(value: RawHtml): string {
	return value[RAW];
}
