/**
 * The generator's input for one event page (its event, plus any the reader adds to the same
 * program), built the same way at build time (from the catalog) and in the browser (from the
 * events' JSON), so both produce the same code for the same options.
 */
import { generateProject, planProject, type GenerateInput, type GeneratedProject, type ProgramPlan } from '../lib/generate/index.ts';
import type { CtxPlan, EventPlan } from '../lib/generate/plan.ts';
import type { Event, Provenance } from '../schemas/snapshot.ts';
import { toGeneratorOptions, type PageOptions } from './options-query.ts';

/** Where events' copies come from: the catalog at build time, the events' JSON in the browser. */
export interface EventSource {
	event(category: string, name: string, kernel: string): Event | undefined;
	versions(category: string, name: string): { kernel: Provenance; event: Event }[];
}

/** `events`: the page's event first, then the ones added to the same program. */
export function generatorInput(source: EventSource, kernel: Provenance, events: Event[]): GenerateInput {
	return {
		kernel,
		events,
		lookup: (category, name) => source.event(category, name, kernel.id),
		capturedOn: (category, name) => source.versions(category, name).map((v) => ({ kernel: v.kernel.id, format: v.event.format })),
	};
}

export type Generated = { ok: true; project: GeneratedProject; plan: ProgramPlan } | { ok: false; error: string };

/** Runs the generator for the page's options; a refusal (GenerateError) comes back as its message. */
export function generate(input: GenerateInput, options: PageOptions): Generated {
	const generatorOptions = toGeneratorOptions(options, `${input.events[0]!.category}:${input.events[0]!.name}`);
	try {
		return { ok: true, project: generateProject(input, generatorOptions), plan: planProject(input, generatorOptions) };
	} catch (error) {
		return { ok: false, error: (error as Error).message };
	}
}

/** How the generator reads each field with its default options: what the field table explains. */
export function defaultPlan(source: EventSource, kernel: Provenance, event: Event): EventPlan | undefined {
	try {
		return planProject(generatorInput(source, kernel, [event]), {}).events[0];
	} catch {
		return undefined;
	}
}

export type PortableContext = Extract<CtxPlan, { kind: 'portable' }>;

/** The struct the generator writes from the format offsets when asked for the portable context: what step 3 shows beside vmlinux.h's. */
export function portableContext(source: EventSource, kernel: Provenance, event: Event): PortableContext | undefined {
	try {
		const ctx = planProject(generatorInput(source, kernel, [event]), { context: 'portable' }).events[0]?.ctx;
		return ctx?.kind === 'portable' ? ctx : undefined;
	} catch {
		return undefined;
	}
}
