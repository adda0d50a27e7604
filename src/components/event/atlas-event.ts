/**
 * `<atlas-event>`: the small part of an event page's script that loads with the page. It copies
 * and downloads single files on its own; everything that needs the generator or the event's data
 * (the options form and the files the page leaves out, switching kernel, changing options, the zip)
 * loads event-runtime.ts on first use: when the reader nears step 4 or reaches for a control.
 */
import { spyContents } from '../toc-spy.ts';
import { addCopyButtons, codeOfCopyButton, copyText } from './copy-buttons.ts';

type Runtime = Awaited<ReturnType<typeof import('./event-runtime.ts')['createRuntime']>>;

function saveFile(name: string, data: BlobPart, type: string): void {
	const url = URL.createObjectURL(new Blob([data], { type }));
	const a = Object.assign(document.createElement('a'), { href: url, download: name });
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export class AtlasEvent extends HTMLElement {
	#runtime: Promise<Runtime> | undefined;

	/** Loads the runtime once; the page's state (URL, form) is applied when it arrives. */
	runtime(): Promise<Runtime> {
		this.#runtime ??= import('./event-runtime.ts').then(({ createRuntime }) => createRuntime(this));
		return this.#runtime;
	}

	connectedCallback(): void {
		// Labels come from the page, so the interface strings load only with the runtime.
		const copy = this.dataset.copyLabel ?? 'Copy';
		const copied = this.dataset.copiedLabel ?? 'Copied';
		addCopyButtons(this, copy);
		const toc = this.querySelector<HTMLElement>('.event-aside .toc');
		if (toc) spyContents(toc);
		let remembered: string | null = null;
		let mine: string | null = null;
		try {
			remembered = localStorage.getItem('atlas-kernel');
			mine = localStorage.getItem('atlas-my-kernel');
		} catch {
			// Private mode: no memory.
		}
		// A kernel imported on the my-kernel page joins the picker; only its readers load that code.
		if (mine) void import('./my-kernel-offer.ts').then((m) => m.offerMyKernel(this, mine));

		this.addEventListener('click', (event) => {
			const target = (event.target as HTMLElement).closest<HTMLElement>('button, a[data-kernel-link]');
			if (!target) return;
			if (target.matches('[data-copy-cmd]')) {
				void copyText(target, codeOfCopyButton(target), copied);
			} else if (target.matches('[data-copy-file]')) {
				void copyText(target, codeOf(target), copied);
			} else if (target.matches('[data-download-file]')) {
				saveFile(target.dataset.downloadFile!, codeOf(target), 'text/plain');
			} else if (target.matches('[data-add-event]')) {
				const input = target.parentElement!.querySelector('input')!;
				void this.runtime().then((r) => r.addEvent(input.value));
			} else if (target.matches('[data-remove-event]')) {
				void this.runtime().then((r) => r.removeEvent(target.dataset.removeEvent!));
			} else if (target.matches('[data-download-zip]')) {
				void this.runtime().then(async (r) => {
					const zip = await r.zip();
					const status = this.querySelector<HTMLElement>('[data-zip-status]');
					if (status) status.textContent = 'problem' in zip ? zip.problem : '';
					if ('problem' in zip) this.querySelector<HTMLInputElement>('input[name="programName"]:invalid')?.focus();
					else saveFile(zip.name, zip.data as BlobPart, 'application/zip');
				});
			} else if (target.matches('.kp-arch[data-arch]:not([aria-disabled="true"])')) {
				void this.runtime().then((r) => r.setArch(target.dataset.arch!));
			} else if (target.matches('.kp[data-kernel]:not([aria-disabled="true"])')) {
				void this.runtime().then((r) => r.setKernel(target.dataset.kernel!));
			} else if (target.matches('a[data-kernel-link]')) {
				event.preventDefault();
				void this.runtime().then((r) => r.setKernel(target.dataset.kernelLink!));
				this.querySelector('.event-head')?.scrollIntoView({ behavior: 'smooth' });
			}
		});

		// Arrow keys move through the architecture and kernel pickers, as in any radio group.
		for (const group of this.querySelectorAll<HTMLElement>('.kp-arches, .kp-options')) group.addEventListener('keydown', (event) => {
			const e = event as KeyboardEvent;
			if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(e.key)) return;
			const options = [...group.querySelectorAll<HTMLElement>('.kp:not([aria-disabled="true"]):not([hidden])')];
			const i = options.indexOf(document.activeElement as HTMLElement);
			const next = options[(i + (e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 1) + options.length) % options.length];
			if (next) {
				e.preventDefault();
				next.focus();
				next.click();
			}
		});

		const form = this.querySelector('form.gen-options');
		const warm = () => void this.runtime();
		for (const el of [form, this.querySelector('.kernel-picker')]) {
			el?.addEventListener('pointerenter', warm, { once: true });
			el?.addEventListener('focusin', warm, { once: true });
		}
		// `input` fires for every control (radios, checkboxes, selects, text); its time stamp starts the latency the page reports.
		form?.addEventListener('input', (event) => void this.runtime().then((r) => r.readForm(event.timeStamp, event.target)));
		form?.addEventListener('keydown', (event) => {
			const target = event.target as HTMLInputElement;
			if ((event as KeyboardEvent).key === 'Enter' && target.name === 'addEvent') {
				event.preventDefault();
				void this.runtime().then((r) => r.addEvent(target.value));
			}
		});
		form?.addEventListener('reset', (event) => {
			event.preventDefault();
			void this.runtime().then((r) => r.reset());
		});
		form?.addEventListener('submit', (event) => event.preventDefault());

		// A shared link with a kernel or options: apply them now. Without a kernel in the link, the
		// kernel the reader last picked on any event page, when this event exists on it.
		const params = new URLSearchParams(location.search);
		const rememberedHere = remembered && !params.has('kernel') && remembered !== this.dataset.kernel && this.querySelector(`.kp[data-kernel="${CSS.escape(remembered)}"]:not([aria-disabled="true"])`);
		if (rememberedHere) void this.runtime().then((r) => r.setKernel(remembered!));
		else if (params.size > 0) warm();

		// The page holds only the BPF program, as plain text: the form, the colours and the other files
		// are drawn as the reader nears the generator's steps (or jumps to one).
		const steps = [...this.querySelectorAll('#step-4, #step-5, #step-6, #step-7')];
		if (steps.length) {
			const observer = new IntersectionObserver(
				(entries) => {
					if (!entries.some((e) => e.isIntersecting)) return;
					observer.disconnect();
					void this.runtime().then((r) => r.showFiles());
				},
				{ rootMargin: '100% 0px' },
			);
			for (const step of steps) observer.observe(step);
		}
	}
}

function codeOf(button: HTMLElement): string {
	return button.closest('.code-file')?.querySelector('pre code')?.textContent ?? '';
}

customElements.define('atlas-event', AtlasEvent);
