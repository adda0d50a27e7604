import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callerPath, replaceFile, temporaryDir } from './cli.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'atlas-cli-test-'));

describe('replaceFile', () => {
	it('replaces a symbolic link instead of writing through it, and leaves no temporary file', () => {
		const dir = scratch();
		const victim = join(dir, 'victim');
		writeFileSync(victim, 'precious');
		symlinkSync(victim, join(dir, 'Makefile'));
		replaceFile(join(dir, 'Makefile'), 'all:\n', 0o644);
		expect(readFileSync(victim, 'utf8')).toBe('precious');
		expect(lstatSync(join(dir, 'Makefile')).isSymbolicLink()).toBe(false);
		expect(readFileSync(join(dir, 'Makefile'), 'utf8')).toBe('all:\n');
		expect(readdirSync(dir).sort()).toEqual(['Makefile', 'victim']);
	});

	it('fails on a folder of that name and leaves nothing behind', () => {
		const dir = scratch();
		mkdirSync(join(dir, 'Makefile'));
		writeFileSync(join(dir, 'Makefile', 'inside'), 'x');
		expect(() => replaceFile(join(dir, 'Makefile'), 'all:\n')).toThrow();
		expect(readdirSync(dir)).toEqual(['Makefile']);
	});
});

describe('callerPath', () => {
	it('resolves from INIT_CWD when npm run started the script in the package folder, else from the current folder', () => {
		const saved = { ...process.env };
		try {
			process.env.INIT_CWD = '/home/someone/project';
			process.env.npm_package_json = join(process.cwd(), 'package.json');
			expect(callerPath('data')).toBe('/home/someone/project/data');
			expect(callerPath('/abs/data')).toBe('/abs/data');
			process.env.npm_package_json = '/elsewhere/package.json';
			expect(callerPath('data')).toBe(join(process.cwd(), 'data'));
			delete process.env.INIT_CWD;
			expect(callerPath('data')).toBe(join(process.cwd(), 'data'));
		} finally {
			process.env = saved;
		}
	});
});

/** Runs a node process that makes a temporaryDir, prints it, and waits to be signalled. */
function holder(): Promise<{ pid: number; dir: string; ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; kill: (s: NodeJS.Signals) => void }> {
	const code = `import { temporaryDir } from ${JSON.stringify(new URL('./cli.ts', import.meta.url).pathname)}; console.log(temporaryDir('clitest')); setInterval(() => {}, 1000);`;
	const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
	const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (c, s) => done({ code: c, signal: s })));
	return new Promise((done) => {
		child.stdout.once('data', (chunk: Buffer) => done({ pid: child.pid!, dir: chunk.toString().trim(), ended, kill: (s) => child.kill(s) }));
	});
}

describe('temporaryDir', () => {
	it('is removed when the process is stopped by SIGTERM, SIGINT or SIGHUP, exiting 128 + the signal number', async () => {
		for (const [signal, status] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
			const h = await holder();
			expect(h.dir).toMatch(new RegExp(`/atlas-clitest-${h.pid}-`));
			expect(existsSync(h.dir)).toBe(true);
			h.kill(signal);
			expect((await h.ended).code, signal).toBe(status);
			expect(existsSync(h.dir), signal).toBe(false);
		}
	});

	it('one left by a SIGKILLed process is removed by the next temporaryDir of that purpose; a running one is not', async () => {
		const killed = await holder();
		killed.kill('SIGKILL');
		await killed.ended;
		expect(existsSync(killed.dir)).toBe(true);
		const running = await holder();
		expect(existsSync(killed.dir)).toBe(false);
		const mine = temporaryDir('clitest');
		expect(existsSync(running.dir)).toBe(true);
		expect(existsSync(mine)).toBe(true);
		running.kill('SIGTERM');
		await running.ended;
	});
});
