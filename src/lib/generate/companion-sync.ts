/**
 * Node only (not imported by the generator): keeps companion.ts, the browser-safe copy of the files in
 * companion/, equal to those files. `npm run generate -- --sync-companion` rewrites it; a test fails when
 * the two differ.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files of companion/ that go into every generated project (its README describes the repository, not a program). */
export function readCompanionFiles(companionDir: string): { path: string; content: string }[] {
	return readdirSync(companionDir, { withFileTypes: true })
		.filter((d) => d.isFile() && !/^README/.test(d.name))
		.map((d) => d.name)
		.sort()
		.map((path) => ({ path, content: readFileSync(join(companionDir, path), 'utf8') }));
}

/** The source text of companion.ts for `files`. */
export function companionModule(files: { path: string; content: string }[]): string {
	return [
		'/**',
		' * The files of companion/ that every generated project contains, as strings so the generator runs in',
		' * the browser. Written by `npm run generate -- --sync-companion`; do not edit: edit companion/ instead.',
		' */',
		'export const COMPANION_FILES: readonly { path: string; content: string }[] = [',
		...files.map((f) => `\t{ path: ${JSON.stringify(f.path)}, content: ${JSON.stringify(f.content)} },`),
		'];',
		'',
	].join('\n');
}
