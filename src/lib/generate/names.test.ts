import { describe, expect, it } from 'vitest';
import { cCommentText, cIdentifier, cString, scopeNamer } from './names.ts';

describe('cIdentifier', () => {
	it.each([
		['sys_enter_openat', 'sys_enter_openat'],
		['xhci-hcd', 'xhci_hcd'],
		['9p', '_9p'],
		['v4l2.qbuf', 'v4l2_qbuf'],
		['int', 'int_'],
		['', '_'],
	])('%s → %s', (raw, id) => expect(cIdentifier(raw)).toBe(id));
});

describe('scopeNamer', () => {
	it('keeps names unique in a scope and away from reserved ones', () => {
		const name = scopeNamer(['errno', 'header']);
		expect(['a_b', 'a-b', 'a.b', 'errno', 'header', 'fd'].map(name)).toEqual(['a_b', 'a_b_', 'a_b_2', 'errno_', 'header_', 'fd']);
	});
});

describe('C literals and comments from data', () => {
	it('escapes everything that could end a string literal or form a trigraph', () => {
		expect(cString('a"b\\c\nd\t??=é\r1')).toBe('"a\\"b\\\\c\\nd\\t\\?\\?=\\303\\251\\0151"');
	});
	it('keeps comment text on one line and inside its comment', () => {
		expect(cCommentText('char *x */ evil(); /* y\nz')).toBe('char *x * / evil(); / * y z');
	});
});
