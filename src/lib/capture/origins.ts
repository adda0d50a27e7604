/**
 * Which loaded module defines which trace event, from /proc/kallsyms. Pure: text in, lines out.
 *
 * For every event the TRACE_EVENT macros emit a pointer `__event_<name>` into the `_ftrace_events`
 * section, and for every trace system a string `str__<system>__trace_system_name`. A module's
 * symbols carry its name in brackets:
 *
 *   ffffffffc0a1e0c8 d __event_xfs_group_get	[xfs]
 *   ffffffffc0a0f3a0 r str__xfs__trace_system_name	[xfs]
 *
 * so an event whose `__event_<name>` has a module tag is that module's. When two events share a
 * name, the module that also defines the event's system wins. (A kernel built without
 * CONFIG_KALLSYMS_ALL lists no data symbols for itself, but modules' symbols are always listed.)
 */

export interface EventId {
	category: string;
	name: string;
}

const SYMBOL = /^\S+\s+\S\s+(\S+)(?:\s+\[(\S+)\])?$/;
const SYSTEM_NAME = /^str__(.+)__trace_system_name$/;

/**
 * Module of each module-defined event among `events`, as `<category>:<name>` → module.
 * `source` names the kallsyms text in errors. Throws when two modules claim one event.
 */
export function eventOriginsFromKallsyms(kallsyms: string, events: readonly EventId[], source: string): Map<string, string> {
	const modulesByEvent = new Map<string, Set<string>>();
	const systemsByModule = new Map<string, Set<string>>();
	for (const line of kallsyms.split('\n')) {
		const m = SYMBOL.exec(line.trim());
		const module = m?.[2];
		if (!m || !module) continue;
		const symbol = m[1] as string;
		if (symbol.startsWith('__event_')) {
			const name = symbol.slice('__event_'.length);
			modulesByEvent.set(name, (modulesByEvent.get(name) ?? new Set()).add(module));
			continue;
		}
		const system = SYSTEM_NAME.exec(symbol)?.[1];
		if (system) systemsByModule.set(module, (systemsByModule.get(module) ?? new Set()).add(system));
	}

	const namesInUse = new Map<string, number>();
	for (const e of events) namesInUse.set(e.name, (namesInUse.get(e.name) ?? 0) + 1);

	const origins = new Map<string, string>();
	for (const e of events) {
		const claimants = [...(modulesByEvent.get(e.name) ?? [])];
		if (claimants.length === 0) continue;
		// A module that names this event's system is surely its owner; a bare name match only counts when the name is unique.
		const bySystem = claimants.filter((mod) => systemsByModule.get(mod)?.has(e.category));
		const owners = bySystem.length > 0 ? bySystem : namesInUse.get(e.name) === 1 ? claimants : [];
		if (owners.length > 1) {
			throw new Error(`${source}: modules ${owners.sort().join(' and ')} both define trace event ${e.category}:${e.name}; cannot tell which one it belongs to`);
		}
		if (owners.length === 1) origins.set(`${e.category}:${e.name}`, owners[0] as string);
	}
	return origins;
}

/** The event-origins file's text: `<category>:<name> <module>` lines, sorted. */
export function formatEventOrigins(origins: ReadonlyMap<string, string>): string {
	return [...origins].map(([event, module]) => `${event} ${module}\n`).sort().join('');
}
