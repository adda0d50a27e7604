/**
 * An event page's interactive half, loaded on first use: fetches the shard holding the event's data
 * (every kernel's copy, data/events/<category>/<shard>.json, shared with other events' pages),
 * draws the options form and the generated files the page leaves out, redraws the kernel-dependent
 * steps when the reader picks a kernel, regenerates and re-highlights the code on every option
 * change, keeps kernel and options in the URL, and builds the project zip. It renders with the same
 * views as the build.
 */
import { archOf, kernelOnArch } from '../../site/arches.ts';
import { unpackEventData, type EventData, type PackedEventData } from '../../site/event-data.ts';
import { defaultPlan, generate, generatorInput, portableContext, type Generated } from '../../site/generator-input.ts';
import { createCodeHighlighter, escapeHtml, ISLAND_GRAMMARS, langOfFile, type Highlighter } from '../../site/highlight.ts';
import { html, toHtml } from '../../site/html.ts';
import { strings, type Lang } from '../../site/i18n.ts';
import type { Event, Snapshot } from '../../schemas/snapshot.ts';
import { defaultPageOptions, readOptions, writeOptions, type PageOptions } from '../../site/options-query.ts';
import { programNameProblem } from '../../site/program-name.ts';
import { shardOf } from '../../site/shards.ts';
import { createUrls } from '../../site/urls.ts';
import { codePanel, shownFiles, stepOfFile, type GeneratedFile } from '../../site/views/code-files.ts';
import { buildCommands, optionsForm, runView, type VerifiedLine } from '../../site/views/generator.ts';
import { kernelView } from '../../site/views/guide.ts';
import { snapshotEventData } from '../../site/my-kernel/event-data.ts';
import { loadEventSearch } from '../search/event-search.ts';
import { addCopyButtons } from './copy-buttons.ts';

