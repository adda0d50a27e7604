/**
 * The command-line front the npm scripts share: strict flags plus --help, paths as the caller meant
 * them, temporary folders that never outlive the command, files written without following links,
 * and one way to fail — a single line on stderr that names the command, then exit status 1.
 */
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { fsProblem, isRunning, makeDirectory } from '../../src/data/system.ts';
import { DataError } from '../../src/data/store.ts';

/** Thrown for bad input the user can correct; `runCli` prints it as the command's one-line failure. */
export class UsageError extends Error {}

/** Prints `<command>: <message>` as one line on stderr and exits with status 1. */
export function fail(command: string, message: string): never {
	console.error(`${command}: ${message.replace(/\s*\n\s*/g, ' ')}`);
	process.exit(1);
}

/** An error in words: a file-system error as its path and problem, anything else as its message. */
export function describeError(error: unknown): string {
	const fs = fsProblem(error);
	if (fs) return `${fs.path ?? 'a file'}: ${fs.problem}`;
	return (error as Error).message ?? String(error);
}

/**
 * Parses `argv` strictly against `options` (plus --help). On --help prints `help` and exits 0; an
 * unknown or malformed flag, or one given twice that is not `multiple`, fails in one line.
 */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(command: string, help: string, options: O, { positionals = false, argv = process.argv.slice(2) } = {}) {
	type Config = { args: string[]; options: O & { help: { type: 'boolean' } }; strict: true; allowPositionals: boolean; tokens: true };
	let parsed;
	try {
		parsed = parseArgs<Config>({ args: argv, options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: positionals, tokens: true });
	} catch (error) {
		fail(command, `${(error as Error).message} (see --help)`);
	}
	if ((parsed.values as { help?: boolean }).help) {
		console.log(help);
		process.exit(0);
	}
	const seen = new Map<string, string | undefined>();
	for (const token of parsed.tokens) {
		if (token.kind !== 'option' || options[token.name]?.multiple) continue;
		if (seen.has(token.name)) {
			const values = [seen.get(token.name), token.value].filter((v) => v !== undefined).map((v) => JSON.stringify(v));
			fail(command, `--${token.name} is given twice${values.length ? ` (${values.join(' and ')})` : ''}; give it once`);
		}
		seen.set(token.name, token.value);
	}
	const { tokens: _, ...rest } = parsed;
	return rest;
}

/**
 * `path` resolved from the folder the user ran the command in. `npm run` starts scripts in the
 * package's folder and passes the caller's in INIT_CWD; run directly, that is the current folder.
 */
export function callerPath(path: string): string {
	const { INIT_CWD, npm_package_json } = process.env;
	const startedByNpm = INIT_CWD !== undefined && npm_package_json !== undefined && dirname(npm_package_json) === process.cwd();
	return resolve(startedByNpm ? INIT_CWD : process.cwd(), path);
}

/** The data folder given with --data, or the repository's; it must be a folder, or (`forWriting`) not exist yet. */
export function dataFolder(given: string | undefined, repositoryData: string, { forWriting = false } = {}): string {
	if (given === undefined) return repositoryData;
	const dir = callerPath(given);
	if (existsSync(dir) ? !statSync(dir).isDirectory() : !forWriting) {
		throw new UsageError(`--data ${dir} is not a folder; give the data folder to ${forWriting ? 'write into' : 'read'} (default: the repository's data/)`);
	}
	return dir;
}

/** Runs `main`; any error becomes the command's one-line failure (with ATLAS_DEBUG=1, an unexpected one shows its stack first). */
export async function runCli(command: string, main: () => void | Promise<void>, expected: (abstract new (...args: never[]) => Error)[] = []): Promise<void> {
	try {
		await main();
	} catch (error) {
		if (error instanceof UsageError || error instanceof DataError || expected.some((kind) => error instanceof kind) || fsProblem(error)) fail(command, describeError(error));
		if (process.env.ATLAS_DEBUG) console.error(error);
		fail(command, `unexpected error: ${describeError(error)} (please report it with the command you ran; ATLAS_DEBUG=1 shows where it happened)`);
	}
}

const signalCleanups: (() => void)[] = [];

/** Runs `cleanup` when the process exits, also on SIGINT, SIGTERM and SIGHUP (then exits 128 + the signal's number). */
function onAnyExit(cleanup: () => void): void {
	if (signalCleanups.length === 0) {
		process.on('exit', () => {
			for (const run of signalCleanups) run();
		});
		for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => process.exit(128 + constants.signals[signal]));
	}
	signalCleanups.push(cleanup);
}

/**
 * A new folder `<tmp>/atlas-<purpose>-<pid>-XXXXXX`, removed however the process ends short of
 * SIGKILL. Folders a killed command left (their pid no longer runs) are removed first.
 */
export function temporaryDir(purpose: string): string {
	const leftover = new RegExp(`^atlas-${purpose}-(\\d+)-`);
	for (const name of readdirSync(tmpdir())) {
		const pid = leftover.exec(name)?.[1];
		if (pid && Number(pid) !== process.pid && !isRunning(Number(pid))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
	}
	const dir = mkdtempSync(join(tmpdir(), `atlas-${purpose}-${process.pid}-`));
	onAnyExit(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

/** `dir` as a folder that is empty or new (created), for a `flag` such as --work that must not mix old files with new. */
export function emptyDir(dir: string, flag: string): string {
	if (existsSync(dir)) {
		if (!statSync(dir).isDirectory()) throw new UsageError(`${flag} ${dir} is a file; give a folder that is empty or does not exist yet`);
		const entries = readdirSync(dir);
		if (entries.length > 0) throw new UsageError(`${flag} ${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); give an empty or new folder, or remove its files first`);
		return dir;
	}
	makeDirectory(dir);
	return dir;
}

/**
 * Writes `file` as a new file renamed over the old one: a symbolic link (or hard link) there is
 * replaced, never written through. On failure nothing is left behind.
 */
export function replaceFile(file: string, content: string, mode = 0o644): void {
	const fresh = `${file}.tmp-${process.pid}`;
	try {
		rmSync(fresh, { force: true });
		writeFileSync(fresh, content, { mode, flag: 'wx' });
		renameSync(fresh, file);
	} catch (error) {
		rmSync(fresh, { force: true });
		throw error;
	}
}
