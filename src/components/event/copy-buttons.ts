/** A copy button on each shell command block; the click is handled by <atlas-event>. */
export function addCopyButtons(root: ParentNode, label: string): void {
	for (const pre of root.querySelectorAll<HTMLElement>('pre.cmd')) {
		if (pre.querySelector('.copy-cmd')) continue;
		const button = Object.assign(document.createElement('button'), { type: 'button', className: 'btn btn-small copy-cmd', textContent: label });
		button.dataset.copyCmd = '';
		pre.append(button);
	}
}
