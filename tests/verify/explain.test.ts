import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explain } from '../../scripts/verify/explain.ts';
import { compileOutcome } from '../../scripts/verify/results.ts';
import { readSnapshot } from '../../src/data/store.ts';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const snapshot = readSnapshot(new URL('../../data', import.meta.url).pathname, '6.12-amd64');
const event = (key: string) => snapshot.events.find((e) => `${e.category}:${e.name}` === key)!;

describe('explain', () => {
	it("names a generated type that clashes with a type of the kernel's vmlinux.h", () => {
		const outcome = explain(event('cxl:cxl_poison'), compileOutcome(fixture('record-clash-6.12.log')));
		expect(outcome).toMatchObject({
			stage: 'compile',
			error: "redefinition of 'cxl_poison_record'",
			explanation: "the generated type struct cxl_poison_record has the name of a type this kernel's vmlinux.h already defines; the portable context, which does not include vmlinux.h, builds",
		});
	});

	it('leaves other failures and passes as they are', () => {
		const other = compileOutcome(fixture('compile-error.stderr'));
		expect(explain(event('sched:sched_switch'), other)).toEqual(other);
		expect(explain(event('sched:sched_switch'), 'passed')).toBe('passed');
	});
});
