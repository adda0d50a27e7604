/**
 * From what the tools said to per-event outcomes: load-all's JSON lines and the compiler's messages
 * become `"passed"` or a Failure with the verifier's log cut to what matters. Pure.
 */
import type { Failure, Outcome, VerifyResult } from '../../src/schemas/verify.ts';

/** One line of load-all (tests/generate/load-all.c). */
export interface LoadLine {
	object: string;
	/** The program (function name) the line is about; "" when the object could not be opened. */
	program?: string;
	ok: boolean;
	stage?: 'open' | 'load' | 'attach';
	error?: string;
	log?: string;
}

/** Verifier lines kept before the rejection: enough to see the access and where its register came from. */
const VERIFIER_LINES = 30;
/** libbpf lines kept for open and attach failures. */
const LIBBPF_LINES = 6;
/** Compiler message lines kept. */
const COMPILER_LINES = 20;

const BEGIN_LOG = /-- BEGIN PROG LOAD LOG --\n?/;
const END_LOG = /\n?-- END PROG LOAD LOG --/;

/**
 * The part of libbpf's output that says why: for a load failure, the end of the verifier's own log
 * (its last line before the statistics names the rejected access); otherwise libbpf's warnings.
 */
export function trimLibbpfLog(log: string): string {
	const begin = BEGIN_LOG.exec(log);
	const end = END_LOG.exec(log);
	// load-all keeps the tail of a long log, which may have lost the BEGIN line but not the END.
	if (begin || end) {
		const from = begin ? begin.index + begin[0].length : 0;
		const verifier = log.slice(from, end && end.index > from ? end.index : log.length).split('\n')
			.filter((l) => l.trim() !== '' && (begin || !l.startsWith('libbpf: ')));
		// The statistics line ("processed N insns …") and what follows it say nothing about the cause.
		const stats = verifier.findIndex((l) => /^processed \d+ insns/.test(l));
		const body = stats >= 0 ? verifier.slice(0, stats) : verifier;
		const kept = body.slice(-VERIFIER_LINES);
		return [...(kept.length < body.length ? ['…'] : []), ...kept].join('\n');
	}
	const lines = log.split('\n').filter((l) => l.trim() !== '');
	const telling = lines.filter((l) => /\b(failed|error|invalid|cannot|can't|unknown|not supported|denied)\b/i.test(l));
	return (telling.length ? telling : lines).slice(-LIBBPF_LINES).join('\n');
}

/** A load-all line as an outcome. */
export function loadOutcome(line: LoadLine): Outcome {
	if (line.ok) return 'passed';
	return { stage: line.stage ?? 'load', error: line.error || 'unknown error', log: trimLibbpfLog(line.log ?? '') };
}

/** A compiler failure as an outcome: its first error line, and the first lines of its messages. */
export function compileOutcome(stderr: string): Failure {
	const lines = stderr.split('\n').filter((l) => l.trim() !== '');
	const first = lines.find((l) => /\berror\b/.test(l)) ?? lines[0] ?? 'clang failed without a message';
	return { stage: 'compile', error: first.replace(/^.*?\berror: /, ''), log: lines.slice(0, COMPILER_LINES).join('\n') };
}

/** The generator refusing an event, as an outcome. */
export function generateOutcome(message: string): Failure {
	return { stage: 'generate', error: message.split('\n')[0] || 'the generator refused the event', log: message };
}

/** load-all's lines by object and program, for programOutcome. */
export function indexLoadLines(lines: LoadLine[]): Map<string, LoadLine> {
	return new Map(lines.map((l) => [`${l.object}\0${l.program ?? ''}`, l]));
}

/**
 * The outcome of one event's program from load-all's lines: its SEC functions (`functions`, in
 * `object`) each have a line, or the object has one with program "" (it could not be opened). The
 * first failure wins; no line at all means load-all died on that object (`loaderErrors` says how).
 */
export function programOutcome(object: string, functions: string[], lines: Map<string, LoadLine>, loaderErrors: string): Outcome {
	const own = functions.map((f) => lines.get(`${object}\0${f}`) ?? lines.get(`${object}\0`));
	const failed = own.find((l) => l && !l.ok);
	if (failed) return loadOutcome(failed);
	if (own.length === 0 || own.some((l) => !l)) {
		return { stage: 'load', error: 'load-all reported nothing for this program (it crashed on this object?)', log: loaderErrors.split('\n').slice(-10).join('\n') };
	}
	return 'passed';
}

/** Parses load-all's stdout (non-JSON lines, if any, are ignored). */
export function parseLoadLines(stdout: string): LoadLine[] {
	return stdout
		.split('\n')
		.filter((l) => l.startsWith('{'))
		.map((l) => JSON.parse(l) as LoadLine);
}

/** A kernel's verification time, and per phase when it was timed: `1234 s (build 600 s, VM 634 s; …)`. */
export function secondsLine({ seconds: s }: Pick<VerifyResult, 'seconds'>): string {
	const n = (x: number) => `${Math.round(x)} s`;
	const p = s.phases;
	const phases = p ? `; download ${n(p.download)} while compiling, compile ${n(p.compile)}, boot ${n(p.boot)}, headline runs ${n(p.headline)}, load and attach ${n(p.load)}` : '';
	const load = s.hostLoad === undefined ? '' : `; host load average ${s.hostLoad.toFixed(1)}`;
	return `${n(s.total)} (build ${n(s.build)}, VM ${n(s.vm)}${phases}${load})`;
}
