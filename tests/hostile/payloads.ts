/**
 * A malicious snapshot: real captured data (the generator's fixture of a running 6.18 kernel) with one
 * name at a time replaced by text that would break out of C, a shell command, a path or HTML if it
 * were pasted in unchecked. Each payload carries the marker PWN so a test can look for what survives.
 */
import { readFileSync } from 'node:fs';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';

export const PAYLOADS: Record<string, string> = {
	'double quote': 'a"PWN',
	'comment end': 'PWN*/ int pwn; /*',
	newline: 'a\nPWN',
	'command substitution': '$(touch /tmp/atlas-PWN)',
	backticks: '`touch /tmp/atlas-PWN`',
	'path traversal': '../../PWN',
	semicolon: 'a;PWN',
	'script element': '<script>PWN()</script>',
	// What made a downloaded program run bpf_trace_printk("INJECTED…") in the kernel (issue 10).
	'C code in a member name': 'args[0]); bpf_trace_printk("PWN", 4); (void)(ctx->args',
	empty: '',
};

/** The real snapshot the payloads go into, unvalidated (the tests validate it themselves). */
export function realSnapshot(): Snapshot {
	return JSON.parse(readFileSync(new URL('../../src/lib/generate/fixtures/running-6.18-amd64.json', import.meta.url), 'utf8')) as Snapshot;
}

/** The event every payload goes into: a syscall whose ctx is BTF's trace_event_raw_sys_enter (fields read through args[]). */
export const TARGET = 'syscalls:sys_enter_openat';

type Place = (snapshot: Snapshot, event: Event, payload: string) => void;

/** Every place a name from data sits in a snapshot, and how to put a payload there. */
export const PLACES: Record<string, { put: Place; inEvent: boolean }> = {
	'kernel id': { inEvent: false, put: (s, _, p) => (s.provenance.id = p) },
	release: { inEvent: false, put: (s, _, p) => (s.provenance.release = p) },
	arch: { inEvent: false, put: (s, _, p) => (s.provenance.arch = p) },
	'loaded module': { inEvent: false, put: (s, _, p) => (s.provenance.modulesLoaded = [p]) },
	category: { inEvent: true, put: (_, e, p) => (e.category = p) },
	'event name': { inEvent: true, put: (_, e, p) => (e.name = p) },
	'format name': { inEvent: true, put: (_, e, p) => (e.format.name = p) },
	module: { inEvent: true, put: (_, e, p) => (e.origin = { kind: 'module', module: p }) },
	'field name': { inEvent: true, put: (_, e, p) => ((e.format.fields[1] as Event['format']['fields'][number]).name = p) },
	'field type': { inEvent: true, put: (_, e, p) => ((e.format.fields[1] as Event['format']['fields'][number]).type = p) },
	'field declaration': { inEvent: true, put: (_, e, p) => ((e.format.fields[1] as Event['format']['fields'][number]).declaration = p) },
	'struct name': { inEvent: true, put: (_, e, p) => e.context.match !== 'none' && (e.context.struct.name = p) },
	'btf object': { inEvent: true, put: (_, e, p) => e.context.match !== 'none' && (e.context.struct.btf = p) },
	// The member the fields of a syscall are read through (`ctx->args[1]`): the member-path fallback.
	'member name': {
		inEvent: true,
		put: (_, e, p) => {
			if (e.context.match === 'none') return;
			for (const m of e.context.struct.members) if (m.name === 'args') m.name = p;
		},
	},
	'member type': { inEvent: true, put: (_, e, p) => e.context.match !== 'none' && ((e.context.struct.members.at(-1) as { type: string }).type = p) },
};

/** The real snapshot with `payload` at `place` in the target event (or in the provenance). */
export function hostileSnapshot(place: string, payload: string): { snapshot: Snapshot; event: Event } {
	const snapshot = realSnapshot();
	const event = snapshot.events.find((e) => `${e.category}:${e.name}` === TARGET);
	if (!event) throw new Error(`the fixture has no ${TARGET}`);
	(PLACES[place] as (typeof PLACES)[string]).put(snapshot, event, payload);
	return { snapshot, event };
}

/** Every place × payload. */
export const CASES: [string, string, string][] = Object.keys(PLACES).flatMap((place) => Object.entries(PAYLOADS).map(([label, payload]): [string, string, string] => [place, label, payload]));
