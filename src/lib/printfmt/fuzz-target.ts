/** The print fmt reader as a fuzz target: a mutated print fmt must decode (never throwing) or parse to a PrintFmtError. */
import { mutateText, type FuzzTarget } from '../fuzz/fuzz.ts';
import { decodeEvent } from './decode.ts';
import { parsePrintFmt, PrintFmtError } from './parse.ts';

export function printFmtTarget(seeds: readonly string[]): FuzzTarget<string> {
	return {
		name: 'decodePrintFmt',
		seeds,
		mutate: mutateText,
		read: (printFmt) => {
			// decodeEvent turns a PrintFmtError into a `syntax` entry; the parse itself shows whether the input was refused.
			decodeEvent({ commonFields: [], fields: [], printFmt });
			return parsePrintFmt(printFmt);
		},
		isClean: (error) => error instanceof PrintFmtError,
	};
}
