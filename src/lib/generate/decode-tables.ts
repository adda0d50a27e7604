/**
 * Which recorded fields the loader prints by name, and the tables it needs: from each event's own print
 * fmt (src/lib/printfmt/), never from another kernel's. A table serves every field of the program that
 * has the same one (openat's and openat2's O_* flags), so the header carries each once.
 */
import { decodeEvent, type FieldDecoder } from '../printfmt/decode.ts';
import { scopeNamer } from './names.ts';
import type { GeneratorOptions } from './options.ts';
import type { EventPlan, FieldPlan } from './plan.ts';

export type TableDecoder = Extract<FieldDecoder, { kind: 'flags' | 'symbolic' }>;

export interface DecodeTable {
	/** C name of the table in the header: `decode_prev_state`. */
	name: string;
	decoder: TableDecoder;
	/** C names of the header's functions that give the text printed before and after the names (openat's `O_RDONLY|`), or null. */
	before: string | null;
	after: string | null;
}

/** Fields printed as numbers can be printed by name; strings, arrays and addresses keep their own printing. */
const NUMERIC_SHOWS = new Set<FieldPlan['show']>(['signed', 'unsigned', 'hex', 'octal']);

/**
 * The tables of a program and, per event, which record member uses which table. Loader names the
 * generator makes never start with `decode_`, so the tables cannot collide with them.
 */
export function planDecodeTables(events: EventPlan[], options: Pick<GeneratorOptions, 'decode' | 'output'>): DecodeTable[] {
	const tables: DecodeTable[] = [];
	if (!options.decode || options.output === 'printk') return tables;
	const namer = scopeNamer();
	const byContent = new Map<string, DecodeTable>();
	for (const p of events) {
		const decoders = decodeEvent(p.event.format).decoders;
		for (const f of p.fields) {
			const decoder = decoders.get(f.field.name);
			if (!decoder || (decoder.kind !== 'flags' && decoder.kind !== 'symbolic') || !NUMERIC_SHOWS.has(f.show) || f.dims.length > 0) continue;
			const { field: _, ...content } = decoder;
			const key = JSON.stringify(content, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v));
			let table = byContent.get(key);
			if (!table) {
				const name = namer(`decode_${decoder.field}`);
				table = { name, decoder, before: decoder.before ? namer(`${name}_before`) : null, after: decoder.after ? namer(`${name}_after`) : null };
				byContent.set(key, table);
				tables.push(table);
			}
			p.decoded[f.name] = table.name;
		}
	}
	return tables;
}
