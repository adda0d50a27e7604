/**
 * Copy buttons on code blocks: one per `pre` matching `selector` (shell commands by default), and
 * the click that copies the block's code — the `$` prompt is CSS, so it is never copied.
 * Event pages route the click through <atlas-event>; guides call `handleCopyClicks`.
 */
export function addCopyButtons(root: ParentNode, label: string, selector = 'pre.cmd'): void {
	for (const pre of root.querySelectorAll<HTMLElement>(selector)) {
		if (pre.querySelector(':scope > .copy-cmd')) continue;
		const button = Object.assign(document.createElement('button'), { type: 'button', className: 'btn btn-small copy-cmd', textContent: label });
		button.dataset.copyCmd = '';
		pre.classList.add('has-copy');
		pre.append(button);
	}
}

/** Copies `text` and says so on the button for a moment. */
export async function copyText(button: HTMLElement, text: string, done: string): Promise<void> {
	await navigator.clipboard.writeText(text);
	const label = button.dataset.label ?? button.textContent ?? '';
	button.dataset.label = label;
	button.textContent = done;
	button.classList.add('done');
	setTimeout(() => {
		button.textContent = label;
		button.classList.remove('done');
	}, 1500);
}

/** The code a copy button's block holds. */
export const codeOfCopyButton = (button: HTMLElement): string => button.closest('pre')?.querySelector('code')?.textContent ?? '';

/** Handles every copy button under `root`. */
export function handleCopyClicks(root: HTMLElement, done: string): void {
	root.addEventListener('click', (event) => {
		const button = (event.target as HTMLElement).closest<HTMLElement>('[data-copy-cmd]');
		if (button) void copyText(button, codeOfCopyButton(button), done);
	});
}
