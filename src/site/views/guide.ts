/**
 * Steps 1–3 of an event page and its field table: everything on the page that depends on the
 * kernel chosen. Rendered at build time for the default kernel and again in the browser when the
 * reader picks another, from the same code.
 */
import { memberDeclaration } from '../../lib/btf/context-structs.ts';
import { READ_AS } from '../../lib/generate/emit-readme.ts';
import type { EventPlan } from '../../lib/generate/plan.ts';
import { decodeEvent } from '../../lib/printfmt/decode.ts';
import type { PortableContext } from '../generator-input.ts';
import type { ContextStruct, Event, Provenance } from '../../schemas/snapshot.ts';
import { commands } from '../guide-commands.ts';
import { html, raw, type RawHtml } from '../html.ts';
import { strings, type Lang } from '../i18n.ts';
import { decodingCell } from './decoding.ts';

/** Highlights C code into HTML; the plain escape until a highlighter has loaded. */
export type HighlightC = (code: string) => string;

export interface GuideContext {
	lang: Lang;
	category: string;
	name: string;
	kernel: Provenance;
	/** The event on that kernel; undefined when the kernel lacks it. */
	event: Event | undefined;
	/** What the generator's default options make of each field (how it is read); undefined if it refused the event. */
	plan: EventPlan | undefined;
	/** The struct the generator builds from the format offsets (the portable context). */
	portable: PortableContext | undefined;
	highlightC: HighlightC;
}

/** A struct as C, each member with its offset and size, the way one reads it in vmlinux.h. */
export function structText(struct: ContextStruct): string {
	const decls = struct.members.map((m) => `${memberDeclaration(m)};`);
	const width = Math.max(...decls.map((d) => d.length)) + 1;
	const lines = struct.members.map((m, i) => `\t${decls[i]!.padEnd(width)}/* offset ${m.offset}, size ${m.size} */`);
	return `struct ${struct.name} {\n${lines.join('\n')}\n};`;
}

/** The hand-built struct, each member with its offset and the format line it stands for. */
export function portableStructText(ctx: PortableContext): string {
	const decls = ctx.members.map((m) => `${m.declaration};`);
	const width = Math.max(...decls.map((d) => d.length)) + 1;
	const lines = ctx.members.map((m, i) => {
		const note = `offset ${m.offset}${m.source ? `: ${m.source.replaceAll('*/', '* /')}` : ''}`;
		return `\t${decls[i]!.padEnd(width)}/* ${note} */`;
	});
	return `struct ${ctx.struct} {\n${lines.join('\n')}\n};`;
}

/** A format file with its keywords and numbers marked, and the event's own fields set apart from the header. */
export function formatHtml(formatText: string): RawHtml {
	return html`${formatText.split('\n').map((line, i) => {
		const field = /^(\s*)field:(.*?);(\s*)offset:(\d+);(\s*)size:(\d+);(\s*)signed:(\d+);(.*)$/.exec(line);
		const nl = i > 0 ? '\n' : '';
		if (!field) {
			const head = /^(name|ID|format|print fmt):(.*)$/.exec(line);
			return head ? html`${nl}<span class="k">${head[1]}:</span>${head[2]}` : html`${nl}${line}`;
		}
		const [, indent, decl, s1, offset, s2, size, s3, signed, rest] = field;
		const common = /\bcommon_\w+$/.test(decl!);
		return html`${nl}<span class="${common ? 'c' : 'fl'}">${indent}<span class="k">field:</span>${decl};${s1}<span class="k">offset:</span><span class="n">${offset}</span>;${s2}<span class="k">size:</span><span class="n">${size}</span>;${s3}<span class="k">signed:</span><span class="n">${signed}</span>;${rest}</span>`;
	})}`;
}

export const stepHeading = (n: number, title: string, lang: Lang) =>
	html`<h2 id="step-${n}-title" class="step-title"><span class="step-num" aria-hidden="true">${n}</span><span class="step-label">${strings(lang).stepLabel(n)}</span> ${title}</h2>`;

export const cmdBlock = (command: string) => html`<pre class="cmd"><code>${command}</code></pre>`;

function step1(ctx: GuideContext): RawHtml {
	const t = strings(ctx.lang);
	const { event, kernel } = ctx;
	const c = commands(ctx);
	const module = event?.origin.kind === 'module' ? event.origin.module : null;
	return html`<section class="step" id="step-1" aria-labelledby="step-1-title">
${stepHeading(1, t.step1Title, ctx.lang)}
<p>${t.step1Text}</p>
${module ? html`<p>${t.step1Module(module)}</p>${cmdBlock(c.loadModule(module))}` : null}
${cmdBlock(c.findEvent)}
<p>${t.step1Expect}</p>
<pre class="out"><code><mark>${c.expectedLine}</mark></code></pre>
<p>${t.step1Bpftrace}</p>
${cmdBlock(c.bpftraceList)}
<p class="muted small">${t.kernelShownFor(kernel.release)}</p>
</section>`;
}

