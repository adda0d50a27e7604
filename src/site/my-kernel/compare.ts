/**
 * What the my-kernel page says about a reader's kernel: its events counted by category and origin,
 * and how it differs from a captured kernel — events missing or added, and fields whose type,
 * offset or size differ. The captured side comes from `data/fields/<kernel>.json` (packKernelFields,
 * written by the build), so the page compares without fetching every event's data. Pure.
 */
import type { Event, Field } from '../../schemas/snapshot.ts';

export interface CategoryCount {
	category: string;
	builtin: number;
	module: number;
}

/** Events by category (sorted) and origin, with the totals. */
export function countEvents(events: readonly Pick<Event, 'category' | 'origin'>[]): { categories: CategoryCount[]; builtin: number; module: number } {
	const by = new Map<string, CategoryCount>();
	for (const e of events) {
		let count = by.get(e.category);
		if (!count) by.set(e.category, (count = { category: e.category, builtin: 0, module: 0 }));
		count[e.origin.kind]++;
	}
	const categories = [...by.values()].sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
	return { categories, builtin: categories.reduce((n, c) => n + c.builtin, 0), module: categories.reduce((n, c) => n + c.module, 0) };
}

/** One field as a comparison sees it (what a program reading it depends on): name, declaration, offset, size, tab-separated. */
export const fieldSignature = (f: Field): string => `${f.name}\t${f.declaration}\t${f.offset}\t${f.size}`;

export interface FieldPlace {
	declaration: string;
	offset: number;
	size: number;
}

const placeOf = (signature: string): FieldPlace => {
	const [, declaration, offset, size] = signature.split('\t');
	return { declaration: declaration ?? '', offset: Number(offset), size: Number(size) };
};
const nameOf = (signature: string) => signature.slice(0, signature.indexOf('\t'));

/** `data/fields/<kernel>.json`: every event of one kernel with its fields (common header included). */
export interface PackedKernelFields {
	kernel: string;
	/** Distinct field signatures (fieldSignature), shared by every event that has one. */
	fields: string[];
	/** `category:name` → indexes into `fields`, in format order. */
	events: Record<string, number[]>;
}

export function packKernelFields(kernel: string, events: readonly Pick<Event, 'category' | 'name' | 'format'>[]): PackedKernelFields {
	const fields: string[] = [];
	const index = new Map<string, number>();
	const packed: Record<string, number[]> = {};
	for (const e of events) {
		packed[`${e.category}:${e.name}`] = [...e.format.commonFields, ...e.format.fields].map((f) => {
			const signature = fieldSignature(f);
			let i = index.get(signature);
			if (i === undefined) index.set(signature, (i = fields.push(signature) - 1));
			return i;
		});
	}
	return { kernel, fields, events: packed };
}

/** A field that differs: absent on one side (null) or declared, placed or sized differently. */
export interface FieldChange {
	name: string;
	/** On the reader's kernel; null when it lacks the field. */
	mine: FieldPlace | null;
	theirs: FieldPlace | null;
}

export interface KernelComparison {
	/** On the captured kernel, not on the reader's (`category:name`, sorted). */
	missing: string[];
	/** On the reader's kernel only. */
	added: string[];
	/** On both, with fields that differ. */
	changed: { event: string; fields: FieldChange[] }[];
	/** On both with the same fields. */
	same: number;
}

export function compareKernels(mine: readonly (Pick<Event, 'category' | 'name'> & { format: Pick<Event['format'], 'commonFields' | 'fields'> })[], theirs: PackedKernelFields): KernelComparison {
	const own = new Map(mine.map((e) => [`${e.category}:${e.name}`, [...e.format.commonFields, ...e.format.fields].map(fieldSignature)]));
	const missing = Object.keys(theirs.events).filter((key) => !own.has(key)).sort();
	const added: string[] = [];
	const changed: KernelComparison['changed'] = [];
	let same = 0;
	for (const [key, signatures] of own) {
		const other = theirs.events[key];
		if (!other) {
			added.push(key);
			continue;
		}
		const theirsByName = new Map(other.map((i) => theirs.fields[i]!).map((s) => [nameOf(s), s]));
		const mineByName = new Map(signatures.map((s) => [nameOf(s), s]));
		const fields: FieldChange[] = [];
		for (const [name, s] of mineByName) {
			const their = theirsByName.get(name);
			if (their !== s) fields.push({ name, mine: placeOf(s), theirs: their === undefined ? null : placeOf(their) });
		}
		for (const [name, s] of theirsByName) if (!mineByName.has(name)) fields.push({ name, mine: null, theirs: placeOf(s) });
		if (fields.length) changed.push({ event: key, fields });
		else same++;
	}
	return { missing, added: added.sort(), changed: changed.sort((a, b) => (a.event < b.event ? -1 : 1)), same };
}
