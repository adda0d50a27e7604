/**
 * The committed results in data/verify/ as the site reads them: each validates, and a file whose
 * counts or outcomes disagree with its events is refused with a message naming the file and the field.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listKernelIds, readProvenance } from '../../src/data/store.ts';
import { listVerifiedKernels, readVerifyResult, verifyFile } from '../../src/data/verify.ts';
import { unverifiableReason } from '../../scripts/verify/kernel.ts';

const DATA = new URL('../../data', import.meta.url).pathname;

/** A copy of data/verify/<id>.json in a scratch data folder, changed by `tamper`. */
function tampered(id: string, tamper: (json: Record<string, any>) => void): string {
	const dir = mkdtempSync(join(tmpdir(), 'atlas-verify-stored-'));
	cpSync(join(DATA, 'verify'), join(dir, 'verify'), { recursive: true });
	const json = JSON.parse(readFileSync(verifyFile(dir, id), 'utf8'));
	tamper(json);
	writeFileSync(verifyFile(dir, id), JSON.stringify(json));
	return dir;
}

describe('data/verify', () => {
	const ids = listVerifiedKernels(DATA);

	it('has results for every captured Debian kernel this machine can verify, each valid and counting its own events', () => {
		expect(ids).toEqual(listKernelIds(DATA).filter((id) => unverifiableReason(readProvenance(DATA, id)) === null));
		for (const id of ids) {
			const result = readVerifyResult(DATA, id)!;
			for (const context of result.contexts) expect(result.counts[context]?.events, `${id} ${context}`).toBe(result.events.length);
		}
	});

	it('refuses counts that do not add up, and an event without an outcome for a verified context', () => {
		const id = ids[0]!;
		const badCounts = tampered(id, (json) => (json.counts.portable.passed += 1));
		expect(() => readVerifyResult(badCounts, id)).toThrow(/verify\/.*\.json: does not match its schema: counts\.portable: .*the events add up to /s);
		const noOutcome = tampered(id, (json) => delete json.events[0].vmlinux);
		expect(() => readVerifyResult(noOutcome, id)).toThrow(/has no vmlinux outcome, though contexts lists vmlinux/);
	});
});
