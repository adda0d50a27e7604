/**
 * Bounded, reproducible fuzzing of the readers of untrusted input (format files, BTF; later the
 * print-fmt parser and archive import). A target says how to read one input and which errors are
 * the clean, expected refusals; the harness feeds it mutations of real inputs from a seeded PRNG and
 * reports every input that threw anything else, or took more CPU time than the bound. The same seed
 * gives the same inputs, so a failure found once is found again, by its run number.
 */

/** A deterministic source of numbers in [0, 1): mulberry32. */
export type Random = () => number;

export function seededRandom(seed: number): Random {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** An integer in [0, n). */
export const below = (random: Random, n: number) => Math.floor(random() * n);
const pick = <T>(random: Random, items: readonly T[]): T => items[below(random, items.length)] as T;

/** What a reader is fuzzed with. */
export interface FuzzTarget<T> {
	name: string;
	/** Real inputs to mutate. */
	seeds: readonly T[];
	/** One mutation of an input (the harness applies one to a few in a row). */
	mutate(input: T, random: Random, seeds: readonly T[]): T;
	/** Reads the input the way the project does; may throw. */
	read(input: T): unknown;
	/** Whether an error is one of the reader's clean refusals (e.g. `instanceof FormatParseError`). */
	isClean(error: unknown): boolean;
}

export interface FuzzOptions {
	runs: number;
	seed: number;
	/**
	 * An input whose reading takes more CPU time than this (milliseconds) is reported as a failure. CPU
	 * time, not the clock: a quadratic path costs CPU, a busy machine only stretches the clock.
	 */
	timeBoundMs: number;
}

export interface FuzzFailure {
	run: number;
	/** `error`: threw something that is not a clean refusal; `slow`: took longer than the bound. */
	kind: 'error' | 'slow';
	detail: string;
	milliseconds: number;
}

export interface FuzzReport {
	target: string;
	runs: number;
	/** Inputs read without an error. */
	accepted: number;
	/** Inputs refused with a clean error. */
	refused: number;
	failures: FuzzFailure[];
	slowestMs: number;
}

/** CPU time this process has used, user and system, in milliseconds. */
export function cpuMilliseconds(): number {
	const { user, system } = process.cpuUsage();
	return (user + system) / 1_000;
}

/** Runs `options.runs` mutated inputs through the target; never throws for what the target does. */
export function fuzz<T>(target: FuzzTarget<T>, options: FuzzOptions): FuzzReport {
	const random = seededRandom(options.seed);
	const report: FuzzReport = { target: target.name, runs: options.runs, accepted: 0, refused: 0, failures: [], slowestMs: 0 };
	for (let run = 0; run < options.runs; run++) {
		let input = pick(random, target.seeds);
		for (let n = 1 + below(random, 3); n > 0; n--) input = target.mutate(input, random, target.seeds);
		const start = cpuMilliseconds();
		let failure: Omit<FuzzFailure, 'milliseconds' | 'run'> | null = null;
		try {
			target.read(input);
			report.accepted++;
		} catch (error) {
			if (target.isClean(error)) report.refused++;
			else failure = { kind: 'error', detail: error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : String(error) };
		}
		const milliseconds = cpuMilliseconds() - start;
		report.slowestMs = Math.max(report.slowestMs, milliseconds);
		if (!failure && milliseconds > options.timeBoundMs) failure = { kind: 'slow', detail: `took ${milliseconds.toFixed(0)} ms of CPU` };
		if (failure) report.failures.push({ run, milliseconds, ...failure });
	}
	return report;
}

/** Characters that matter to the readers: separators, brackets, quotes, control and non-ASCII characters. */
const INTERESTING_CHARS = [';', ':', '[', ']', '(', ')', '*', ' ', '\t', '\n', '\r', '"', "'", '\\', '\0', '%', ',', '-', '0', '9', 'a', '_', 'é', '\u2028', '\uffff'];

/** One mutation of a text: replace, insert, delete, repeat (long runs find quadratic paths), swap lines, splice another seed. */
export function mutateText(text: string, random: Random, seeds: readonly string[] = []): string {
	const at = below(random, text.length + 1);
	const span = 1 + below(random, 32);
	switch (below(random, 8)) {
		case 0:
			return text.slice(0, at) + pick(random, INTERESTING_CHARS) + text.slice(at + 1);
		case 1:
			return text.slice(0, at) + Array.from({ length: 1 + below(random, 4) }, () => pick(random, INTERESTING_CHARS)).join('') + text.slice(at);
		case 2:
			return text.slice(0, at) + text.slice(at + span);
		case 3: {
			// A run of one piece, up to ~100,000 characters: the size that made the old regexes quadratic.
			const piece = text.slice(at, at + 1 + below(random, 8)) || ' ';
			return text.slice(0, at) + piece.repeat(1 + below(random, Math.floor(100_000 / piece.length))) + text.slice(at);
		}
		case 4: {
			const lines = text.split('\n');
			const i = below(random, lines.length);
			const j = below(random, lines.length);
			[lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
			return lines.join('\n');
		}
		case 5:
			return text.slice(0, at);
		case 6: {
			const lines = text.split('\n');
			lines.splice(below(random, lines.length + 1), 0, lines[below(random, lines.length)] as string);
			return lines.join('\n');
		}
		default: {
			const other = seeds.length > 0 ? pick(random, seeds) : text;
			const from = below(random, other.length + 1);
			return text.slice(0, at) + other.slice(from, from + 1 + below(random, 200)) + text.slice(at);
		}
	}
}

/** 32-bit values that break readers: zero, one, all ones, sign bits, small type ids. */
const INTERESTING_U32 = [0, 1, 2, 3, 4, 0x7f, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x0d000001, 0x0a000000, 0x04000010, 0x84000002];

/** One mutation of binary data: flip bits, overwrite an aligned word, truncate, cut or repeat a chunk. */
export function mutateBytes(bytes: Uint8Array, random: Random): Uint8Array {
	const out = new Uint8Array(bytes);
	const at = below(random, Math.max(out.length, 1));
	switch (below(random, 6)) {
		case 0:
			if (out.length > 0) out[at] = (out[at] as number) ^ (1 << below(random, 8));
			return out;
		case 1:
		case 2: {
			// Most BTF fields are aligned 32-bit words: counts, sizes, offsets and type ids.
			const word = at - (at % 4);
			if (word + 4 > out.length) return out;
			const value = random() < 0.5 ? pick(random, INTERESTING_U32) : below(random, 64);
			new DataView(out.buffer).setUint32(word, value, true);
			return out;
		}
		case 3:
			return out.slice(0, at);
		case 4: {
			const span = 4 * (1 + below(random, 16));
			return new Uint8Array([...out.subarray(0, at), ...out.subarray(at + span)]);
		}
		default: {
			const span = 4 * (1 + below(random, 16));
			return new Uint8Array([...out.subarray(0, at + span), ...out.subarray(at)]);
		}
	}
}
