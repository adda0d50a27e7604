/**
 * The command-line front the npm scripts share: strict flags plus --help, and one way to fail — a
 * single line on stderr that names the command, then exit status 1.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** Thrown for bad input the user can correct; `runCli` prints it as the command's one-line failure. */
export class UsageError extends Error {}

/** Prints `<command>: <message>` on stderr and exits with status 1. */
export function fail(command: string, message: string): never {
	console.error(`${command}: ${message}`);
	process.exit(1);
}

/**
 * Parses `argv` strictly against `options` (plus --help). On --help prints `help` and exits 0; on
 * an unknown or malformed flag fails with the parser's message followed by `help`.
 */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(command: string, help: string, options: O, { positionals = false, argv = process.argv.slice(2) } = {}) {
	type Config = { args: string[]; options: O & { help: { type: 'boolean' } }; strict: true; allowPositionals: boolean };
	try {
		const parsed = parseArgs<Config>({ args: argv, options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: positionals });
		if ((parsed.values as { help?: boolean }).help) {
			console.log(help);
			process.exit(0);
		}
		return parsed;
	} catch (error) {
		fail(command, `${(error as Error).message}\n\n${help}`);
	}
}

/** Runs `main`; a UsageError (or an error of a class in `expected`) becomes the command's failure line, anything else propagates. */
export async function runCli(command: string, main: () => void | Promise<void>, expected: (abstract new (...args: never[]) => Error)[] = []): Promise<void> {
	try {
		await main();
	} catch (error) {
		if (error instanceof UsageError || expected.some((kind) => error instanceof kind)) fail(command, (error as Error).message);
		throw error;
	}
}
