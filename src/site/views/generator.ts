/**
 * Steps 4–7 of an event page: the generator's options form, the generated files by step, the build
 * commands and the run step. Rendered at build time with the default options and in the browser
 * after every change, from the same code.
 */
import { sampleLine, trigger } from '../../lib/generate/emit-readme.ts';
import type { ProgramPlan } from '../../lib/generate/plan.ts';
import { readAtExit, syscallArgRoles } from '../../lib/generate/syscall-roles.ts';
import { requirementsSentence } from '../../lib/generate/requirements.ts';
import type { Event } from '../../schemas/snapshot.ts';
import { html, raw, type RawHtml } from '../html.ts';
import { strings, type Lang } from '../i18n.ts';
import type { PageOptions } from '../options-query.ts';
import { cmdBlock } from './guide.ts';

const radio = (name: string, value: string, label: string, checked: boolean) =>
	html`<label class="opt-choice"><input type="radio" name="${name}" value="${value}"${raw(checked ? ' checked' : '')}> <span>${label}</span></label>`;

const checkbox = (name: string, label: RawHtml | string, checked: boolean, extra = '') =>
	html`<label class="opt-check"><input type="checkbox" name="${name}"${raw(checked ? ' checked' : '')}${raw(extra)}> <span>${label}</span></label>`;

/** Whether the pair-with-exit option applies: only a `sys_enter_*` event has an exit to pair with. */
export const canPairExit = (event: Event) => event.category === 'syscalls' && event.name.startsWith('sys_enter_');

/** Arguments the kernel writes during the call: the generator reads them at sys_exit and pairs the event for that. */
const outputsOf = (event: Event) => [...syscallArgRoles(event)].filter(([, role]) => readAtExit(role)).map(([name]) => name);

/** The options form's controls, for one event on one kernel (its fields differ between kernels). */
export function optionsForm(lang: Lang, event: Event, options: PageOptions, defaultName: string): RawHtml {
	const t = strings(lang);
	const chosen = options.fields === null ? null : new Set(options.fields);
	return html`<fieldset class="opt-group"><legend>${t.genSection}</legend>
${radio('section', 'tp', 'SEC("tp/…")', options.section === 'tp')}${radio('section', 'tracepoint', 'SEC("tracepoint/…")', options.section === 'tracepoint')}
</fieldset>
<fieldset class="opt-group"><legend>${t.genContext}</legend>
${radio('context', 'vmlinux', t.genContextVmlinux, options.context === 'vmlinux')}${radio('context', 'portable', t.genContextPortable, options.context === 'portable')}
</fieldset>
<fieldset class="opt-group"><legend>${t.genOutput}</legend>
${radio('output', 'ringbuf', t.genOutputRingbuf, options.output === 'ringbuf')}${radio('output', 'perfbuf', t.genOutputPerfbuf, options.output === 'perfbuf')}${radio('output', 'printk', t.genOutputPrintk, options.output === 'printk')}
</fieldset>
<fieldset class="opt-group opt-fields"><legend>${t.genFields}</legend>
${event.format.fields.length === 0 ? html`<p class="muted small">${t.eventNoFields}</p>` : null}
${event.format.fields.map((f) => checkbox('field', html`<code>${f.name}</code>`, chosen === null || chosen.has(f.name), ` value="${f.name}"`))}
</fieldset>
<fieldset class="opt-group"><legend>${t.genBehaviour}</legend>
${canPairExit(event) ? checkbox('pairExit', t.genPairExit, options.pairExit) : null}
${outputsOf(event).length > 0 ? html`<p class="muted small">${t.genPairsItself(outputsOf(event).join(', '), event.name.replace(/^sys_enter_/, 'sys_exit_'))}</p>` : null}
${checkbox('filterPid', t.genFilterPid, options.filterPid)}
${checkbox('filterComm', t.genFilterComm, options.filterComm)}
${checkbox('decode', t.genDecode, options.decode)}
</fieldset>
<fieldset class="opt-group opt-values"><legend>${t.genNames}</legend>
<label class="opt-value"><span>${t.genProgramName}</span><input type="text" name="programName" value="${options.programName ?? ''}" placeholder="${defaultName}" pattern="[a-z_][a-z0-9_]{0,39}" spellcheck="false" autocomplete="off"></label>
<label class="opt-value"><span>${t.genStringSize}</span><input type="number" name="stringSize" value="${options.stringSize}" min="16" max="4096" step="16"></label>
<label class="opt-value"><span>${t.genArgvCount}</span><input type="number" name="argvCount" value="${options.argvCount}" min="0" max="16"></label>
<label class="opt-value"><span>${t.genLanguage}</span><select name="language"><option value="zh"${raw(options.language === 'zh' ? ' selected' : '')}>中文</option><option value="en"${raw(options.language === 'en' ? ' selected' : '')}>English</option></select></label>
</fieldset>
<fieldset class="opt-group opt-events"><legend>${t.genMoreEvents}</legend>
${options.also.map((key) => html`<span class="opt-event"><code>${key}</code><button type="button" class="opt-remove" data-remove-event="${key}" aria-label="${t.genRemove(key)}">×</button></span>`)}
<span class="opt-add"><input type="text" name="addEvent" placeholder="${t.genAddPlaceholder}" aria-label="${t.genMoreEvents}" spellcheck="false" autocomplete="off"><button type="button" class="btn btn-small" data-add-event>${t.genAddEvent}</button></span>
</fieldset>
<div class="opt-actions"><button type="reset" class="btn btn-small">${t.genReset}</button></div>`;
}

