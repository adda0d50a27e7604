/**
 * The C skeleton generator: one pure function for the browser island, the site build and the CLI.
 * No DOM and no Node-only APIs.
 *
 * Contract (kept stable; the site and the tutorials call it):
 *
 *   generateProject(
 *     input: {
 *       kernel: Provenance;                 // the snapshot's provenance
 *       events: Event[];                    // one or more events of that snapshot
 *       lookup?: (category, name) => Event | undefined;   // finds sys_exit_* for pairExit
 *       capturedOn?: (category, name) => { kernel: string; format: EventFormat }[];
 *                                           // optional: the event on other captured kernels, for the
 *                                           // "same layout on" comment and the "missing event" message
 *     },
 *     options?: Partial<GeneratorOptions>,  // merged over DEFAULT_OPTIONS, checked by validateOptions
 *   ): GeneratedProject
 *
 *   GeneratedProject = { programName: string; files: GeneratedFile[]; notes: string[] }
 *   GeneratedFile    = { path: string; content: string; executable?: boolean; origin: 'generated' | 'companion' }
 *
 * `files` is exactly what the site's zip and `npm run generate` write: the companion's files (Makefile,
 * .gitignore, tp_helpers.h) plus the generated ones (<prog>.bpf.c, <prog>.c, <prog>.h, README.md).
 * `notes` lists the generator's decisions worth showing (fallbacks, perf buffer on old kernels).
 * Bad input throws GenerateError with a message that names the input and says what would work.
 */
import type { Event, EventFormat, Provenance } from '../../schemas/snapshot.ts';
import { COMPANION_FILES } from './companion.ts';
import { emitBpf } from './emit-bpf.ts';
import { emitHeader } from './emit-header.ts';
import { emitLoader } from './emit-loader.ts';
import { emitReadme } from './emit-readme.ts';
import { refuseHostileKernel, refuseHostileNames } from './guard.ts';
import { validateOptions, type GeneratorOptions } from './options.ts';
import { planProgram, type ProgramPlan } from './plan.ts';

export { DEFAULT_OPTIONS, GenerateError, checkProgramName, validateOptions, type GeneratorOptions } from './options.ts';
export { cIdentifier } from './names.ts';
export { capturedOnFrom } from './captured-on.ts';

export interface GenerateInput {
	/** Provenance of the snapshot the events come from. */
	kernel: Provenance;
	/** The events to trace, all from that snapshot. */
	events: Event[];
	/** Finds another event of the same snapshot; needed for pairExit (to find `sys_exit_*`). */
	lookup?: ((category: string, name: string) => Event | undefined) | undefined;
	/** The same event as captured on other kernels (may include this one); used only in comments and messages. */
	capturedOn?: ((category: string, name: string) => { kernel: string; format: EventFormat }[]) | undefined;
}

export interface GeneratedFile {
	/** Path inside the project folder, e.g. `connect.bpf.c`. */
	path: string;
	content: string;
	/** Whether the file should be written with the executable bit. */
	executable?: boolean;
	/** `companion`: the same in every project (from companion/); `generated`: made for these events. */
	origin: 'generated' | 'companion';
}

export interface GeneratedProject {
	programName: string;
	files: GeneratedFile[];
	/** Decisions the reader should know about, one sentence each. */
	notes: string[];
}

/** Plans a program without rendering it: what each field becomes. Exposed for pages that explain the output. */
export function planProject(input: GenerateInput, options: Partial<GeneratorOptions> = {}): ProgramPlan {
	// The schema has checked data/ already; this holds for input that reaches the generator another way.
	refuseHostileKernel(input.kernel);
	for (const event of input.events) refuseHostileNames(event);
	const lookup = input.lookup;
	const checkedLookup = lookup && ((category: string, name: string) => {
		const found = lookup(category, name);
		if (found) refuseHostileNames(found);
		return found;
	});
	return planProgram({ ...input, lookup: checkedLookup }, validateOptions(options));
}

/** Generates a complete project for `input.events`. Throws GenerateError for input it cannot use. */
export function generateProject(input: GenerateInput, options: Partial<GeneratorOptions> = {}): GeneratedProject {
	const plan = planProject(input, options);
	const name = plan.name;
	const generated: GeneratedFile[] = [
		{ path: `${name}.bpf.c`, content: emitBpf(plan), origin: 'generated' },
		{ path: `${name}.c`, content: emitLoader(plan, input.capturedOn), origin: 'generated' },
		{ path: `${name}.h`, content: emitHeader(plan), origin: 'generated' },
		{ path: 'README.md', content: emitReadme(plan), origin: 'generated' },
	];
	const companion: GeneratedFile[] = COMPANION_FILES.map((f) => ({ path: f.path, content: f.content, origin: 'companion' }));
	return { programName: name, files: [...generated, ...companion], notes: plan.notes };
}

export type { ProgramPlan } from './plan.ts';
