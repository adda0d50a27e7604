import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPANION_FILES } from '../lib/generate/companion.ts';
import { projectZip } from './zip.ts';

describe('project zip', () => {
	// The companion's real files, one of them marked executable as a generated script would be.
	const files = COMPANION_FILES.map((f, i) => ({ ...f, executable: i === 0 }));

	it('unzips with the system unzip into one folder, byte for byte, keeping executable bits', () => {
		const dir = mkdtempSync(join(tmpdir(), 'atlas-zip-'));
		writeFileSync(join(dir, 'p.zip'), projectZip('prog', files));
		execFileSync('unzip', ['-q', 'p.zip'], { cwd: dir });
		for (const f of files) {
			expect(readFileSync(join(dir, 'prog', f.path), 'utf8')).toBe(f.content);
			expect(statSync(join(dir, 'prog', f.path)).mode & 0o111).toBe(f.executable ? 0o111 : 0);
		}
	});

	it('is deterministic', () => {
		expect(projectZip('prog', files)).toEqual(projectZip('prog', files));
	});
});
