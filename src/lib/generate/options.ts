/** The generator's options, their defaults, and the check that turns user input into valid options. */
import { PROGRAM_NAME, RESERVED_PROGRAM_NAMES } from './names.ts';

/** Everything a reader can choose about the generated project. */
export interface GeneratorOptions {
	/** SEC() prefix: `tp/<category>/<name>` or `tracepoint/<category>/<name>` (libbpf treats them alike). */
	section: 'tp' | 'tracepoint';
	/**
	 * The type of the program's ctx: `vmlinux` uses the kernel's own `struct trace_event_raw_*` from a
	 * vmlinux.h made at build time (needs BTF); `portable` declares a struct from the format file's
	 * offsets and needs only libbpf's and the kernel's UAPI headers.
	 */
	context: 'vmlinux' | 'portable';
	/** Fields to record, keyed `category:name`; an event that is not listed records all of its fields. */
	fields: Readonly<Record<string, readonly string[]>>;
	/**
	 * How records reach user space: a ring buffer the loader prints (`ringbuf`; kernels before 5.8 get a
	 * perf buffer instead), a perf buffer (`perfbuf`), or `bpf_printk` lines the loader copies from trace_pipe.
	 */
	output: 'ringbuf' | 'perfbuf' | 'printk';
	/** Whether the loader takes `-p PID` (only that process) and passes it through a read-only global. */
	filterPid: boolean;
	/** Whether the loader takes `-c COMM` (only tasks with that command name) and passes it through a read-only global. */
	filterComm: boolean;
	/**
	 * Pair every `syscalls:sys_enter_*` event with its `sys_exit_*`: the arguments wait in a hash map
	 * keyed by pid_tgid and are reported together with the return value.
	 */
	pairExit: boolean;
	/** Name of the program, its files and its binary; null derives one from the events. */
	programName: string | null;
	/** Bytes kept of each string and variable-length field (paths, names, `__data_loc` arrays). */
	stringSize: number;
	/** How many entries of an `argv` array are read. */
	argvCount: number;
	/** Language of the generated README. */
	language: 'zh' | 'en';
	/**
	 * Print values by the names this kernel's print fmt gives them, as perf does (`prev_state=S (0x1)`,
	 * `flags=O_WRONLY|O_CREAT (0x41)`): the tables go into the generated header. Off prints plain numbers.
	 */
	decode: boolean;
}

export const DEFAULT_OPTIONS: Readonly<GeneratorOptions> = Object.freeze({
	section: 'tp',
	context: 'vmlinux',
	fields: {},
	output: 'ringbuf',
	filterPid: true,
	filterComm: true,
	pairExit: false,
	programName: null,
	stringSize: 256,
	argvCount: 4,
	language: 'zh',
	decode: true,
});

/** Input the generator cannot use: the message names the input and says what would work. */
export class GenerateError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'GenerateError';
	}
}

const CHOICES = {
	section: ['tp', 'tracepoint'],
	context: ['vmlinux', 'portable'],
	output: ['ringbuf', 'perfbuf', 'printk'],
	language: ['zh', 'en'],
} as const;

const BOOLEANS = ['filterPid', 'filterComm', 'pairExit', 'decode'] as const;
const RANGES = { stringSize: [16, 4096], argvCount: [0, 16] } as const;

/** Checks a program name; returns it or throws a GenerateError saying what is wrong. */
export function checkProgramName(name: string): string {
	if (!PROGRAM_NAME.test(name)) {
		throw new GenerateError(
			`programName ${JSON.stringify(name)} cannot be used: it names files, a make target and C identifiers, ` +
				'so use 1–40 lowercase letters, digits and "_", not starting with a digit (e.g. "connect_trace")',
		);
	}
	if (RESERVED_PROGRAM_NAMES.has(name)) {
		throw new GenerateError(`programName "${name}" is taken by the project itself (${[...RESERVED_PROGRAM_NAMES].join(', ')}); choose another`);
	}
	return name;
}

/**
 * Merges `input` over DEFAULT_OPTIONS and checks every value; throws a GenerateError naming the first
 * bad option and its allowed values. Unknown option names are errors too (a typo would otherwise be ignored).
 */
export function validateOptions(input: Partial<GeneratorOptions> = {}): GeneratorOptions {
	const known = new Set(Object.keys(DEFAULT_OPTIONS));
	for (const key of Object.keys(input)) {
		if (!known.has(key)) throw new GenerateError(`unknown option "${key}"; the options are: ${[...known].join(', ')}`);
	}
	const options: GeneratorOptions = { ...DEFAULT_OPTIONS, ...input };
	for (const [key, allowed] of Object.entries(CHOICES) as [keyof typeof CHOICES, readonly string[]][]) {
		if (!allowed.includes(options[key])) {
			throw new GenerateError(`option ${key} is ${JSON.stringify(options[key])}; use one of: ${allowed.join(', ')}`);
		}
	}
	for (const key of BOOLEANS) {
		if (typeof options[key] !== 'boolean') throw new GenerateError(`option ${key} must be true or false, not ${JSON.stringify(options[key])}`);
	}
	for (const [key, [min, max]] of Object.entries(RANGES) as [keyof typeof RANGES, readonly [number, number]][]) {
		const value = options[key];
		if (!Number.isInteger(value) || value < min || value > max) {
			throw new GenerateError(`option ${key} is ${JSON.stringify(value)}; use a whole number from ${min} to ${max}`);
		}
	}
	if (options.programName !== null) checkProgramName(options.programName);
	if (typeof options.fields !== 'object' || options.fields === null || Array.isArray(options.fields)) {
		throw new GenerateError('option fields must map "category:name" to a list of field names');
	}
	for (const [event, names] of Object.entries(options.fields)) {
		if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
			throw new GenerateError(`option fields["${event}"] must be a list of field names`);
		}
	}
	return options;
}
