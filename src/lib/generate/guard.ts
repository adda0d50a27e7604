/**
 * Defence in depth behind the schema: names from data that the emitters write into C or into text a
 * reader runs as a command are checked again where they are emitted. The schema already refuses them
 * when data/ is read; these checks hold when an emitter is handed data some other way (the browser,
 * a test, a future import) and throw GenerateError naming the value instead of emitting it.
 */
import { C_IDENTIFIER, describeIssues, MODULE_NAME, ProvenanceSchema, quoteValue, TRACEFS_NAME, type Event, type Provenance } from '../../schemas/snapshot.ts';
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

/**
 * Every name of an event that the generator turns into C, a command or a file name, checked before
 * planning: the event's category and name, its module, its fields, and its context struct's name,
 * BTF object and members. Throws GenerateError naming the event and the value.
 */
export function refuseHostileNames(event: Event): void {
	const where = `${quoteValue(`${event.category}:${event.name}`)}`;
	const check = (ok: () => unknown) => {
		try {
			ok();
		} catch (error) {
			throw new GenerateError(`event ${where}: ${(error as Error).message}`);
		}
	};
	check(() => (tracefsNameFromData(event.category), tracefsNameFromData(event.name)));
	if (event.origin.kind === 'module') check(() => moduleNameFromData(event.origin.kind === 'module' ? event.origin.module : ''));
	for (const f of [...event.format.commonFields, ...event.format.fields]) check(() => cIdentifierFromData(f.name, 'field name'));
	if (event.context.match !== 'none') {
		const struct = event.context.struct;
		check(() => (cIdentifierFromData(struct.name, 'struct name'), moduleNameFromData(struct.btf)));
		for (const m of struct.members) check(() => cIdentifierFromData(m.name, 'member name'));
	}
}

/** The kernel's provenance as the schema has it (its id, release and arch go into comments, strings and READMEs). */
export function refuseHostileKernel(kernel: Provenance): void {
	const result = ProvenanceSchema.safeParse(kernel);
	if (!result.success) throw new GenerateError(`kernel ${quoteValue(kernel.id)}: ${describeIssues(result.error, kernel)}`);
}
