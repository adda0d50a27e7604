/**
 * A newcomer's first commands, in a fresh clone on the system's Node and npm (Node 20 on Debian
 * bookworm): `npm run generate -- --help` comes first, before `npm start` ever ran, and must
 * install what it needs and print its help — not ERR_UNKNOWN_FILE_EXTENSION ".ts" from a Node
 * that cannot run TypeScript — without the 40 lines of `npm warn EBADENGINE` npm prints for
 * packages that want a newer Node than the one running npm itself. Then capture's and verify's
 * --help, which must read alike.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const clone = mkdtempSync(join(tmpdir(), 'atlas-fresh-clone-'));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

/** The environment of a shell on this machine: no node_modules/.bin on PATH, none of npm's variables from the npm test that runs us. */
function systemEnv(): NodeJS.ProcessEnv {
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|NODE$|INIT_CWD$|VITEST|VITE_|NODE_ENV$|MODE$|BASE_URL$|PROD$|DEV$|SSR$|TEST$)/i.test(key)));
	env.PATH = (process.env.PATH ?? '').split(delimiter).filter((dir) => !dir.includes('node_modules')).join(delimiter);
	return env;
}

const npm = (...args: string[]) => {
	const r = spawnSync('npm', args, { cwd: clone, env: systemEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	return { status: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}` };
};

describe('a fresh clone', () => {
	it('runs npm run generate -- --help before anything else, on the system Node, without warnings', () => {
		execFileSync('git', ['clone', '--quiet', REPO, clone], { stdio: 'pipe' });
		const systemNode = execFileSync('node', ['--version'], { env: systemEnv(), encoding: 'utf8' }).trim();
		const r = npm('run', 'generate', '--', '--help');
		expect(r.status, `${systemNode}\n${r.all}`).toBe(0);
		expect(r.stdout).toContain('Usage:\n  npm run generate -- <category>:<name>');
		expect(r.all).not.toContain('ERR_UNKNOWN_FILE_EXTENSION');
		expect(r.all).not.toContain('EBADENGINE');
		expect(r.stderr).toContain('bootstrap: installing npm packages');
		expect(r.stderr).not.toMatch(/npm (warn|error)/i);
	});

	it('then capture and verify print their help at once, in the same shape, within 100 columns', () => {
		for (const command of ['generate', 'capture', 'verify']) {
			const r = npm('run', '--silent', command, '--', '--help');
			expect(r.status, r.all).toBe(0);
			// Installed already: nothing but the help.
			expect(r.stderr, command).toBe('');
			const lines = r.stdout.trimEnd().split('\n');
			expect(lines[0], command).toBe('Usage:');
			expect(lines, command).toContain('Options:');
			expect(Math.max(...lines.map((l) => l.length)), command).toBeLessThanOrEqual(100);
		}
	});
});
