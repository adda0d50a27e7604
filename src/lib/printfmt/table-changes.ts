/**
 * How a field's value table changed between two kernels' print fmt: a table that appeared or went, names
 * added or removed, and names whose number moved (7.2 inserted UNIX_DISCONNECT into the drop reasons, so
 * every reason after it has a number one higher than on 6.12: a program comparing numbers must know).
 */
import type { EventDecoding, FieldDecoder, TableEntry } from './decode.ts';

export interface TableChange {
	field: string;
	kind: 'added' | 'removed' | 'changed';
	/** Names only the newer table has. */
	added: string[];
	/** Names only the older table has. */
	removed: string[];
	/** Names in both whose value differs. */
	moved: string[];
}

const tableOf = (d: FieldDecoder | undefined): TableEntry[] | null => (d && (d.kind === 'flags' || d.kind === 'symbolic') ? d.entries : null);

/** Whether two decoders decode alike: same kind, delimiter, mask, zero name and table. */
function sameDecoder(a: FieldDecoder | undefined, b: FieldDecoder | undefined): boolean {
	return JSON.stringify(a, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v)) === JSON.stringify(b, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v));
}

/** The value tables of `before` and `after` that differ, field by field, in `after`'s order then removed ones. */
export function tableChanges(before: EventDecoding, after: EventDecoding): TableChange[] {
	const changes: TableChange[] = [];
	const fields = [...new Set([...after.decoders.keys(), ...before.decoders.keys()])];
	for (const field of fields) {
		const a = tableOf(before.decoders.get(field));
		const b = tableOf(after.decoders.get(field));
		if (!a && !b) continue;
		if (!a || !b) {
			changes.push({ field, kind: a ? 'removed' : 'added', added: b?.map((e) => e.name) ?? [], removed: a?.map((e) => e.name) ?? [], moved: [] });
			continue;
		}
		if (sameDecoder(before.decoders.get(field), after.decoders.get(field))) continue;
		const old = new Map(a.map((e) => [e.name, e.value]));
		const now = new Map(b.map((e) => [e.name, e.value]));
		changes.push({
			field,
			kind: 'changed',
			added: b.filter((e) => !old.has(e.name)).map((e) => e.name),
			removed: a.filter((e) => !now.has(e.name)).map((e) => e.name),
			moved: b.filter((e) => old.has(e.name) && old.get(e.name) !== e.value).map((e) => e.name),
		});
	}
	return changes;
}
