import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuzz, mutateBytes } from '../fuzz/fuzz.ts';
import { declare, sizeOf, unqualified } from './c-type.ts';
import { contextStructs } from './context-structs.ts';
import { BtfError, BtfKind, parseBtf, type Btf } from './read.ts';

// The real BTF fixtures: clang's BTF of vmlinux declarations, and pahole's split BTF of a module on top of it.
const baseBytes = readFileSync(new URL('./fixtures/base.btf', import.meta.url));
const moduleBytes = readFileSync(new URL('./fixtures/module.btf', import.meta.url));
const base = parseBtf(baseBytes, 'base.btf');

/** Everything the capture does with a BTF object: its context structs, and every type's C text and size. */
function readAll(btf: Btf): void {
	contextStructs(btf, 'fuzzed');
	for (const t of btf.types.values()) {
		if (t.kind === BtfKind.FUNC || t.kind === BtfKind.DATASEC || t.kind === BtfKind.VAR || t.kind === BtfKind.DECL_TAG) continue;
		declare(btf, t.id, 'x');
		unqualified(btf, t);
		try {
			sizeOf(btf, t.id, 8);
		} catch (error) {
			// Some kinds have no size (void); that refusal must still be a BtfError.
			if (!(error instanceof BtfError)) throw error;
		}
	}
}

const cleanBtfError = (error: unknown) => error instanceof BtfError;

describe('fuzzing the BTF reader with mutated real BTF', () => {
	it('reads the unmutated fixtures completely', () => {
		readAll(base);
		readAll(parseBtf(moduleBytes, 'module.btf', base));
	});

	it('refuses every broken base BTF with a BtfError, each within the time bound', { timeout: 60_000 }, () => {
		const report = fuzz(
			{ name: 'parseBtf', seeds: [new Uint8Array(baseBytes)], mutate: mutateBytes, read: (bytes) => readAll(parseBtf(bytes, 'fuzzed.btf')), isClean: cleanBtfError },
			{ runs: 3_000, seed: 0xb7f, timeBoundMs: 1_000 },
		);
		console.log(`parseBtf (base): ${report.runs} mutated inputs, ${report.accepted} read, ${report.refused} refused, slowest ${report.slowestMs.toFixed(1)} ms`);
		expect(report.failures).toEqual([]);
		expect(report.accepted).toBeGreaterThan(100);
		expect(report.refused).toBeGreaterThan(100);
	});

	it('refuses every broken split BTF with a BtfError, each within the time bound', { timeout: 60_000 }, () => {
		const report = fuzz(
			{ name: 'parseBtf split', seeds: [new Uint8Array(moduleBytes)], mutate: mutateBytes, read: (bytes) => readAll(parseBtf(bytes, 'fuzzed-module.btf', base)), isClean: cleanBtfError },
			{ runs: 1_000, seed: 0x5b1, timeBoundMs: 1_000 },
		);
		console.log(`parseBtf (split): ${report.runs} mutated inputs, ${report.accepted} read, ${report.refused} refused, slowest ${report.slowestMs.toFixed(1)} ms`);
		expect(report.failures).toEqual([]);
	});
});
