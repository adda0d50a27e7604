/** What tests compare a folder by, before and after something that must not change it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Everything under `dir` (hidden files too) as relative path → bytes ('<dir>' and '<other>' for the rest). */
export function folderTree(dir: string): Map<string, string> {
	const files = new Map<string, string>();
	for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		const path = join(entry.parentPath, entry.name);
		files.set(path.slice(dir.length), entry.isFile() ? readFileSync(path, 'latin1') : entry.isDirectory() ? '<dir>' : '<other>');
	}
	return files;
}
