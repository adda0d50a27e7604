/**
 * Failures whose cause is known: each rule recognises one and says why, in words a reader can act
 * on, so the site can show the reason beside the tool's message. Pure.
 */
import type { Event } from '../../src/schemas/snapshot.ts';
import type { Failure, Outcome } from '../../src/schemas/verify.ts';

interface Rule {
	/** The explanation when the rule applies, else null. */
	explain: (event: Event, failure: Failure) => string | null;
}

const RULES: Rule[] = [
	{
		// The generator keeps its struct tags to record_* and format_*, which no captured kernel uses; a
		// newer kernel could still take one. (Before that rule 6.12's struct cxl_poison_record clashed.)
		explain: (_event, failure) => {
			const clash = failure.stage === 'compile' ? /error: redefinition of '(\w+)'\n(?:.*\n)*?.*vmlinux\.h:\d+:\d+: note: previous definition is here/.exec(failure.log) : null;
			if (!clash) return null;
			return `the generated type struct ${clash[1]} has the name of a type this kernel's vmlinux.h already defines; the portable context, which does not include vmlinux.h, builds`;
		},
	},
];

/** The outcome with an explanation added when a rule knows the failure. */
export function explain(event: Event, outcome: Outcome): Outcome {
	if (outcome === 'passed') return outcome;
	for (const rule of RULES) {
		const explanation = rule.explain(event, outcome);
		if (explanation) return { ...outcome, explanation };
	}
	return outcome;
}
