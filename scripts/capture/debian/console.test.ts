/** init.sh's console messages, read from a real capture VM's console (sid's 7.2.13 kernel, an excerpt). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConsoleLine } from './console.ts';

const CONSOLE = readFileSync(new URL('./fixtures/console-7.2.13.log', import.meta.url), 'utf8').split('\n').filter(Boolean);

describe('parseConsoleLine', () => {
	const messages = CONSOLE.map(parseConsoleLine);

	it("reads init's messages and leaves the kernel's own lines alone", () => {
		expect(messages.map((m) => m?.kind ?? null)).toEqual([
			'step', 'loaded', 'loaded', 'loaded', null, null, 'load-failed', 'load-failed', 'load-failed', 'load-failed', 'step', 'step', 'done', null,
		]);
	});

	it('takes each message apart', () => {
		expect(messages[0]).toEqual({ kind: 'step', text: '1571 built-in events' });
		expect(messages[1]).toEqual({ kind: 'loaded', module: 'netfs', events: 29 });
		expect(messages[2]).toEqual({ kind: 'loaded', module: '9pnet', events: 4 });
		const failed = messages[6];
		expect(failed?.kind === 'load-failed' && failed.module).toBe('amdtee');
		expect(failed?.kind === 'load-failed' && failed.reason).toMatch(/^insmod: can't insert '.*amdtee\.ko': No such device .*amdtee: tee not present$/);
		expect(messages[12]).toEqual({ kind: 'done', bytes: 34629120, sha256: '2f9ea173618abbfdea51906319f627a2f3111f210d7bb16d621ce8e92b9463b2' });
	});

	it('reads the same from the raw serial stream, whose lines end in \\r\\n', () => {
		expect(CONSOLE.map((line) => parseConsoleLine(`${line}\r`))).toEqual(messages);
	});
});
