/**
 * The project zip a reader downloads: every file of the generated project (the companion's and the
 * generated ones) inside one folder named after the program, executables marked as such for unzip.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';

export interface ZipFile {
	path: string;
	content: string;
	executable?: boolean | undefined;
}

/** A fixed date keeps the same project byte-for-byte the same zip. */
const MTIME = new Date('2000-01-01T00:00:00Z');
const UNIX = 3;

export function projectZip(folder: string, files: readonly ZipFile[]): Uint8Array {
	const tree: Zippable = {};
	for (const file of files) {
		const mode = file.executable ? 0o100755 : 0o100644;
		tree[`${folder}/${file.path}`] = [strToU8(file.content), { os: UNIX, attrs: mode << 16, mtime: MTIME }];
	}
	return zipSync(tree, { level: 6 });
}
