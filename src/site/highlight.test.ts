import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_KERNEL, fixtureEvents } from '../../tests/site/fixture-events.ts';
import { generateProject } from '../lib/generate/index.ts';
import { createCodeHighlighter, ISLAND_GRAMMARS, langOfFile, topLevelChunks, type Highlighter } from './highlight.ts';

describe('highlighting', () => {
	let highlighter: Highlighter;
	beforeAll(async () => {
		highlighter = await createCodeHighlighter(ISLAND_GRAMMARS());
	});
	const events = fixtureEvents();
	const lookup = (category: string, name: string) => events.find((e) => e.category === category && e.name === name);
	const optionSets = [{}, { context: 'portable' as const, output: 'perfbuf' as const }, { pairExit: true, section: 'tracepoint' as const }];

	it('cuts generated code into top-level chunks that join back to the original', () => {
		for (const event of events) {
			for (const file of generateProject({ kernel: FIXTURE_KERNEL, events: [event], lookup }).files) {
				expect(topLevelChunks(file.content).join('\n\n')).toBe(file.content);
			}
		}
	});

	it('colours every generated file exactly as tokenizing it whole does, with chunks cached across programs', () => {
		let files = 0;
		for (const event of events) {
			for (const options of optionSets) {
				if (options.pairExit && !event.name.startsWith('sys_enter_')) continue;
				const project = generateProject({ kernel: FIXTURE_KERNEL, events: [event], lookup }, options);
				for (const file of project.files) {
					const lang = langOfFile(file.path);
					const fast = highlighter.highlight(file.content, lang, [project.programName, event.name]);
					expect(fast, `${event.name} ${file.path}`).toBe(highlighter.highlightWhole(file.content, lang));
					files++;
				}
			}
		}
		expect(files).toBeGreaterThan(100);
	});

	it('escapes code and marks tokens with short classes', () => {
		const html = highlighter.highlight('if (a < b && c > d) return "x&y";', 'c');
		expect(html).not.toMatch(/<(?!\/?span)/);
		expect(html).toContain('&lt;');
		expect(html).toContain('&amp;');
		expect(html).toContain('<span class="k">return</span>');
	});
});
