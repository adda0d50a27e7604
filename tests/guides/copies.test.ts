/**
 * The strings-pointers guide's figures on the kernel's `__<argument>_val` copies (StringCopyCount, BufferCopies)
 * against what each captured kernel's own format files say, read here without the generator's argument roles:
 * a copy is a `__data_loc char[] __<argument>_val` field of a sys_enter_* event, and a copy of bytes (not a string)
 * is one the kernel's print fmt prints with `__print_dynamic_array(__<argument>_val, 1)` instead of `__get_str`.
 * The built page shows these same numbers (tests/site/site.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot } from '../../src/data/store.ts';
import { dataDir } from '../../src/site/data.ts';
import { bufferCopies, stringCopyEventCount } from '../../src/components/guide/data.ts';

const COPY_FIELD = /\tfield:__data_loc char\[\] (__\w+_val);/g;
const BYTES_PRINTED = /__print_dynamic_array\((__\w+_val), 1\)/g;

/** Per kernel: the sys_enter_* events listing copies, and the `<syscall>.<copy>` copies printed as bytes. */
function copiesInFormats(id: string): { events: number; bytes: string[] } {
	const enters = readSnapshot(dataDir(), id).events.filter((e) => e.category === 'syscalls' && e.name.startsWith('sys_enter_'));
	const withCopies = enters.filter((e) => [...e.formatText.matchAll(COPY_FIELD)].length > 0);
	const bytes = withCopies.flatMap((e) => [...e.formatText.matchAll(BYTES_PRINTED)].map((m) => `${e.name.replace(/^sys_enter_/, '')}.${m[1]}`));
	return { events: withCopies.length, bytes: bytes.sort() };
}

describe("the kernel's copies of syscall arguments, as the strings guide counts them", () => {
	const ids = listKernelIds(dataDir());

	for (const id of ids) {
		it(`${id}: the counted events and byte copies are the ones its format files list`, () => {
			const truth = copiesInFormats(id);
			expect(stringCopyEventCount(id)).toBe(truth.events);
			expect(bufferCopies(id)).toEqual(truth.bytes);
		});
	}

	it('not in 6.12, present in 7.2 (the guide says so, and no kernel between them was captured)', () => {
		expect(copiesInFormats('6.12-amd64').events).toBe(0);
		expect(copiesInFormats('7.2-amd64').events).toBeGreaterThan(0);
		expect(copiesInFormats('7.2-amd64').bytes).toContain('write.__buf_val');
	});
});
