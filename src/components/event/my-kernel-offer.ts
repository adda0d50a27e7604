/**
 * A kernel the reader imported on the my-kernel page joins an event page's picker as a link to the
 * page that draws this event for it, with the options of this page's address. Loaded by
 * atlas-event.ts only when the hint is there, so readers who never imported one load none of it.
 */
export function offerMyKernel(root: HTMLElement, hint: string): void {
	let mine: { release?: unknown } | null = null;
	try {
		mine = JSON.parse(hint) as { release?: unknown } | null;
	} catch {
		// Not ours: nothing to offer.
	}
	const options = root.querySelector('.kp-options');
	if (typeof mine?.release !== 'string' || !options || !root.dataset.mineHref) return;
	const query = new URLSearchParams(location.search);
	query.delete('kernel');
	query.set('e', `${root.dataset.category}:${root.dataset.name}`);
	const link = Object.assign(document.createElement('a'), { className: 'kp kp-mine', href: `${root.dataset.mineHref}?${query}` });
	const label = (className: string, text: string) => Object.assign(document.createElement('span'), { className, textContent: text });
	link.append(label('kp-id', root.dataset.mineLabel ?? ''), label('kp-rel', mine.release));
	options.append(link);
}
