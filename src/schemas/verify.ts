/**
 * Verification results: what one kernel's own verifier said about the programs the generator makes
 * for that kernel's events. One file per captured kernel, `data/verify/<id>.json`, written by
 * `npm run verify` (scripts/verify.ts) and read by the site through src/data/verify.ts.
 *
 * How to show it (site):
 *   - event page and generator: look the event up in `events` (by `event`, `category:name`). For the
 *     context the reader picked (`portable` or `vmlinux`) the entry is either the string `"passed"` —
 *     show "verified on <release>: loads and attaches" — or a `Failure`: show its `stage`, its
 *     `error`, its `explanation` when there is one, and `log` (the verifier's own words) in a
 *     code block. A context missing from the entry was not verified on that kernel (see `contexts`).
 *   - event page, other options: the entry may also carry an outcome per variant (`pairExit`,
 *     `perfbuf`, `printk`: the defaults with one option changed, listed in `variants` with the
 *     events they cover); no outcome means the variant does not cover that event.
 *   - kernel page: `counts[check]` gives events, passed and failed for each context and variant;
 *     `headline` lists the programs that were also run end to end inside the VM, with the line each printed.
 */
import { z } from 'zod';

/** The two ways a generated program can declare its ctx (the generator's `context` option). */
export const VerifiedContextSchema = z.enum(['portable', 'vmlinux']);
export type VerifiedContext = z.output<typeof VerifiedContextSchema>;

/** Option sets verified besides the defaults, each with the vmlinux.h context (the default). */
export const VariantNameSchema = z.enum(['pairExit', 'perfbuf', 'printk']);
export type VariantName = z.output<typeof VariantNameSchema>;

/** What a variant changes and which events it was verified for. */
export const VariantSchema = z.strictObject({
	name: VariantNameSchema,
	/** The generator options that differ from the defaults, e.g. `{ "output": "printk" }`. */
	options: z.record(z.string(), z.union([z.string(), z.boolean()])),
	/** `paired-syscalls`: every syscalls:sys_enter_* that has its sys_exit_*; `builtin`: the built-in events; `all`: every event. */
	scope: z.enum(['paired-syscalls', 'builtin', 'all']),
});
export type Variant = z.output<typeof VariantSchema>;

/** Everything an event's program was verified with: a context (defaults otherwise) or a variant. */
export type CheckName = VerifiedContext | VariantName;

/** Why one event's program did not load and attach. */
export const FailureSchema = z.strictObject({
	/**
	 * Where it failed: `generate` (the generator refused the event), `compile` (clang), `open`
	 * (libbpf could not open the object), `load` (the kernel's verifier or map creation refused it),
	 * `attach` (loaded, but the kernel would not attach it to the tracepoint).
	 */
	stage: z.enum(['generate', 'compile', 'open', 'load', 'attach']),
	/** One line: the errno text (`Permission denied`) or the compiler's / generator's first error. */
	error: z.string().min(1),
	/**
	 * The verifier's log cut to what matters — the instructions before the rejection and the
	 * rejection itself — or libbpf's / clang's messages for other stages. May be empty.
	 */
	log: z.string(),
	/** Why this is expected and not a generator bug, when that is known (e.g. the kernel cannot attach to that event). */
	explanation: z.string().min(1).optional(),
});
export type Failure = z.output<typeof FailureSchema>;

/** `"passed"`: the program loaded through the verifier and attached. */
export const OutcomeSchema = z.union([z.literal('passed'), FailureSchema]);
export type Outcome = z.output<typeof OutcomeSchema>;

/** One event of the snapshot, with the outcome for each context that was verified. */
export const EventVerdictSchema = z.strictObject({
	/** `category:name`, as in available_events. */
	event: z.string().regex(/^[\w.-]+:[\w.-]+$/),
	portable: OutcomeSchema.optional(),
	vmlinux: OutcomeSchema.optional(),
	pairExit: OutcomeSchema.optional(),
	perfbuf: OutcomeSchema.optional(),
	printk: OutcomeSchema.optional(),
});
export type EventVerdict = z.output<typeof EventVerdictSchema>;

export const CountsSchema = z.strictObject({
	events: z.number().int().nonnegative(),
	passed: z.number().int().nonnegative(),
	failed: z.number().int().nonnegative(),
	/** Failures that carry an explanation (a kernel limit, not a generator bug). */
	explained: z.number().int().nonnegative(),
});
export type Counts = z.output<typeof CountsSchema>;

/** Counts of one context or variant over the verdicts. */
export function countOutcomes(verdicts: EventVerdict[], check: CheckName): Counts {
	const outcomes = verdicts.map((v) => v[check]).filter((o) => o !== undefined);
	const failures = outcomes.filter((o) => o !== 'passed');
	return {
		events: outcomes.length,
		passed: outcomes.length - failures.length,
		failed: failures.length,
		explained: failures.filter((f) => f.explanation !== undefined).length,
	};
}

