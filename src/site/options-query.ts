/**
 * The generator options an event page shows, kept in its URL query so a shared link reopens the
 * same code: only options that differ from the defaults are written, with short names.
 */
import { DEFAULT_OPTIONS, validateOptions, type GeneratorOptions } from '../lib/generate/options.ts';

/** Options the page lets a reader change: all of the generator's, with the fields of the page's one event. */
export interface PageOptions {
	section: GeneratorOptions['section'];
	context: GeneratorOptions['context'];
	output: GeneratorOptions['output'];
	filterPid: boolean;
	filterComm: boolean;
	pairExit: boolean;
	/** Print values by the names the kernel's print fmt gives them. */
	decode: boolean;
	programName: string | null;
	stringSize: number;
	argvCount: number;
	language: GeneratorOptions['language'];
	/** Fields to record; null records all of them. */
	fields: string[] | null;
	/** More events traced by the same program, `category:name`. */
	also: string[];
}

export function defaultPageOptions(language: GeneratorOptions['language']): PageOptions {
	const { section, context, output, filterPid, filterComm, pairExit, decode, programName, stringSize, argvCount } = DEFAULT_OPTIONS;
	return { section, context, output, filterPid, filterComm, pairExit, decode, programName, stringSize, argvCount, language, fields: null, also: [] };
}

/** The generator's options for one event (`category:name`). */
export function toGeneratorOptions(options: PageOptions, eventKey: string): Partial<GeneratorOptions> {
	const { fields, also: _events, ...rest } = options;
	return { ...rest, fields: fields === null ? {} : { [eventKey]: fields } };
}

const EVENT_KEY = /^[\w.-]+:[\w.-]+$/;

const QUERY_NAMES = {
	section: 'section',
	context: 'context',
	output: 'output',
	filterPid: 'pid',
	filterComm: 'comm',
	pairExit: 'pair',
	decode: 'names',
	programName: 'prog',
	stringSize: 'strlen',
	argvCount: 'argv',
	language: 'readme',
	fields: 'fields',
	also: 'also',
} as const satisfies Record<keyof PageOptions, string>;

function encode(value: PageOptions[keyof PageOptions]): string {
	if (typeof value === 'boolean') return value ? '1' : '0';
	if (Array.isArray(value)) return value.join(',');
	return String(value);
}

/** Writes the options that differ from the defaults into `params` (and removes the others). */
export function writeOptions(params: URLSearchParams, options: PageOptions, defaults: PageOptions): void {
	for (const key of Object.keys(QUERY_NAMES) as (keyof PageOptions)[]) {
		const value = options[key];
		const differs = encode(value ?? '') !== encode(defaults[key] ?? '') || (value === null) !== (defaults[key] === null);
		if (differs && value !== null) params.set(QUERY_NAMES[key], encode(value));
		else params.delete(QUERY_NAMES[key]);
	}
}

/**
 * Reads options from a query, starting from `defaults`. A value the generator would refuse (a
 * hand-edited link) is dropped in favour of the default, so a bad link still opens the page.
 */
export function readOptions(params: URLSearchParams, defaults: PageOptions): PageOptions {
	const options: PageOptions = { ...defaults };
	const set = <K extends keyof PageOptions>(key: K, value: PageOptions[K]) => {
		const candidate = { ...options, [key]: value };
		try {
			validateOptions(toGeneratorOptions(candidate, 'x:y'));
			options[key] = value;
		} catch {
			// Keep the default.
		}
	};
	for (const key of Object.keys(QUERY_NAMES) as (keyof PageOptions)[]) {
		const raw = params.get(QUERY_NAMES[key]);
		if (raw === null) continue;
		const current = defaults[key];
		if (key === 'fields') set('fields', raw === '' ? [] : raw.split(','));
		else if (key === 'also') options.also = raw.split(',').filter((k) => EVENT_KEY.test(k));
		else if (key === 'programName') set('programName', raw);
		else if (typeof current === 'boolean') set(key, (raw === '1') as never);
		else if (typeof current === 'number') set(key, Number(raw) as never);
		else set(key, raw as never);
	}
	return options;
}
