/**
 * Failures that are the kernel's limits, not generator bugs: each rule recognises one and says why,
 * so the site can show the reason beside the verifier's message. Pure.
 */
import type { Event } from '../../src/schemas/snapshot.ts';
import type { Outcome } from '../../src/schemas/verify.ts';

interface Rule {
	applies: (event: Event, failure: Exclude<Outcome, 'passed'>) => boolean;
	explanation: string;
}

const RULES: Rule[] = [];

/** The outcome with an explanation added when a rule knows the failure. */
export function explain(event: Event, outcome: Outcome): Outcome {
	if (outcome === 'passed') return outcome;
	const rule = RULES.find((r) => r.applies(event, outcome));
	return rule ? { ...outcome, explanation: rule.explanation } : outcome;
}