function step2(ctx: GuideContext, event: Event): RawHtml {
	const t = strings(ctx.lang);
	const c = commands(event);
	return html`<section class="step" id="step-2" aria-labelledby="step-2-title">
${stepHeading(2, t.step2Title, ctx.lang)}
<p>${t.step2Text}</p>
${cmdBlock(c.catFormat)}
<p>${t.step2Real(ctx.kernel.release)}</p>
<pre class="format"><code>${formatHtml(event.formatText)}</code></pre>
</section>`;
}

function step3(ctx: GuideContext, event: Event): RawHtml {
	const t = strings(ctx.lang);
	const c = commands(event);
	const context = event.context;
	let body: RawHtml;
	if (context.match === 'none') {
		body = html`<p>${t.step3None}</p><p class="note">${context.note}</p>`;
	} else {
		const struct = context.struct;
		const args = (ctx.plan?.fields ?? [])
			.filter((f) => f.path?.startsWith('args['))
			.map((f) => html`<li><code>${f.path}</code> → <code>${f.field.declaration}</code></li>`);
		body = html`<p>${t.step3Vmlinux(struct.name)}</p>
<pre class="struct"><code>${raw(ctx.highlightC(structText(struct)))}</code></pre>
${context.match === 'syscall' ? html`<p>${t.step3Syscall}</p>${args.length ? html`<ul class="args">${args}</ul>` : null}` : null}
${context.match === 'class' ? html`<p>${t.step3Class(struct.name)}</p>` : null}
<p>${t.step3Command}</p>
${cmdBlock(c.dumpStruct(struct))}`;
	}
	const portable = ctx.portable
		? html`<details class="portable"${raw(context.match === 'none' ? ' open' : '')}><summary>${t.step3PortableTitle}</summary>
<p>${t.step3PortableText(ctx.portable.sameLayoutOn.join(', '))}</p>
<pre class="struct"><code>${raw(ctx.highlightC(portableStructText(ctx.portable)))}</code></pre>
<p class="small muted">${t.step3Portable}</p></details>`
		: null;
	return html`<section class="step" id="step-3" aria-labelledby="step-3-title">
${stepHeading(3, t.step3Title, ctx.lang)}
${body}
${portable}
</section>`;
}

/** How the generated program reads a field: the ctx member it starts from and what it does with it. */
function readCell(lang: Lang, plan: EventPlan | undefined, name: string): RawHtml {
	const field = plan?.fields.find((f) => f.field.name === name);
	if (field) return html`${field.path ? html`<code>ctx->${field.path}</code> ` : null}${READ_AS[field.read][lang]}`;
	return html`${plan?.omitted.find((o) => o.name === name)?.reason ?? '—'}`;
}

/**
 * The field table. Its markup is lean on purpose (implied end tags, the columns styled by
 * position in event.css): it is on every event page, about 33,000 rows per language. On a phone
 * each row becomes a small card, its numbers labelled from the table's own headings (CSS variables).
 */
export function fieldTable(lang: Lang, event: Event, plan: EventPlan | undefined): RawHtml {
	const t = strings(lang);
	if (event.format.fields.length === 0) return html`<p class="muted">${t.eventNoFields}</p>`;
	const decoding = decodeEvent(event.format);
	const labels = `--offset:${cssString(t.eventFieldOffset)};--size:${cssString(t.eventFieldSize)};--signed:${cssString(t.eventFieldSigned)}`;
	return html`<div class="table-wrap"><table class="fields" style="${raw(labels)}">
<thead><tr><th scope="col">${t.eventFieldName}<th scope="col">${t.eventFieldType}<th scope="col">${t.eventFieldOffset}<th scope="col">${t.eventFieldSize}<th scope="col">${t.eventFieldSigned}<th scope="col">${t.eventFieldRead}<th scope="col">${t.eventFieldShown}</thead>
<tbody>${event.format.fields.map(
		(f) => html`<tr><th scope="row">${f.name}<td>${f.dynamic ? `__${f.dynamic} ` : ''}${f.type}${f.arrayLength !== null ? `[${f.arrayLength}]` : f.dynamic ? '[]' : ''}<td>${f.offset}<td>${f.size}<td>${f.signed ? t.yes : t.no}<td>${readCell(lang, plan, f.name)}${decodingCell(lang, decoding, f.name)}`,
	)}</tbody>
</table></div>`;
}

/** A CSS string literal, safe inside a double-quoted attribute: anything but letters, digits, spaces and CJK as a CSS escape. */
const cssString = (text: string) => `'${text.replace(/[^\p{L}\p{N} ]/gu, (c) => `\\${c.codePointAt(0)!.toString(16)} `)}'`;

/** Steps 1–3 and the field table for one kernel; a short notice when the kernel lacks the event. */
export function kernelView(ctx: GuideContext): RawHtml {
	const t = strings(ctx.lang);
	if (!ctx.event) return html`<div class="notice" role="status">${t.kernelMissing(ctx.kernel.release)}</div>${step1(ctx)}`;
	return html`${step1(ctx)}${step2(ctx, ctx.event)}${step3(ctx, ctx.event)}
<section class="fields-section" id="fields" aria-labelledby="fields-title"><h2 id="fields-title">${t.eventFields}</h2>${fieldTable(ctx.lang, ctx.event, ctx.plan)}</section>`;
}
