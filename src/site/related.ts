/**
 * Events a reader of one event page probably wants next: its other half (the exit of a
 * `sys_enter_*`, the `_end` of a `_start`), its family (`accept`/`accept4`, `open`/`openat`/`openat2`),
 * and the events that share its context struct.
 */
import type { Event } from '../schemas/snapshot.ts';

export type Relation = 'pair' | 'sibling' | 'class';

export interface RelatedEvent {
	category: string;
	name: string;
	relation: Relation;
}

/** Suffix pairs that mark the two halves of one operation. */
const HALVES: [string, string][] = [
	['enter', 'exit'],
	['entry', 'exit'],
	['entry', 'return'],
	['start', 'end'],
	['start', 'done'],
	['begin', 'end'],
];

const SYSCALL = /^sys_(enter|exit)_(\w+)$/;

/** The family a syscall name belongs to: `openat2` → `open`, `accept4` → `accept`, `renameat2` → `rename`. */
export function syscallFamily(syscall: string): string {
	return syscall.replace(/\d+$/, '').replace(/at$/, '') || syscall;
}

/** The other halves of an event in the same category (`sys_enter_connect` ↔ `sys_exit_connect`). */
function pairsOf(name: string): string[] {
	const sys = SYSCALL.exec(name);
	if (sys) return [`sys_${sys[1] === 'enter' ? 'exit' : 'enter'}_${sys[2]}`];
	const out: string[] = [];
	for (const [a, b] of HALVES) {
		for (const [from, to] of [
			[a, b],
			[b, a],
		] as const) {
			const m = new RegExp(`^(.*[_])${from}$|^${from}([_].*)$`).exec(name);
			if (m) out.push(m[1] !== undefined ? `${m[1]}${to}` : `${to}${m[2]}`);
		}
	}
	return out;
}

/**
 * Related events of `event` among `candidates` (the events of the same category on one kernel, or
 * all of them): pairs first, then family siblings, then events sharing its context struct.
 */
export function relatedEvents(event: Event, candidates: readonly Event[], limit = 12): RelatedEvent[] {
	const sameCategory = candidates.filter((c) => c.category === event.category && c.name !== event.name);
	const byName = new Map(sameCategory.map((c) => [c.name, c]));
	const seen = new Set<string>();
	const out: RelatedEvent[] = [];
	const add = (name: string, relation: Relation) => {
		if (seen.has(name) || !byName.has(name)) return;
		seen.add(name);
		out.push({ category: event.category, name, relation });
	};

	for (const name of pairsOf(event.name)) add(name, 'pair');

	const sys = SYSCALL.exec(event.name);
	if (sys) {
		const family = syscallFamily(sys[2]!);
		for (const c of sameCategory) {
			const other = SYSCALL.exec(c.name);
			if (other && other[1] === sys[1] && syscallFamily(other[2]!) === family) add(c.name, 'sibling');
		}
	}

	// Sharing a struct means sharing a class; the syscall structs are shared by every syscall event, so they say nothing.
	if (event.context.match === 'class') {
		const struct = event.context.struct.name;
		for (const c of sameCategory) if (c.context.match === 'class' && c.context.struct.name === struct) add(c.name, 'class');
	}
	return out.slice(0, limit);
}
