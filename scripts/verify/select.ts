/**
 * `npm run verify -- --events LIST`: which events of a kernel to verify. A list is comma-separated
 * patterns, each `category:name` where either part may hold `*` (any run of name characters), so
 * `syscalls:sys_enter_connect`, `syscalls:*_stat*`, `sched:*`. Pure.
 */
import type { Event } from '../../src/schemas/snapshot.ts';

/** What a pattern may hold: tracefs names are [A-Za-z0-9_.-]; `*` is the only wildcard. */
const PATTERN = /^[A-Za-z0-9_.*-]{1,128}:[A-Za-z0-9_.*-]{1,128}$/;
/** How many patterns one list may hold. */
const MAX_PATTERNS = 200;

export class SelectionError extends Error {}

const globToRegExp = (glob: string) => new RegExp(`^${glob.split('*').map((part) => part.replace(/[.\\^$+?()[\]{}|-]/g, '\\$&')).join('.*')}$`);

/**
 * The events of `events` that `list` names, in their snapshot order. Refuses a pattern that is not
 * `category:name` or that matches none of `events` (naming it and `kernel`), so a typo never
 * verifies nothing and calls it a pass.
 */
export function selectEvents(list: string, events: readonly Event[], kernel: string): Event[] {
	const patterns = list.split(',').map((p) => p.trim()).filter((p) => p !== '');
	if (patterns.length === 0) throw new SelectionError('--events is empty; give patterns like syscalls:sys_enter_connect or sched:*, separated by commas');
	if (patterns.length > MAX_PATTERNS) throw new SelectionError(`--events has ${patterns.length} patterns; at most ${MAX_PATTERNS}`);
	const chosen = new Set<Event>();
	for (const pattern of patterns) {
		if (!PATTERN.test(pattern)) throw new SelectionError(`--events: "${pattern.slice(0, 80)}" is not category:name (letters, digits, _ . - and * only), e.g. syscalls:sys_enter_connect or sched:*`);
		const [category, name] = pattern.split(':').map(globToRegExp) as [RegExp, RegExp];
		const matched = events.filter((e) => category.test(e.category) && name.test(e.name));
		if (matched.length === 0) throw new SelectionError(`--events: "${pattern}" matches no event of ${kernel}`);
		for (const e of matched) chosen.add(e);
	}
	return events.filter((e) => chosen.has(e));
}
