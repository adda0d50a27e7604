/**
 * How the kernel shows each field's value, from that kernel's own print fmt (src/lib/printfmt/): the
 * field table's last column, and the value tables that changed between kernels. Built at build time
 * and again in the browser when the reader picks another kernel.
 */
import type { Affix, EventDecoding, FieldDecoder, TableEntry } from '../../lib/printfmt/decode.ts';
import type { TableChange } from '../../lib/printfmt/table-changes.ts';
import { html, raw, type RawHtml } from '../html.ts';
import { strings, type Lang } from '../i18n.ts';

/** Tables up to this many names are shown open; longer ones (kfree_skb has over a hundred reasons) start collapsed. */
const OPEN_UP_TO = 8;

const hex = (v: bigint) => `0x${v.toString(16)}`;

function namesTable(lang: Lang, d: Extract<FieldDecoder, { kind: 'flags' | 'symbolic' }>, summary: string): RawHtml {
	const t = strings(lang);
	const value = (e: TableEntry) => (d.kind === 'flags' ? hex(e.value) : e.value > 0x7fffffffffffffffn ? String(e.value - (1n << 64n)) : String(e.value));
	const open = d.entries.length <= OPEN_UP_TO ? ' open' : '';
	return html`<details class="names"${raw(open)}><summary>${summary}</summary><table class="names" aria-label="${t.decodeNames}">${d.entries.map((e) => html`<tr><td>${value(e)}<td>${e.name}`)}</table></details>`;
}

/**
 * The cell for one field (an open `<td>`, closed by the next row: the field table's markup is lean,
 * see fieldTable): its decoder, or why the kernel prints it as a plain number (muted).
 */
export function decodingCell(lang: Lang, decoding: EventDecoding, field: string): RawHtml {
	const t = strings(lang);
	const d = decoding.decoders.get(field);
	const cell = (text: string) => html`<td>${text}`;
	const muted = (text: string) => html`<td class="muted">${text}`;
	if (d?.kind === 'flags' || d?.kind === 'symbolic') {
		// Conditional text the print fmt prints against the names (7.2 openat's “O_RDONLY|”), by the texts it can print.
		const affix = (where: 'before' | 'after', affixes: Affix[] | undefined) => {
			const texts = [...new Set((affixes ?? []).flatMap((a) => [a.then, a.else]).filter(Boolean))];
			return texts.length > 0 ? t.decodeAffix(where, texts.map((x) => `“${x}”`).join(' / ')) : '';
		};
		const notes = [
			d.kind === 'flags' && d.mask !== null ? t.decodeMask(hex(d.mask)) : '',
			d.kind === 'flags' && d.zeroName !== null ? t.decodeZero(d.zeroName) : '',
			affix('before', d.before),
			affix('after', d.after),
		]
			.filter(Boolean)
			.join(', ');
		const what = d.kind === 'flags' ? t.decodeFlags(d.entries.length, d.delimiter) : t.decodeSymbolic(d.entries.length);
		return html`<td>${namesTable(lang, d, `${what}${notes ? ` (${notes})` : ''}`)}`;
	}
	if (d?.kind === 'hex') return cell(t.decodeHex(d.spaced));
	if (d?.kind === 'array') return cell(t.decodeArray(d.elementSize));
	if (d?.kind === 'string') return cell(t.decodeString);
	const raw = decoding.raw.get(field);
	if (!raw || raw.why === 'not-printed') return muted(t.decodeNotPrinted);
	if (raw.why === 'plain') return muted(t.decodePlain(raw.conversion));
	return muted(t.decodeUnread(raw.categories.map((c) => t.decodeCategory(c)).join('; ')));
}

/** At most this many names listed per change; the rest are counted. */
const LIST_UP_TO = 12;
const nameList = (names: string[]) => (names.length > LIST_UP_TO ? `${names.slice(0, LIST_UP_TO).join(', ')} … (+${names.length - LIST_UP_TO})` : names.join(', '));

/** The value tables that changed from the previous kernel, one line per field. */
export function tableChangeList(lang: Lang, changes: readonly TableChange[]): RawHtml | null {
	if (changes.length === 0) return null;
	const t = strings(lang);
	const line = (c: TableChange) =>
		c.kind === 'added' ? t.tableAdded(c.field, c.added.length) : c.kind === 'removed' ? t.tableRemoved(c.field) : t.tableChanged(c.field, nameList(c.added), nameList(c.removed), nameList(c.moved));
	return html`<p class="small"><strong>${t.tablesChanged}</strong></p><ul class="table-changes">${changes.map((c) => html`<li>${line(c)}</li>`)}</ul>`;
}