export async function createRuntime(root: HTMLElement) {
	// Under my-kernel/event/ (data-mine) the page draws the reader's kernel, stored by the my-kernel
	// page: its data comes from that snapshot instead of the shards, and every kernel-dependent part
	// is drawn here, since the page holds none of it.
	const mine: Snapshot | undefined = root.dataset.mine === undefined ? undefined : (await (await import('../my-kernel/kernel-store.ts')).readStoredKernel())?.snapshot;
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
	/** Each shard fetched once: the page's own, and those of events added to the program. */
	const loaded = new Map<string, Promise<EventData>>();
	/** The page knows its category's shard count; other categories' counts are in the search index. */
	const shardsOf = async (c: string): Promise<number> => {
		if (c === category) return Number(root.dataset.shards);
		const { index } = await loadEventSearch(urls.eventIndex());
		const count = index.shards[index.categories.indexOf(c)];
		if (count === undefined) throw new Error(`no category ${c} in ${urls.eventIndex()}`);
		return count;
	};
	const load = async (key: string) => {
		const [c, n] = key.split(':') as [string, string];
		if (mine) return snapshotEventData(mine, c);
		const url = urls.eventShard(c, shardOf(n, await shardsOf(c)));
		let data = loaded.get(url);
		if (!data) {
			data = fetch(url).then(async (r) => {
				if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
				return unpackEventData((await r.json()) as PackedEventData);
			});
			loaded.set(url, data);
		}
		return data;
	};
	const data = await load(`${category}:${name}`);
	const sources: EventData[] = [data];
	const source = {
		event: (c: string, n: string, k: string) => sources.find((d) => d.category === c && d.event(n, k))?.event(n, k),
		versions: (c: string, n: string) => sources.find((d) => d.category === c && d.versions(n).length > 0)?.versions(n) ?? [],
	};

	const defaults = defaultPageOptions(lang);
	const params = new URLSearchParams(location.search);
	let kernel = data.kernels.find((k) => k.id === params.get('kernel') && data.event(name, k.id)) ?? data.kernels.find((k) => k.id === defaultKernel)!;
	let options: PageOptions = readOptions(params, defaults);
	let generated: Generated | null = null;
	/** The text each file panel shows, to re-highlight only what changed. */
	const shown = new Map<string, string>();

	const eventOn = () => data.event(name, kernel.id)!;
	/** Files drawn plain because they were off screen, to colour when the browser is idle. */
	const later = new Map<string, GeneratedFile>();
	const requestIdle = (fn: () => void) => ('requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 500 }) : setTimeout(fn, 50));
	function colourLater(programName: string): void {
		if (!highlighter) return;
		for (const [path, file] of later) {
			const code = root.querySelector(`.code-file[data-path="${CSS.escape(path)}"] pre code`);
			if (code && shown.get(path) === file.content) code.innerHTML = highlight(file, programName);
		}
		later.clear();
	}
	const highlight = (file: GeneratedFile, programName: string) =>
		highlighter ? highlighter.highlight(file.content, langOfFile(file.path), [programName, name]) : escapeHtml(file.content);

	function renderKernel(): void {
		const event = eventOn();
		const plan = defaultPlan(source, kernel, event);
		root.querySelector('[data-kernel-view]')!.innerHTML = toHtml(
			kernelView({ lang, category, name, kernel, event, plan, portable: portableContext(source, kernel, event), highlightC: (c) => (highlighter ? highlighter.highlight(c, 'c') : escapeHtml(c)) }),
		);
		addCopyButtons(root.querySelector('[data-kernel-view]')!, t.copy);
		// The architecture shown is the kernel's; only its kernels are listed (none are hidden on the my-kernel page, which has no architecture choice).
		const arch = archOf(kernel);
		const byArch = root.querySelector('.kp-arches') !== null;
		for (const kp of root.querySelectorAll<HTMLElement>('.kp-arch')) {
			const on = kp.dataset.arch === arch;
			kp.setAttribute('aria-checked', String(on));
			kp.tabIndex = on ? 0 : -1;
		}
		for (const kp of root.querySelectorAll<HTMLElement>('.kp-options .kp[data-kernel]')) {
			const on = kp.dataset.kernel === kernel.id;
			kp.setAttribute('aria-checked', String(on));
			kp.tabIndex = on ? 0 : -1;
			kp.hidden = byArch && kp.dataset.arch !== arch;
		}
		// Fields differ between kernels: keep the chosen ones that still exist.
		const names = new Set(event.format.fields.map((f) => f.name));
		if (options.fields) options = { ...options, fields: options.fields.filter((f) => names.has(f)) };
		renderForm();
	}

	/** The page's event and the added ones this kernel has; the others are named in the status line. */
	function programEvents(): { events: Event[]; skipped: string[] } {
		const events = [eventOn()];
		const skipped: string[] = [];
		for (const key of options.also) {
			const [c, n] = key.split(':') as [string, string];
			const e = source.event(c, n, kernel.id);
			if (e) events.push(e);
			else skipped.push(key);
		}
		return { events, skipped };
	}

	function renderForm(): void {
		const defaultName = generate(generatorInput(source, kernel, programEvents().events), { ...options, programName: null });
		form.innerHTML = toHtml(optionsForm(lang, eventOn(), options, defaultName.ok ? defaultName.project.programName : ''));
	}

	/**
	 * Regenerates the project and updates the steps; returns when the highlighted code is in the
	 * page. `since` is when the change happened (an event's time stamp), for the latency it reports.
	 */
	function renderCode(since = performance.now()): void {
		const { events, skipped } = programEvents();
		generated = generate(generatorInput(source, kernel, events), options);
		// A bad program name is the reader's to fix: say so at the field, in the page's language.
		const nameField = form.querySelector<HTMLInputElement>('input[name="programName"]');
		const nameProblem = programNameProblem(options.programName ?? '', lang);
		if (nameField) {
			nameField.setCustomValidity(nameProblem ?? '');
			if (nameProblem) nameField.setAttribute('aria-invalid', 'true');
			else nameField.removeAttribute('aria-invalid');
			nameField.setAttribute('aria-describedby', 'gen-status');
		}
		if (!generated.ok) {
			status.innerHTML = toHtml(html`<p class="notice" role="alert">${nameProblem ?? t.genError(generated.error)}</p>`);
			return;
		}
		status.innerHTML = skipped.length ? toHtml(html`<p class="note">${t.genSkipped(skipped.join(', '), kernel.release)}</p>`) : '';
		const { project, plan } = generated;
		// Code on screen is highlighted now; code further down gets its text now and its colours when the browser is idle.
		const onScreen = (el: Element) => {
			const r = el.getBoundingClientRect();
			return r.bottom > 0 && r.top < innerHeight;
		};
		for (const step of [4, 5, 6] as const) {
			const container = root.querySelector<HTMLElement>(`[data-step-files="${step}"]`)!;
			const files = shownFiles(project.files).filter((f) => stepOfFile(f.path) === step);
			const panels = [...container.querySelectorAll<HTMLElement>('.code-file')];
			const samePaths = panels.length === files.length && panels.every((p, i) => p.dataset.path === files[i]!.path);
			if (!samePaths) {
				const now = onScreen(container);
				container.innerHTML = files.map((f) => toHtml(codePanel(f, now ? highlight(f, project.programName) : escapeHtml(f.content), lang))).join('');
				if (!now) for (const f of files) later.set(f.path, f);
			} else {
				files.forEach((f, i) => {
					if (shown.get(f.path) === f.content) return;
					const code = panels[i]!.querySelector('pre code')!;
					if (onScreen(panels[i]!)) {
						code.innerHTML = highlight(f, project.programName);
						later.delete(f.path);
					} else {
						code.textContent = f.content;
						later.set(f.path, f);
					}
				});
			}
			for (const f of files) shown.set(f.path, f.content);
		}
		if (later.size > 0) requestIdle(() => colourLater(project.programName));
		root.querySelector('[data-build]')!.innerHTML = toHtml(buildCommands(project.programName));
		const run = root.querySelector<HTMLElement>('[data-run]')!;
		run.innerHTML = toHtml(runView(lang, plan, JSON.parse(run.dataset.verified ?? '[]') as VerifiedLine[]));
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
			decode: checked('decode'),
			filterPid: checked('filterPid'),
			filterComm: checked('filterComm'),
			programName: value('programName').trim() || null,
			stringSize: Number(value('stringSize')),
			argvCount: Number(value('argvCount')),
			language: value('language') === 'en' ? 'en' : 'zh',
			also: options.also,
		};
	}

	/** Fetches the JSON of every added event, so the generator can see them on any kernel. */
	async function loadAdded(): Promise<void> {
		for (const key of options.also) {
			const d = await load(key).catch(() => null);
			if (d && !sources.includes(d)) sources.push(d);
		}
	}

	await loadAdded();
	// The page carries no form (it needs this script): draw it now. The files the page leaves out
	// come with showFiles(), or now when the link asks for another kernel or other options.
	const redrawn = () => mine !== undefined || kernel.id !== defaultKernel;
	if (redrawn()) renderKernel();
	else renderForm();
	if (redrawn() || params.size > 0) renderCode();
	// Once the highlighter is there, colour whatever was drawn plain.
	void highlighterReady.then(() => {
		if (redrawn()) renderKernel();
		if (generated) {
			shown.clear();
			renderCode();
		}
	});

	return {
		/** Draws every generated file (the page holds only the BPF program), once. */
		showFiles(): void {
			if (!generated) renderCode();
		},
		async setKernel(id: string): Promise<void> {
			const next = data.kernels.find((k) => k.id === id);
			if (!next || !data.event(name, id) || next.id === kernel.id) return;
			kernel = next;
			// Remembered for the next event page (atlas-event.ts opens it on this kernel).
			try {
				localStorage.setItem('atlas-kernel', id);
			} catch {
				// Private mode: nothing to remember.
			}
			renderKernel();
			renderCode();
			writeUrl();
		},
		/** Shows the same series on another architecture when it has the event, else that architecture's newest that does. */
		async setArch(arch: string): Promise<void> {
			const next = kernelOnArch(data.kernels, (id) => data.event(name, id) !== undefined, kernel, arch);
			if (next) await this.setKernel(next.id);
		},
		readForm(since?: number, target?: EventTarget | null): void {
			// Typing an event name to add is not a change yet.
			if (target instanceof HTMLInputElement && target.name === 'addEvent') return;
			options = formOptions();
			renderCode(since);
			writeUrl();
		},
		/** Adds the best match for `query` on the current kernel to the program. */
		async addEvent(query: string): Promise<void> {
			if (!query.trim()) return;
			const { index, search } = await loadEventSearch(urls.eventIndex());
			const kernelIndex = index.kernels.findIndex((k) => k.id === kernel.id);
			const found = search(query, kernelIndex >= 0 ? { kernel: kernelIndex } : {}, 1).entries[0];
			const key = found && `${found.category}:${found.name}`;
			if (!key || key === `${category}:${name}`) {
				status.innerHTML = toHtml(html`<p class="notice">${t.genAddNotFound(query)}</p>`);
				return;
			}
			if (!options.also.includes(key)) options = { ...options, also: [...options.also, key] };
			await loadAdded();
			renderForm();
			renderCode();
			writeUrl();
		},
		removeEvent(key: string): void {
			options = { ...options, also: options.also.filter((k) => k !== key) };
			renderForm();
			renderCode();
			writeUrl();
		},
		reset(): void {
			options = defaults;
			renderForm();
			renderCode();
			writeUrl();
		},
		/** The project zip, or why there is none (in the page's language). */
		async zip(): Promise<{ name: string; data: Uint8Array } | { problem: string }> {
			if (!generated) renderCode();
			if (!generated?.ok) return { problem: programNameProblem(options.programName ?? '', lang) ? t.genZipBlocked : t.genError(generated?.ok === false ? generated.error : '') };
			const { projectZip } = await import('../../site/zip.ts');
			const { programName, files } = generated.project;
			return { name: `${programName}.zip`, data: projectZip(programName, files) };
		},
		/** Resolves when code is highlighted (for tests and the benchmark). */
		ready: highlighterReady.then(() => undefined),
	};
}
