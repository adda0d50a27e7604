/**
 * Defence in depth behind the schema: names from data that the emitters write into C or into text a
 * reader runs as a command are checked again where they are emitted. The schema already refuses them
 * when data/ is read; these checks hold when an emitter is handed data some other way (the browser,
 * a test, a future import) and throw GenerateError naming the value instead of emitting it.
 */
import { C_IDENTIFIER, MODULE_NAME, quoteValue, TRACEFS_NAME } from '../../schemas/snapshot.ts';
import { GenerateError } from './options.ts';

/** A member path through ctx as the planner makes it: `fd`, `__data_loc_filename`, `args[1]`. */
const MEMBER_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\[[0-9]+\])?$/;

function checked(value: string, pattern: RegExp, what: string): string {
	if (typeof value !== 'string' || !pattern.test(value)) throw new GenerateError(`refusing to emit ${what} ${quoteValue(value)}: it is not a ${what} the kernel can produce`);
	return value;
}

/** `value` as a C identifier that came from data (a struct or member name), or GenerateError. */
export const cIdentifierFromData = (value: string, what = 'C identifier') => checked(value, C_IDENTIFIER, what);
/** A ctx member path (`args[1]`), or GenerateError. */
export const memberPathFromData = (value: string) => checked(value, MEMBER_PATH, 'ctx member path');
/** A tracefs category or event name, or GenerateError. */
export const tracefsNameFromData = (value: string) => checked(value, TRACEFS_NAME, 'tracefs name');
/** A kernel module name (printed in a `sudo modprobe` hint), or GenerateError. */
export const moduleNameFromData = (value: string) => checked(value, MODULE_NAME, 'module name');