/** Step 6's commands: unpack the downloaded zip and build. */
export function buildCommands(programName: string): RawHtml {
	return cmdBlock(`unzip ${programName}.zip && cd ${programName} && make`);
}

/** A line a headline program really printed in a kernel's VM (data/verify/), for step 7. */
export interface VerifiedLine {
	kernel: string;
	/** `category:name` of the event the program traced. */
	event: string;
	pairExit: boolean;
	/** The command that made the event happen. */
	trigger: string;
	line: string;
}

/**
 * The verified line step 7 can show for `plan`: one from a program that prints the same fields
 * (one event, all its fields, not printk), the same exit pairing and the plan's kernel first.
 */
export function verifiedLineFor(plan: ProgramPlan, lines: readonly VerifiedLine[]): VerifiedLine | null {
	const [only, ...more] = plan.events;
	const key = only && `${only.event.category}:${only.event.name}`;
	if (!only || more.length > 0 || plan.transport === 'printk' || plan.options.fields[key!] !== undefined) return null;
	const paired = Boolean(only.exit);
	const fits = lines
		.filter((l) => l.event === key)
		.sort((a, b) => Number(b.pairExit === paired) - Number(a.pairExit === paired) || Number(b.kernel === plan.kernel.id) - Number(a.kernel === plan.kernel.id));
	return fits[0] ?? null;
}

/** Step 7: run the program, make the event happen, and the lines it prints (a real one when verified). */
export function runView(lang: Lang, plan: ProgramPlan, verified: readonly VerifiedLine[] = []): RawHtml {
	const t = strings(lang);
	const flags = [plan.options.filterPid ? '[-p PID]' : '', plan.options.filterComm ? '[-c COMM]' : ''].filter(Boolean).join(' ');
	const triggers = [...new Set(plan.events.map((p) => trigger(p.event)).filter((c): c is string => c !== null))];
	const printk = plan.transport === 'printk';
	const real = verifiedLineFor(plan, verified);
	return html`<p>${t.step7Text}</p>
<p class="muted small">${requirementsSentence(plan, lang)}</p>
${cmdBlock(`sudo ./${plan.name}${flags ? ` ${flags}` : ''}`)}
${triggers.length ? html`<p>${t.step7Trigger}</p>${triggers.map((c) => cmdBlock(c))}` : null}
<p>${real ? t.step7Verified(real.kernel, real.trigger, real.pairExit && !plan.events[0]!.exit) : printk ? t.step7OutputPrintk : t.step7Output}</p>
${
	printk
		? null
		: html`<pre class="out"><code>${['TIME     PID     COMM             EVENT AND FIELDS', ...(real ? [real.line] : plan.events.map(sampleLine))].join('\n')}</code></pre>`
}`;
}
