/**
 * An event page's interactive half, loaded on first use: fetches the event's data (every kernel's
 * copy, data/events/<category>/<name>.json), redraws the kernel-dependent steps when the reader
 * picks a kernel, regenerates and re-highlights the code on every option change, keeps kernel and
 * options in the URL, and builds the project zip. It renders with the same views as the build.
 */
import { unpackEventData, type PackedEventData } from '../../site/event-data.ts';
import { defaultPlan, generate, generatorInput, type Generated } from '../../site/generator-input.ts';
import { createCodeHighlighter, escapeHtml, ISLAND_GRAMMARS, langOfFile, type Highlighter } from '../../site/highlight.ts';
import { html, toHtml } from '../../site/html.ts';
import { strings, type Lang } from '../../site/i18n.ts';
import { defaultPageOptions, readOptions, writeOptions, type PageOptions } from '../../site/options-query.ts';
import { createUrls } from '../../site/urls.ts';
import { codePanel, stepOfFile, type GeneratedFile } from '../../site/views/code-files.ts';
import { buildCommands, optionsForm, runView } from '../../site/views/generator.ts';
import { kernelView } from '../../site/views/guide.ts';
import { addCopyButtons } from './copy-buttons.ts';

export async function createRuntime(root: HTMLElement) {
	const lang: Lang = root.dataset.lang === 'en' ? 'en' : 'zh';
	const t = strings(lang);
	const category = root.dataset.category!;
	const name = root.dataset.name!;
	const defaultKernel = root.dataset.kernel!;
	const urls = createUrls(root.dataset.base ?? '/');
	const form = root.querySelector<HTMLFormElement>('form.gen-options')!;
	const status = root.querySelector<HTMLElement>('.gen-status')!;

	// The highlighter loads alongside the data; until it is there code shows plain.
	let highlighter: Highlighter | null = null;
	const highlighterReady = createCodeHighlighter(ISLAND_GRAMMARS()).then((h) => (highlighter = h));
	const response = await fetch(urls.eventData(category, name));
	if (!response.ok) throw new Error(`${urls.eventData(category, name)}: HTTP ${response.status}`);
	const data = unpackEventData((await response.json()) as PackedEventData);
	const source = { event: data.event, versions: data.versions };

	const defaults = defaultPageOptions(lang);
	const params = new URLSearchParams(location.search);
	let kernel = data.kernels.find((k) => k.id === params.get('kernel') && data.event(name, k.id)) ?? data.kernels.find((k) => k.id === defaultKernel)!;
	let options: PageOptions = readOptions(params, defaults);
	let generated: Generated | null = null;
	/** The text each file panel shows, to re-highlight only what changed. */
	const shown = new Map<string, string>();

	const eventOn = () => data.event(name, kernel.id)!;
	const highlight = (file: GeneratedFile, programName: string) =>
		highlighter ? highlighter.highlight(file.content, langOfFile(file.path), [programName, name]) : escapeHtml(file.content);

	function renderKernel(): void {
		const event = eventOn();
		const plan = defaultPlan(source, kernel, event);
		root.querySelector('[data-kernel-view]')!.innerHTML = toHtml(
			kernelView({ lang, category, name, kernel, event, plan, highlightC: (c) => (highlighter ? highlighter.highlight(c, 'c') : escapeHtml(c)) }),
		);
		addCopyButtons(root.querySelector('[data-kernel-view]')!, t.copy);
		for (const kp of root.querySelectorAll<HTMLElement>('.kp[data-kernel]')) {
			const on = kp.dataset.kernel === kernel.id;
			kp.setAttribute('aria-checked', String(on));
			kp.tabIndex = on ? 0 : -1;
		}
		// Fields differ between kernels: keep the chosen ones that still exist.
		const names = new Set(event.format.fields.map((f) => f.name));
		if (options.fields) options = { ...options, fields: options.fields.filter((f) => names.has(f)) };
		renderForm();
	}

	function renderForm(): void {
		const defaultName = generate(generatorInput(source, kernel, eventOn()), { ...options, programName: null });
		form.innerHTML = toHtml(optionsForm(lang, eventOn(), options, defaultName.ok ? defaultName.project.programName : ''));
	}

	/**
	 * Regenerates the project and updates the steps; returns when the highlighted code is in the
	 * page. `since` is when the change happened (an event's time stamp), for the latency it reports.
	 */
	function renderCode(since = performance.now()): void {
		generated = generate(generatorInput(source, kernel, eventOn()), options);
		if (!generated.ok) {
			status.innerHTML = toHtml(html`<p class="notice">${t.genError(generated.error)}</p>`);
			return;
		}
		status.innerHTML = '';
		const { project, plan } = generated;
		for (const step of [4, 5, 6] as const) {
			const container = root.querySelector<HTMLElement>(`[data-step-files="${step}"]`)!;
			const files = project.files.filter((f) => stepOfFile(f.path) === step);
			const panels = [...container.querySelectorAll<HTMLElement>('.code-file')];
			const samePaths = panels.length === files.length && panels.every((p, i) => p.dataset.path === files[i]!.path);
			if (!samePaths) {
				container.innerHTML = files.map((f) => toHtml(codePanel(f, highlight(f, project.programName), lang))).join('');
			} else {
				files.forEach((f, i) => {
					if (shown.get(f.path) !== f.content) panels[i]!.querySelector('pre code')!.innerHTML = highlight(f, project.programName);
				});
			}
			for (const f of files) shown.set(f.path, f.content);
		}
		root.querySelector('[data-build]')!.innerHTML = toHtml(buildCommands(project.programName));
		root.querySelector('[data-run]')!.innerHTML = toHtml(runView(lang, plan));
		addCopyButtons(root, t.copy);
		// Read by `npm run bench`: from the change to the new, highlighted code in the page.
		root.dataset.renderMs = (performance.now() - since).toFixed(2);
		root.dataset.highlighted = String(highlighter !== null);
	}

	function writeUrl(): void {
		const next = new URLSearchParams(location.search);
		if (kernel.id === defaultKernel) next.delete('kernel');
		else next.set('kernel', kernel.id);
		writeOptions(next, options, defaults);
		const query = next.toString();
		history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
	}

	function formOptions(): PageOptions {
		const value = (n: string) => (form.elements.namedItem(n) as RadioNodeList | HTMLInputElement | null)?.value ?? '';
		const checked = (n: string) => (form.elements.namedItem(n) as HTMLInputElement | null)?.checked ?? false;
		const fieldBoxes = [...form.querySelectorAll<HTMLInputElement>('input[name="field"]')];
		const chosen = fieldBoxes.filter((b) => b.checked).map((b) => b.value);
		return {
			section: value('section') === 'tracepoint' ? 'tracepoint' : 'tp',
			context: value('context') === 'portable' ? 'portable' : 'vmlinux',
			output: value('output') === 'printk' ? 'printk' : value('output') === 'perfbuf' ? 'perfbuf' : 'ringbuf',
			fields: chosen.length === fieldBoxes.length ? null : chosen,
			pairExit: checked('pairExit'),
			filterPid: checked('filterPid'),
			filterComm: checked('filterComm'),
			programName: value('programName').trim() || null,
			stringSize: Number(value('stringSize')),
			argvCount: Number(value('argvCount')),
			language: value('language') === 'en' ? 'en' : 'zh',
		};
	}

	const changed = kernel.id !== defaultKernel || params.size > 0;
	if (kernel.id !== defaultKernel) renderKernel();
	else if (changed) renderForm();
	if (changed) renderCode();
	// Once the highlighter is there, colour whatever was drawn plain.
	void highlighterReady.then(() => {
		if (kernel.id !== defaultKernel) renderKernel();
		if (generated) {
			shown.clear();
			renderCode();
		}
	});

	return {
		async setKernel(id: string): Promise<void> {
			const next = data.kernels.find((k) => k.id === id);
			if (!next || !data.event(name, id) || next.id === kernel.id) return;
			kernel = next;
			renderKernel();
			renderCode();
			writeUrl();
		},
		readForm(since?: number): void {
			options = formOptions();
			renderCode(since);
			writeUrl();
		},
		reset(): void {
			options = defaults;
			renderForm();
			renderCode();
			writeUrl();
		},
		async zip(): Promise<{ name: string; data: Uint8Array } | null> {
			if (!generated) renderCode();
			if (!generated?.ok) return null;
			const { projectZip } = await import('../../site/zip.ts');
			const { programName, files } = generated.project;
			return { name: `${programName}.zip`, data: projectZip(programName, files) };
		},
		/** Resolves when code is highlighted (for tests and the benchmark). */
		ready: highlighterReady.then(() => undefined),
	};
}
