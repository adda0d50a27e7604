import { describe, expect, it } from 'vitest';
import { fieldCondition } from './condition.ts';
import { parsePrintFmt, type Expr } from './parse.ts';

/** The test of the ternary argument `index` of a print fmt line. */
function testOf(printFmt: string, index = 0): Expr {
	const arg = parsePrintFmt(printFmt).args[index];
	if (arg?.k !== 'ternary') throw new Error('not a ternary');
	return arg.test;
}

describe('conditions on a field, as a loader can test them', () => {
	it("reads 7.2 openat's O_RDONLY| test, folding ~3 to 64 bits", () => {
		expect(fieldCondition(testOf('"%s", (REC->flags & ~3) && !(REC->flags & 3) ? "O_RDONLY|" : ""'), 'flags')).toEqual({
			k: 'binary',
			op: '&&',
			left: { k: 'binary', op: '&', left: { k: 'value' }, right: { k: 'const', value: 0xfffffffffffffffcn } },
			right: { k: 'not', operand: { k: 'binary', op: '&', left: { k: 'value' }, right: { k: 'const', value: 3n } } },
		});
	});

	it('folds constant arithmetic (sched_switch tests TASK_REPORT_MAX written out)', () => {
		const test = testOf('"%s", REC->prev_state & (((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) ? "+" : ""');
		expect(fieldCondition(test, 'prev_state')).toEqual({ k: 'binary', op: '&', left: { k: 'value' }, right: { k: 'const', value: 0x100n } });
	});

	it("refuses what depends on the field's C type, casts of it and names, with the reason", () => {
		expect(fieldCondition(testOf('"%s", REC->x < 3 ? "a" : "b"'), 'x')).toMatch(/< on the value/);
		expect(fieldCondition(testOf('"%s", (REC->x >> 2) ? "a" : "b"'), 'x')).toMatch(/>> on the value/);
		expect(fieldCondition(testOf('"%s", (u8)REC->x ? "a" : "b"'), 'x')).toMatch(/a cast to u8 of the value/);
		expect(fieldCondition(testOf('"%s", (REC->x & (1UL << (int)VMA_SHARED_BIT)) ? "a" : "b"'), 'x')).toMatch(/VMA_SHARED_BIT is a name/);
		expect(fieldCondition(testOf('"%s", REC->y ? "a" : "b"'), 'x')).toMatch(/is neither REC->x nor an integer constant/);
	});
});
