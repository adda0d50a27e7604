/**
 * Hand-written C shown in the guides. Each lives as a file under content/snippets/ that the test suite
 * compiles and loads (tests/guides/snippets.test.ts), so a guide never shows code that does not build.
 *
 * A file named `*.rejected.bpf.c` is a deliberate mistake: its first line,
 * `// expect-verifier-error: <text>`, is the verifier message the guide shows and the test expects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where snippets live, relative to the project root. */
export const SNIPPET_DIR = 'content/snippets';

const EXPECT_LINE = /^\/\/ expect-verifier-error: (.+)\n/;

/** One snippet, ready to show. */
export interface Snippet {
	/** Path below content/snippets/, e.g. `verifier/map-null.rejected.bpf.c`. */
	file: string;
	/** The C source as the reader sees it (without the expectation line). */
	code: string;
	/** For a `*.rejected.bpf.c` file, the verifier message it must produce; null for code that must load. */
	verifierError: string | null;
}

/** Whether a snippet file is a deliberate verifier failure. */
export function isRejected(file: string): boolean {
	return file.endsWith('.rejected.bpf.c');
}

/** Reads one snippet; throws naming the file when it is missing or its expectation line is wrong. */
export function readSnippet(file: string, root = '.'): Snippet {
	const path = join(root, SNIPPET_DIR, file);
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch {
		throw new Error(`${path}: no such snippet; the files are: ${listSnippets(root).join(', ')}`);
	}
	const expect = EXPECT_LINE.exec(text);
	if (isRejected(file) && !expect) throw new Error(`${path}: a *.rejected.bpf.c file must start with "// expect-verifier-error: <message>"`);
	if (!isRejected(file) && expect) throw new Error(`${path}: only *.rejected.bpf.c files may expect a verifier error`);
	return { file, code: expect ? text.slice(expect[0].length) : text, verifierError: expect?.[1] ?? null };
}

/** Every snippet file, relative to content/snippets/, sorted. */
export function listSnippets(root = '.'): string[] {
	const base = join(root, SNIPPET_DIR);
	return readdirSync(base, { recursive: true, encoding: 'utf8' })
		.filter((f) => f.endsWith('.bpf.c'))
		.map((f) => relative(base, join(base, f)))
		.sort();
}

/** One BPF program a snippet defines. */
export interface SnippetProgram {
	/** The C function name, which is also the program's name in the kernel. */
	name: string;
	/** The SEC() string, e.g. `tp/sched/sched_process_exec`. */
	section: string;
	/** The kernel's program type for that section, as `bpftool prog show` prints it. */
	type: string;
}

/** libbpf's section prefixes the guides use, and the program type each one loads as. */
const SECTION_TYPES: [prefix: string, type: string][] = [
	['tracepoint/', 'tracepoint'],
	['tp/', 'tracepoint'],
	['raw_tracepoint/', 'raw_tracepoint'],
	['raw_tp/', 'raw_tracepoint'],
	['tp_btf/', 'tracing'],
];

const PROGRAM = /SEC\("([^"]+)"\)\s*\nint\s+(?:BPF_PROG\(\s*)?(\w+)/g;

/** The programs a snippet defines, in source order (maps and the license are not programs). */
export function snippetPrograms(snippet: Snippet): SnippetProgram[] {
	return [...snippet.code.matchAll(PROGRAM)].map(([, section, name]) => {
		const type = SECTION_TYPES.find(([prefix]) => section!.startsWith(prefix))?.[1];
		if (!type) throw new Error(`${snippet.file}: SEC("${section}") is not a section the guides explain`);
		return { name: name!, section: section!, type };
	});
}
