/**
 * What changed between kernels: for one event, how its fields differ from one kernel to the
 * next; for a whole kernel, which events were added, removed or changed against an older one.
 */
import { diffLines } from 'diff';
import { decodeEvent } from '../lib/printfmt/decode.ts';
import { tableChanges, type TableChange } from '../lib/printfmt/table-changes.ts';
import type { Event, Field, Provenance } from '../schemas/snapshot.ts';
import { archesOf, archOf, seriesOf } from './arches.ts';
import { eventKey } from './catalog.ts';

/** The parts of a field that matter to a program reading it. */
const fieldShape = (f: Field) => `${f.declaration}|${f.offset}|${f.size}|${f.signed ? 1 : 0}`;

/** Whether two copies of an event lay out their own fields differently (the common header is ignored). */
export function fieldsDiffer(a: Event, b: Event): boolean {
	const x = a.format.fields;
	const y = b.format.fields;
	return x.length !== y.length || x.some((f, i) => fieldShape(f) !== fieldShape(y[i]!));
}

export interface FieldChange {
	name: string;
	kind: 'added' | 'removed' | 'changed';
	before?: Field;
	after?: Field;
}

/** Field-by-field changes from `a` to `b`, keyed on field names, in `b`'s order then removed ones. */
export function fieldChanges(a: readonly Field[], b: readonly Field[]): FieldChange[] {
	const before = new Map(a.map((f) => [f.name, f]));
	const after = new Set(b.map((f) => f.name));
	const changes: FieldChange[] = [];
	for (const f of b) {
		const old = before.get(f.name);
		if (!old) changes.push({ name: f.name, kind: 'added', after: f });
		else if (fieldShape(old) !== fieldShape(f)) changes.push({ name: f.name, kind: 'changed', before: old, after: f });
	}
	for (const f of a) if (!after.has(f.name)) changes.push({ name: f.name, kind: 'removed', before: f });
	return changes;
}

/** The lines of a format file a reader compares: the event's own fields (the ID and common header vary for unrelated reasons). */
function comparableLines(formatText: string): string {
	return formatText
		.split('\n')
		.filter((line) => /^\s*field:/.test(line) && !/\bcommon_\w+;/.test(line))
		.map((line) => `${line.trim()}\n`)
		.join('');
}

export interface DiffLine {
	kind: 'same' | 'added' | 'removed';
	text: string;
}

/** A line diff of the event's field lines between two kernels, for display as a unified diff. */
export function formatDiff(a: Event, b: Event): DiffLine[] {
	return diffLines(comparableLines(a.formatText), comparableLines(b.formatText)).flatMap((part) =>
		part.value
			.replace(/\n$/, '')
			.split('\n')
			.map((text) => ({ kind: part.added ? 'added' : part.removed ? 'removed' : 'same', text }) as DiffLine),
	);
}

export interface Variant {
	/** The kernels (oldest first, consecutive among those that have the event) sharing one layout. */
	kernels: Provenance[];
	event: Event;
	/** Changes from the previous variant; empty for the first. */
	changes: FieldChange[];
	diff: DiffLine[];
	/** Value tables of its print fmt that changed from the previous variant (names added, removed, renumbered). */
	tables: TableChange[];
}

/**
 * An event's layouts across kernels: consecutive kernels with the same fields and the same value tables
 * form one variant; each later variant carries its changes from the one before. `versions` is oldest first.
 */
export function eventVariants(versions: readonly { kernel: Provenance; event: Event }[]): Variant[] {
	const variants: Variant[] = [];
	let lastDecoding: ReturnType<typeof decodeEvent> | null = null;
	for (const { kernel, event } of versions) {
		const last = variants.at(-1);
		const decoding = decodeEvent(event.format);
		const tables = lastDecoding ? tableChanges(lastDecoding, decoding) : [];
		lastDecoding = decoding;
		if (last && !fieldsDiffer(last.event, event) && tables.length === 0) {
			last.kernels.push(kernel);
			continue;
		}
		variants.push({
			kernels: [kernel],
			event,
			changes: last ? fieldChanges(last.event.format.fields, event.format.fields) : [],
			diff: last && fieldsDiffer(last.event, event) ? formatDiff(last.event, event) : [],
			tables,
		});
	}
	return variants;
}

/** Where one architecture's copies of an event differ from the default architecture's copies on the same series. */
export interface ArchDifference {
	/** The default architecture's kernels (6.12-amd64, 7.2-amd64) and the other's of the same series (6.12-arm64, 7.2-arm64), in pairs. */
	from: Provenance[];
	to: Provenance[];
	/** What differs, as a variant of `to` against `from`; null when fields and value tables are the same. */
	variant: Variant | null;
}

/**
 * An event's changes on each architecture, each along its own kernels (amd64 first: comparing
 * 6.1-arm64 with 6.1-amd64 and then 6.12-amd64 would zigzag), and, for every series captured on the
 * default architecture and another, how the other's copy differs. `versions` is oldest first.
 */
export function eventChangesByArch(versions: readonly { kernel: Provenance; event: Event }[]): { arches: { arch: string; variants: Variant[] }[]; across: ArchDifference[] } {
	const [first, ...others] = archesOf(versions.map((v) => v.kernel));
	const on = (arch: string | undefined) => versions.filter((v) => archOf(v.kernel) === arch);
	const base = on(first);
	return {
		arches: [first, ...others].flatMap((arch) => (arch === undefined ? [] : [{ arch, variants: eventVariants(on(arch)) }])),
		across: others.flatMap((arch) => {
			const pairs = on(arch).flatMap((v) => {
				const twin = base.find((b) => seriesOf(b.kernel.release) === seriesOf(v.kernel.release));
				return twin ? [{ from: [twin.kernel], to: [v.kernel], variant: eventVariants([twin, v])[1] ?? null }] : [];
			});
			// Series whose difference is the same (clone's swap on every arm64 kernel) are told once.
			const same = (a: Variant | null, b: Variant | null) => JSON.stringify(a && [a.changes, a.diff, a.tables]) === JSON.stringify(b && [b.changes, b.diff, b.tables]);
			return pairs.reduce<ArchDifference[]>((merged, pair) => {
				const last = merged.at(-1);
				if (last && same(last.variant, pair.variant)) {
					last.from.push(...pair.from);
					last.to.push(...pair.to);
				} else merged.push(pair);
				return merged;
			}, []);
		}),
	};
}

export interface KernelChanges {
	added: string[];
	removed: string[];
	changed: string[];
}

/** Events added, removed and with changed fields from kernel `a` to kernel `b`, as `category:name` keys, sorted. */
export function kernelChanges(a: readonly Event[], b: readonly Event[]): KernelChanges {
	const before = new Map(a.map((e) => [eventKey(e), e]));
	const afterKeys = new Set(b.map(eventKey));
	const result: KernelChanges = { added: [], removed: [], changed: [] };
	for (const e of b) {
		const old = before.get(eventKey(e));
		if (!old) result.added.push(eventKey(e));
		else if (fieldsDiffer(old, e)) result.changed.push(eventKey(e));
	}
	for (const e of a) if (!afterKeys.has(eventKey(e))) result.removed.push(eventKey(e));
	return result;
}
