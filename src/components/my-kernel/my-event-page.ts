/**
 * The my-kernel event page (`my-kernel/event/?e=category:name`): finds the event in the kernel
 * kept in this browser, fills the page's head and kernel picker (the reader's kernel, and links to
 * the captured kernels that have the event), then hands the page to <atlas-event> with the stored
 * kernel as its data (event-runtime.ts), which draws steps, field table, struct and generator.
 * Everything from the address or the snapshot reaches the page as text, never as markup.
 */
import { CategoryNameSchema, EventNameSchema } from '../../schemas/snapshot.ts';
import { strings, type Lang } from '../../site/i18n.ts';
import { createUrls } from '../../site/urls.ts';
import { loadEventSearch } from '../search/event-search.ts';
import { readStoredKernel } from './kernel-store.ts';

const el = (tag: string, className: string, text?: string) => Object.assign(document.createElement(tag), { className, textContent: text ?? '' });

export async function showMyEvent(root: HTMLElement): Promise<void> {
	const lang: Lang = root.dataset.lang === 'en' ? 'en' : 'zh';
	const t = strings(lang);
	const urls = createUrls(root.dataset.base ?? '/');
	const status = root.querySelector<HTMLElement>('[data-mine-status]')!;
	const fail = (message: string, link?: { href: string; text: string }) => {
		status.className = 'notice';
		status.setAttribute('role', 'alert');
		status.textContent = message;
		if (link) status.append(' ', Object.assign(document.createElement('a'), { href: link.href, textContent: link.text }));
		root.dataset.ready = 'true';
	};

	const wanted = new URLSearchParams(location.search).get('e') ?? '';
	const at = wanted.indexOf(':');
	const category = wanted.slice(0, at);
	const name = wanted.slice(at + 1);
	if (at < 0 || !CategoryNameSchema.safeParse(category).success || !EventNameSchema.safeParse(name).success) return fail(t.myKernelEventBad);
	const stored = await readStoredKernel().catch(() => null);
	if (!stored) return fail(t.myKernelEventNone, { href: urls.myKernel(lang), text: t.myKernelNav });
	const kernel = stored.snapshot.provenance;
	const event = stored.snapshot.events.find((e) => e.category === category && e.name === name);
	if (!event) return fail(t.myKernelEventMissing(`${category}:${name}`, kernel.release), { href: urls.myKernel(lang), text: t.myKernelNav });

	document.title = `${category}:${name} · ${t.myKernelNav} · ${t.siteName}`;
	root.querySelector<HTMLAnchorElement>('[data-category-link]')!.href = `${urls.explorer(lang)}?kernel=mine&category=${encodeURIComponent(category)}`;
	root.querySelector('[data-title]')!.append(el('span', 'cat', `${category}:`), document.createElement('wbr'), name);
	root.querySelector('[data-facts]')!.append(
		el('span', event.origin.kind === 'module' ? 'badge badge-module' : 'badge', event.origin.kind === 'module' ? t.originModuleNamed(event.origin.module) : t.originBuiltin),
		el('span', '', t.eventFieldCount(event.format.fields.length)),
		...(event.context.match === 'none' ? [] : [el('code', '', t.eventContextMatch(event.context.struct.name))]),
	);
	const options = root.querySelector('.kp-options')!;
	const mine = Object.assign(el('button', 'kp kp-mine'), { type: 'button', title: kernel.release });
	mine.setAttribute('role', 'radio');
	mine.setAttribute('aria-checked', 'true');
	mine.dataset.kernel = kernel.id;
	mine.append(el('span', 'kp-id', t.myKernelNav), el('span', 'kp-rel', kernel.release));
	options.prepend(mine);
	status.remove();
	root.querySelector<HTMLElement>('[data-mine-body]')!.hidden = false;

	// The page's own element and runtime, created only now that the page knows its event.
	await import('../event/atlas-event.ts');
	const page = document.createElement('atlas-event') as HTMLElement & { runtime(): Promise<{ ready: Promise<void> }> };
	Object.assign(page.dataset, { ...root.dataset, mine: '', category, name, kernel: kernel.id, shards: '1' });
	page.append(...root.childNodes);
	root.replaceWith(page);
	await (await page.runtime()).ready;
	page.dataset.ready = 'true';

	// The captured kernels that have the event become links to its page there.
	const { index } = await loadEventSearch(urls.eventIndex());
	const entry = index.entries.find((e) => e.category === category && e.name === name);
	index.kernels.forEach((k, i) => {
		const button = options.querySelector<HTMLElement>(`.kp[data-kernel="${CSS.escape(k.id)}"].absent`);
		if (!button || !entry || !(entry.kernels & (1 << i))) return;
		const link = Object.assign(document.createElement('a'), { className: 'kp', href: urls.event(lang, category, name, k.id), title: k.release });
		link.append(el('span', 'kp-id', button.querySelector('.kp-id')?.textContent ?? k.id), el('span', 'kp-rel', k.release));
		button.replaceWith(link);
	});
}
