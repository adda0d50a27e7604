/**
 * Every hand-written C snippet the guides show compiles against this kernel's vmlinux.h; the ones that
 * must load do load, and the deliberate mistakes are rejected by the verifier with the very message the
 * guide prints.
 */
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listSnippets, readSnippet, snippetPrograms, SNIPPET_DIR } from '../../src/components/guide/snippets.ts';
import { compileBpf, loadAll, requireRoot, vmlinuxDir, type Compiled } from './bpf-toolchain.ts';

// probes/ holds kprobe, fentry and uprobe programs that need more than a verifier pass (a kernel with
// kprobes, a libc to find): probes.test.ts and probes-vm.test.ts attach and fire each of them.
const files = listSnippets().filter((f) => !f.startsWith('probes/'));
let compiled: Map<string, Compiled>;

beforeAll(async () => {
	requireRoot('the snippet test');
	const dir = vmlinuxDir();
	const objects = await compileBpf(
		files.map((f) => resolve(SNIPPET_DIR, f)),
		dir,
	);
	compiled = new Map(files.map((f, i) => [f, objects[i]!]));
});

describe('guide snippets', () => {
	it('there are snippets, and verifier examples come in rejected/fixed pairs', () => {
		expect(files.length).toBeGreaterThan(0);
		for (const f of files.filter((f) => f.endsWith('.rejected.bpf.c'))) {
			expect(files, `${f} needs a fixed twin`).toContain(f.replace('.rejected.', '.fixed.'));
		}
	});

	for (const file of files) {
		const snippet = readSnippet(file);
		if (snippet.verifierError === null) {
			it(`${file} loads`, () => {
				const result = loadAll(compiled.get(file)!.object);
				expect(result.loaded, `${join(SNIPPET_DIR, file)} was rejected:\n${result.log}`).toBe(true);
				// The guide's table of programs and their kernel program types is derived from the source.
				const expected = snippetPrograms(snippet).map(({ name, type }) => ({ name, type }));
				expect(result.programs).toEqual(expected.sort((a, b) => (a.name < b.name ? -1 : 1)));
			});
		} else {
			it(`${file} is rejected with "${snippet.verifierError}"`, () => {
				const result = loadAll(compiled.get(file)!.object);
				expect(result.loaded, `${file} loaded, but the guide says the verifier rejects it`).toBe(false);
				expect(result.log).toContain(snippet.verifierError);
			});
		}
	}
});
