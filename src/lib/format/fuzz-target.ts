/** The format parser as a fuzz target: a mutated format file must parse or end in a FormatParseError. */
import { mutateText, type FuzzTarget } from '../fuzz/fuzz.ts';
import { FormatParseError, parseFormat } from './parse.ts';

export function formatParserTarget(seeds: readonly string[]): FuzzTarget<string> {
	return {
		name: 'parseFormat',
		seeds,
		mutate: mutateText,
		read: (text) => parseFormat(text, 'fuzzed/format'),
		isClean: (error) => error instanceof FormatParseError,
	};
}
