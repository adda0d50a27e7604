/**
 * Many generated programs in one translation unit, so one clang call parses vmlinux.h once and
 * emits one object of hundreds of programs (compiling them one file each costs ~50 ms of CPU per
 * program; in a unity file, about a millisecond). Pure: the text of the unity file from the programs'.
 *
 * Every generated program defines the same file-scope names (LICENSE, target_tgid, events,
 * fill_header, struct record_header, …), and events of the same name in two categories define the
 * same per-event ones. So the unity file renames, per program, each name that more than one of its
 * programs defines (`#define events events__3` around the #include), and #undefs each macro a
 * program defines (its header's include guard) after including it, so the next program starts clean.
 * One program may keep a clashing name — all others rename theirs — and it is one that also reads a
 * field of that name (io_uring_poll_arm's `ctx->events`), which renaming would break. A clash this misses (a
 * renamed name that is also a field of a vmlinux.h struct, say) makes the batch fail to compile,
 * and the builder then narrows it down file by file, so it costs time, never a wrong verdict.
 */

/** The file-scope names a generated program's files define, and the functions that are BPF programs. */
export interface Definitions {
	/** Functions, variables, struct/union/enum tags, enum constants and typedefs. */
	names: Set<string>;
	/** Object-like macros (include guards among them). */
	macros: Set<string>;
	/** Functions placed in a SEC("…") of their own: the BPF programs, in source order. */
	programs: string[];
	/** Names used after `->` or `.`: a field of a vmlinux.h struct named like a renamed name breaks if renamed. */
	fields: Set<string>;
}

const MACRO = /^#\s*define\s+(\w+)/;
const TAG = /^(?:typedef\s+)?(?:struct|union|enum)\s+(\w+)\s*\{/;
/** `} events SEC(".maps");`: a variable of an anonymous struct; `} name_t;` a typedef. */
const CLOSING_NAME = /^\}\s*(\w+)/;
const TYPEDEF = /^typedef\b.*?\b(\w+)\s*;/;
/** A definition or declaration at column 0: its name is the last identifier before `[`, `(`, `=`, `;` or SEC(. */
const DECLARATION = /^(?!SEC\(|_Static_assert|typedef\b|struct\s*\{|union\s*\{|enum\s*\{)[A-Za-z_][\w\s*]*?\b(\w+)\s*(?:\[[^\]]*\]\s*)?(?:SEC\(|=|;|\()/;
const SECTION = /^SEC\("[^"]*"\)\s*$/;
const FUNCTION_NAME = /\b(\w+)\s*\(/;

/** What the given files (a program's .bpf.c and its generated headers) define at file scope. */
export function definitions(files: string[]): Definitions {
	const names = new Set<string>();
	const macros = new Set<string>();
	const programs: string[] = [];
	const fields = new Set<string>();
	for (const text of files) {
		for (const m of text.matchAll(/(?:->|\.)\s*([A-Za-z_]\w*)/g)) fields.add(m[1]!);
		let inEnum = false;
		let afterSection = false;
		for (const line of text.split('\n')) {
			if (afterSection) {
				const name = FUNCTION_NAME.exec(line)?.[1];
				if (name) programs.push(name);
				afterSection = false;
			}
			if (inEnum) {
				if (line.startsWith('}')) inEnum = false;
				else {
					const constant = /^\s+([A-Za-z_]\w*)\s*(?:=|,|$)/.exec(line)?.[1];
					if (constant) names.add(constant);
				}
			}
			const macro = MACRO.exec(line)?.[1];
			if (macro) {
				if (!/^#\s*define\s+\w+\(/.test(line)) macros.add(macro);
				continue;
			}
			if (SECTION.test(line)) {
				afterSection = true;
				continue;
			}
			const tag = TAG.exec(line);
			if (tag) {
				names.add(tag[1]!);
				if (/^(?:typedef\s+)?enum\b/.test(line)) inEnum = true;
				continue;
			}
			if (/^(?:typedef\s+)?enum\s*\{/.test(line)) {
				inEnum = true;
				continue;
			}
			const found = CLOSING_NAME.exec(line)?.[1] ?? TYPEDEF.exec(line)?.[1] ?? DECLARATION.exec(line)?.[1];
			if (found) names.add(found);
		}
	}
	return { names, macros, programs, fields };
}

export interface UnityMember {
	/** Path of the program's .bpf.c, as the unity file #includes it. */
	source: string;
	defs: Definitions;
}

/** The suffix a program's renamed names get in a unity file: its position. */
const renamed = (name: string, index: number) => `${name}__${index}`;

/**
 * The unity files of `members`, `perFile` members to a file (one file by default), and for each
 * member the names its BPF programs have in the object. Names are renamed across all the files, so
 * their objects can be linked into one (`bpftool gen object`) without two defining the same symbol.
 */
export function unitySource(members: UnityMember[], perFile = members.length): { texts: string[]; programs: string[][] } {
	const definedBy = new Map<string, number>();
	for (const m of members) for (const n of m.defs.names) definedBy.set(n, (definedBy.get(n) ?? 0) + 1);
	// Per clashing name, the first program that also reads a field of that name keeps it.
	const keeper = new Map<string, number>();
	members.forEach((m, i) => {
		for (const n of m.defs.names) if (definedBy.get(n)! > 1 && m.defs.fields.has(n) && !keeper.has(n)) keeper.set(n, i);
	});
	const texts: string[] = [];
	const programs = members.map((m, i) => {
		if (i % perFile === 0) texts.push('/* Generated by scripts/verify/unity.ts: many programs in one object. */\n');
		const clashing = [...m.defs.names].filter((n) => definedBy.get(n)! > 1 && keeper.get(n) !== i).sort();
		const lines = [
			...clashing.map((n) => `#define ${n} ${renamed(n, i)}`),
			`#include ${JSON.stringify(m.source)}`,
			...[...clashing, ...[...m.defs.macros].sort()].map((n) => `#undef ${n}`),
		];
		texts[texts.length - 1] += `${lines.join('\n')}\n`;
		return m.defs.programs.map((p) => (clashing.includes(p) ? renamed(p, i) : p));
	});
	return { texts, programs };
}