/** A headline program run end to end in the VM: loaded by its own generated loader, event triggered, line checked. */
export const HeadlineRunSchema = z.strictObject({
	/** The traced event, `category:name`. */
	event: z.string().regex(/^[\w.-]+:[\w.-]+$/),
	/** Paired with its `sys_exit_*` (the generator's pairExit). */
	pairExit: z.boolean(),
	context: VerifiedContextSchema,
	/**
	 * The shell command that made the event fire inside the VM; event pages show it as a command to run,
	 * so it is plain words only: no quotes, $, backticks, ;, |, &, redirections or line breaks.
	 */
	trigger: z.string().regex(/^[A-Za-z0-9_./:@%+=,-]+(?: [A-Za-z0-9_./:@%+=,-]+)*$/, { error: (issue) => `trigger ${JSON.stringify(issue.input)} is not a plain command (words of letters, digits and _ . / : @ % + = , -)` }),
	/** What the line had to show, e.g. `{ pid: "87", comm: "nc", uservaddr: "127.0.0.1:1", ret: "-ECONNREFUSED" }`. */
	expected: z.record(z.string(), z.string()),
	/** The line the loader printed for the trigger, or null when it printed none. */
	line: z.string().nullable(),
	passed: z.boolean(),
	/** What was wrong when not passed: a missing line, a field with another value, or the loader's error output. */
	problem: z.string().optional(),
});
export type HeadlineRun = z.output<typeof HeadlineRunSchema>;

/** The whole verification of one captured kernel. */
export const VerifyResultSchema = z.strictObject({
	/** The snapshot id, e.g. `6.1-amd64` (data/kernels/<id>.json). */
	kernel: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
	/** `uname -r` of the kernel that was booted, e.g. `6.1.0-37-amd64`. */
	release: z.string().min(1),
	/** The Debian package booted, and whether it is the one the snapshot was captured from. */
	package: z.strictObject({ name: z.string().min(1), version: z.string().min(1), sameAsSnapshot: z.boolean() }),
	/** UTC date of the run, `YYYY-MM-DD`. */
	verifiedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
	/** How the kernel ran: qemu with software emulation or with KVM. */
	method: z.enum(['qemu-tcg', 'qemu-kvm']),
	/** Tools that built and loaded the programs. */
	tools: z.strictObject({ clang: z.string(), libbpf: z.string() }),
	/** Wall time in seconds: fetching the kernel package, generating and compiling on the host (`build`); the VM run; the whole verification. */
	seconds: z.strictObject({
		build: z.number().nonnegative(),
		vm: z.number().nonnegative(),
		total: z.number().nonnegative(),
		/**
		 * Where the time went (results from before phases were timed have none): `download`, fetching and
		 * unpacking the kernel package (while compiling); `compile`, generating and compiling every program
		 * and headline loader; in the VM, `boot` (up to the modules loaded), `headline` (the headline runs)
		 * and `load` (every program through the verifier, attached and detached).
		 */
		phases: z.strictObject({
			download: z.number().nonnegative(),
			compile: z.number().nonnegative(),
			boot: z.number().nonnegative(),
			headline: z.number().nonnegative(),
			load: z.number().nonnegative(),
		}).optional(),
		/** The host's mean 1-minute load average during the run: on a shared machine, what the times were measured under. */
		hostLoad: z.number().nonnegative().optional(),
	}),
	/** Which contexts were verified (every event has an outcome for each). */
	contexts: z.array(VerifiedContextSchema).min(1),
	/** The variants verified too (results from before variants existed have none). */
	variants: z.array(VariantSchema).default([]),
	counts: z.partialRecord(z.union([VerifiedContextSchema, VariantNameSchema]), CountsSchema),
	/** Every event of the snapshot, sorted like the snapshot. */
	events: z.array(EventVerdictSchema),
	headline: z.array(HeadlineRunSchema),
}).superRefine((result, ctx) => {
	// The site shows counts on kernel pages and verdicts on event pages: they must tell the same story.
	for (const context of result.contexts) {
		const missing = result.events.find((v) => v[context] === undefined);
		if (missing) ctx.addIssue({ code: 'custom', path: ['events'], message: `${missing.event} has no ${context} outcome, though contexts lists ${context}` });
	}
	const checks = checksOf(result);
	for (const check of checks) {
		const counted = countOutcomes(result.events, check);
		if (JSON.stringify(result.counts[check]) !== JSON.stringify(counted)) {
			ctx.addIssue({ code: 'custom', path: ['counts', check], message: `says ${JSON.stringify(result.counts[check])}, the events add up to ${JSON.stringify(counted)}` });
		}
	}
	const unlisted = VariantNameSchema.options.filter((v) => !checks.includes(v) && result.events.some((e) => e[v] !== undefined));
	if (unlisted.length) ctx.addIssue({ code: 'custom', path: ['variants'], message: `events carry ${unlisted.join(', ')} outcomes, which variants does not list` });
});
export type VerifyResult = z.output<typeof VerifyResultSchema>;

/** What a result verified, in order: its contexts, then its variants. */
export function checksOf(result: Pick<VerifyResult, 'contexts' | 'variants'>): CheckName[] {
	return [...result.contexts, ...result.variants.map((v) => v.name)];
}
