/**
 * Verification results in data/verify/<id>.json (schema: src/schemas/verify.ts), written by
 * `npm run verify` and read by the site.
 *
 * The file is JSON with one event per line, so a re-run diffs line by line.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VerifyResultSchema, type VerifyResult } from '../schemas/verify.ts';
import { DataError, oneLine, writeDataFiles } from './store.ts';

const verifyDir = (dataDir: string) => join(dataDir, 'verify');
export const verifyFile = (dataDir: string, id: string) => join(verifyDir(dataDir), `${id}.json`);

/** Ids of the kernels that have verification results, sorted. */
export function listVerifiedKernels(dataDir: string): string[] {
	if (!existsSync(verifyDir(dataDir))) return [];
	return readdirSync(verifyDir(dataDir))
		.filter((f) => f.endsWith('.json'))
		.map((f) => f.slice(0, -'.json'.length))
		.sort();
}

/** The verification results of one kernel, validated; null when that kernel was never verified. */
export function readVerifyResult(dataDir: string, id: string): VerifyResult | null {
	const file = verifyFile(dataDir, id);
	if (!existsSync(file)) return null;
	let raw: unknown;
	try {
		raw = JSON.parse(readFileSync(file, 'utf8'));
	} catch (error) {
		throw new DataError(file, `not valid JSON (${(error as Error).message}); run \`npm run verify -- --kernel ${id}\` again or restore it with git`);
	}
	const result = VerifyResultSchema.safeParse(raw);
	if (!result.success) throw new DataError(file, `does not match its schema: ${oneLine(result.error)}; run \`npm run verify -- --kernel ${id}\` again or restore it with git`);
	if (result.data.kernel !== id) throw new DataError(file, `holds the results of kernel ${result.data.kernel}, not ${id}`);
	return result.data;
}

/** Validates and writes one kernel's results (as one change of data/: a failed write leaves the old file). */
export function writeVerifyResult(dataDir: string, result: VerifyResult): string {
	const parsed = VerifyResultSchema.parse(result);
	const file = verifyFile(dataDir, parsed.kernel);
	const { events, headline, ...rest } = parsed;
	const head = Object.entries(rest).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
	const list = (items: unknown[]) => (items.length ? `[\n${items.map((x) => JSON.stringify(x)).join(',\n')}\n]` : '[]');
	const text = `{\n${[...head, `"headline": ${list(headline)}`, `"events": ${list(events)}`].join(',\n')}\n}\n`;
	writeDataFiles(dataDir, () => [{ file, text }]);
	return file;
}
