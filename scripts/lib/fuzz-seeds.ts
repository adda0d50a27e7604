/** Real inputs for the fuzz targets: format files from a real tracefs and from data/, and the real BTF fixtures. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');

/** The format-file fixtures (a 6.18 tracefs) and every `every`-th format text stored in data/formats/. */
export function realFormatTexts(dataDir = join(REPO, 'data'), every = 20): string[] {
	const fixtures = join(REPO, 'src/lib/format/fixtures');
	const formats = join(dataDir, 'formats');
	const stored = readdirSync(formats)
		.sort()
		.flatMap((f) => Object.values(JSON.parse(readFileSync(join(formats, f), 'utf8')) as Record<string, string>))
		.filter((_, i) => i % every === 0);
	return [...readdirSync(fixtures).sort().map((f) => readFileSync(join(fixtures, f), 'utf8')), ...stored];
}

/** The BTF fixtures: clang's BTF of real vmlinux declarations, and pahole's split BTF of a module on top of it. */
export function realBtf(): { base: Uint8Array; module: Uint8Array } {
	const dir = join(REPO, 'src/lib/btf/fixtures');
	return { base: new Uint8Array(readFileSync(join(dir, 'base.btf'))), module: new Uint8Array(readFileSync(join(dir, 'module.btf'))) };
}
