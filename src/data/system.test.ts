import { lstatSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsProblem, makeDirectory } from './system.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'atlas-system-test-'));

describe('makeDirectory', () => {
	it('creates missing parents', () => {
		const dir = join(scratch(), 'a', 'b', 'c');
		makeDirectory(dir);
		expect(lstatSync(dir).isDirectory()).toBe(true);
	});

	it('fails at once under /proc, where recursive mkdir loops forever', () => {
		for (const path of ['/proc/atlas-x', '/proc/atlas-x/y/z', '/proc/sys/atlas-x']) {
			const started = performance.now();
			expect(() => makeDirectory(path), path).toThrow(/ENOENT/);
			expect(performance.now() - started, path).toBeLessThan(2000);
		}
	});

	it('names the file that is in the way', () => {
		const file = join(scratch(), 'file');
		writeFileSync(file, 'mine');
		expect(() => makeDirectory(join(file, 'sub'))).toThrow(/ENOTDIR/);
	});
});

describe('fsProblem', () => {
	it('puts a file-system error in words with its path, and leaves other errors alone', () => {
		let error: unknown;
		try {
			makeDirectory('/proc/atlas-x');
		} catch (e) {
			error = e;
		}
		expect(fsProblem(error)).toEqual({ path: '/proc/atlas-x', problem: 'no such file or folder' });
		expect(fsProblem(new Error('plain'))).toBeNull();
	});
});
