import { describe, expect, it } from 'vitest';
import { FIXTURE_KERNEL, fixtureEvents } from '../../../tests/site/fixture-events.ts';
import { escapeHtml } from '../highlight.ts';
import { toHtml } from '../html.ts';
import { defaultPlan, generate, generatorInput, portableContext } from '../generator-input.ts';
import { defaultPageOptions } from '../options-query.ts';
import { codePanel, stepOfFile } from './code-files.ts';
import { optionsForm, runView, verifiedLineFor } from './generator.ts';
import { kernelView, structText } from './guide.ts';

const events = fixtureEvents();
const source = {
	event: (category: string, name: string) => events.find((e) => e.category === category && e.name === name),
	versions: (category: string, name: string) => events.filter((e) => e.category === category && e.name === name).map((event) => ({ kernel: FIXTURE_KERNEL, event })),
};
const event = (name: string) => events.find((e) => e.name === name)!;

describe('event page views', () => {
	it('renders steps 1–3 and the field table of sys_enter_openat (golden file)', async () => {
		const e = event('sys_enter_openat');
		const html = toHtml(
			kernelView({
				lang: 'en',
				category: e.category,
				name: e.name,
				kernel: FIXTURE_KERNEL,
				event: e,
				plan: defaultPlan(source, FIXTURE_KERNEL, e),
				portable: portableContext(source, FIXTURE_KERNEL, e),
				highlightC: escapeHtml,
			}),
		);
		expect(html).toContain('<mark>syscalls:sys_enter_openat</mark>');
		expect(html).toContain('<code>args[1]</code> → <code>const char * filename</code>');
		expect(html).toMatch(/struct format_sys_enter_openat \{\n/); // the hand-built struct beside vmlinux.h's
		await expect(html).toMatchFileSnapshot('./__snapshots__/kernel-view.sys_enter_openat.en.html');
	});

	it('writes a struct as C with every member’s offset and size', () => {
		const e = event('sched_switch');
		if (e.context.match === 'none') throw new Error('sched_switch has a struct in the fixtures');
		const text = structText(e.context.struct);
		expect(text).toMatch(/^struct trace_event_raw_sched_switch \{\n/);
		expect(text).toContain('char prev_comm[16];');
		expect(text).toMatch(/pid_t prev_pid;\s+\/\* offset 24, size 4 \*\//);
	});

	it('tells the reader when the chosen kernel lacks the event', () => {
		const html = toHtml(kernelView({ lang: 'zh', category: 'syscalls', name: 'sys_enter_openat', kernel: FIXTURE_KERNEL, event: undefined, plan: undefined, portable: undefined, highlightC: escapeHtml }));
		expect(html).toContain('没有这个事件');
		expect(html).not.toContain('id="step-2"');
	});

	it('renders the options form with the current choices and every field of the event', () => {
		const e = event('sched_switch');
		const html = toHtml(optionsForm('en', e, { ...defaultPageOptions('en'), context: 'portable', fields: ['prev_pid'] }, 'sched_switch'));
		expect(html).toMatch(/value="portable" checked/);
		expect(html.match(/name="field"/g)).toHaveLength(e.format.fields.length);
		expect(html).toContain('name="field" checked value="prev_pid"');
		expect(html).toContain('name="field" value="next_pid"');
		expect(html).not.toContain('name="pairExit"'); // only sys_enter_* events pair with an exit
	});

	it('shows each generated file in its step, and the run step with a trigger for connect-like syscalls', () => {
		const e = event('sys_enter_openat');
		const result = generate(generatorInput(source, FIXTURE_KERNEL, [e]), { ...defaultPageOptions('en'), pairExit: true });
		if (!result.ok) throw new Error(result.error);
		const steps = result.project.files.map((f) => `${stepOfFile(f.path)} ${f.path}`);
		expect(steps).toEqual(expect.arrayContaining(['4 sys_enter_openat.bpf.c', '4 sys_enter_openat.h', '5 sys_enter_openat.c', '6 Makefile', '6 README.md']));
		const run = toHtml(runView('en', result.plan));
		expect(run).toContain('sudo ./sys_enter_openat [-p PID] [-c COMM]');
		expect(run).toContain('cat /etc/hostname');
		expect(run).toContain('ret=…');
		// A line a verified kernel really printed replaces the placeholder, the pairing that matches first.
		const real = (kernel: string, pairExit: boolean) => ({ kernel, event: 'syscalls:sys_enter_openat', pairExit, trigger: 'cat /verify/marker', line: `12:00:00 1 cat sys_enter_openat dfd=-100 ${kernel} ${pairExit}` });
		const lines = [real('6.1-amd64', false), real('7.2-amd64', true), real('5.10-amd64', true)];
		expect(verifiedLineFor(result.plan, lines)?.line).toBe(lines[1]!.line);
		const shown = toHtml(runView('en', result.plan, lines));
		expect(shown).toContain(lines[1]!.line);
		expect(shown).not.toContain('ret=…');
		expect(verifiedLineFor(result.plan, [real('6.1-amd64', false)])?.kernel).toBe('6.1-amd64');
		const subset = generate(generatorInput(source, FIXTURE_KERNEL, [e]), { ...defaultPageOptions('en'), fields: ['dfd'] });
		if (!subset.ok) throw new Error(subset.error);
		expect(verifiedLineFor(subset.plan, lines)).toBeNull();
		const panel = toHtml(codePanel(result.project.files[0]!, escapeHtml(result.project.files[0]!.content), 'en'));
		expect(panel).toContain('data-path="sys_enter_openat.bpf.c"');
	});
});
