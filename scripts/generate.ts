/**
 * `npm run generate`: writes a buildable eBPF project for one or more tracepoints of a captured kernel
 * (or of the running one), exactly the files the site's download holds. Run with --help for usage.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { machine } from 'node:os';
import { join, resolve } from 'node:path';
import { debianArchOf } from '../src/lib/capture/arch-names.ts';
import { defaultKernel } from '../src/site/arches.ts';
import { orderKernels } from '../src/site/kernels.ts';
import { DataError, listKernelIds, readProvenance, readSnapshot } from '../src/data/store.ts';
import { capturedOnFrom } from '../src/lib/generate/captured-on.ts';
import { companionModule, readCompanionFiles } from '../src/lib/generate/companion-sync.ts';
import { makeDirectory } from '../src/data/system.ts';
import { shellArguments, showableInShell, shellWord } from '../src/lib/shell/quote.ts';
import { MAX_NEEDLE_LENGTH, nearest } from '../src/site/nearest.ts';
import { callerPath, dataFolder, describeError, parseCommandLine, replaceFile, runCli, UsageError } from './lib/cli.ts';
import { checkProgramName, GenerateError, generateProject, type GeneratorOptions } from '../src/lib/generate/index.ts';
import { quoteValue, TRACEFS_NAME, type Event, type Snapshot } from '../src/schemas/snapshot.ts';
import { captureLiveSnapshot } from './generate/live.ts';

const REPO = resolve(import.meta.dirname, '..');

const HELP = `Usage:
  npm run generate -- <category>:<name>[,<category>:<name>…] [options]
  npm run generate -- --list-kernels
  npm run generate -- --sync-companion

Writes a project folder for the given tracepoints: <prog>.bpf.c, the libbpf loader <prog>.c, the
record header <prog>.h and a README with numbered steps, plus companion/'s Makefile, .gitignore and
tp_helpers.h — the same files as the site's download. Then: cd DIR && make && sudo ./<prog>

Options:
  --kernel ID|live     a captured kernel (see --list-kernels), or live: the running kernel's tracefs
                       and BTF, read now (needs root). Default: live.
  --context vmlinux|portable
                       ctx type: the kernel's struct from vmlinux.h (default), or a struct declared
                       from the format file's offsets that needs no vmlinux.h.
  --section tp|tracepoint
                       SEC("tp/…") (default) or SEC("tracepoint/…"); libbpf treats them alike.
  --output ringbuf|perfbuf|printk
                       how records reach user space (default ringbuf; kernels before 5.8 get a
                       perf buffer).
  --pair-exit          pair each syscalls:sys_enter_* with its sys_exit_* and report the return
                       value.
  --fields CAT:NAME=F1,F2
                       record only these fields of that event (repeatable; default: all).
  --no-pid-filter      the loader takes no -p PID.
  --no-comm-filter     the loader takes no -c COMM.
  --no-decode          print numbers, not the names the kernel's print fmt gives (prev_state=S).
  --name NAME          program name (default: from the event).
  --lang zh|en         README language (default zh).
  --out DIR            where to write (default: ./<program name>). Must be empty or missing
                       unless --force.
  --force              write into a non-empty DIR, replacing files of the same names (a symbolic
                       link of such a name is replaced, not followed).
  --data DIR           the data directory (default: the repository's data/).
  --list-kernels       print the captured kernels' ids and exit.
  --sync-companion     rewrite src/lib/generate/companion.ts from companion/ (after editing
                       companion/).
  --help               show this text.

Relative paths are taken from the folder you run the command in.`;

/** The newest captured kernel of this machine's architecture (7.2-amd64 here, not 7.2-arm64, which sorts last), else the default's. */
function newestOfThisArch(dataDir: string, ids: readonly string[]): string {
	const kernels = orderKernels(ids.map((id) => readProvenance(dataDir, id)));
	return defaultKernel(kernels, () => true, debianArchOf(machine()) ?? machine())!.id;
}

function loadKernel(dataDir: string, id: string): Snapshot {
	if (id === 'live') {
		const captured = listKernelIds(dataDir);
		if (process.getuid?.() !== 0) {
			// The default: say so, and name this command (the capture helper's own error names capture).
			const typed = process.argv.slice(2);
			const again = typed.filter((a, i, all) => a !== '--kernel' && all[i - 1] !== '--kernel' && !a.startsWith('--kernel='));
			const showable = typed.every(showableInShell);
			throw new UsageError(
				`--kernel live (the default) reads the running kernel's tracefs and BTF, which needs root${showable ? `: run sudo npm run generate -- ${shellArguments(typed)}` : ''}` +
					(captured.length && showable ? `; or generate for a captured kernel, which needs no root: npm run generate -- ${shellArguments([...again, '--kernel', newestOfThisArch(dataDir, captured)])} (captured: ${captured.join(', ')})` : ''),
			);
		}
		try {
			return captureLiveSnapshot();
		} catch (error) {
			throw new UsageError(`cannot read the running kernel: ${(error as Error).message}\nOr use a captured kernel: --kernel ${captured.join('|') || '(none captured yet)'}`);
		}
	}
	const ids = listKernelIds(dataDir);
	if (!ids.includes(id)) {
		const near = nearest(ids, id);
		throw new UsageError(
			`no captured kernel ${quoteValue(id)} in ${dataDir}.${near.length ? ` Did you mean: ${near.join(', ')}?` : ''} Captured kernels: ${ids.join(', ') || 'none'} (or --kernel live)`,
		);
	}
	return readSnapshot(dataDir, id);
}

/**
 * Every captured kernel's snapshot, so comments and messages can say where an event exists and where
 * its layout holds. A damaged one is left out with a warning: it must not stop generating for the others.
 */
function capturedSnapshots(dataDir: string, current: Snapshot): Snapshot[] {
	return listKernelIds(dataDir).flatMap((id) => {
		if (id === current.provenance.id) return [current];
		try {
			return [readSnapshot(dataDir, id)];
		} catch (error) {
			if (!(error instanceof DataError)) throw error;
			console.error(`generate: warning: kernel ${id} left out of the "captured on" notes: ${error.message}`);
			return [];
		}
	});
}

function parseFields(specs: string[]): Record<string, string[]> {
	const fields: Record<string, string[]> = {};
	for (const spec of specs) {
		const m = /^([\w.-]+:[\w.-]+)=(\w+(?:,\w+)*)$/.exec(spec);
		if (!m) throw new UsageError(`--fields ${JSON.stringify(spec)}: write it as category:name=field1,field2`);
		fields[m[1] as string] = (m[2] as string).split(',');
	}
	return fields;
}

function findEvents(snapshot: Snapshot, spec: string): Event[] {
	const byKey = new Map(snapshot.events.map((e) => [`${e.category}:${e.name}`, e]));
	return spec.split(',').map((raw) => {
		const key = raw.trim();
		const event = byKey.get(key);
		if (event) return event;
		const near = nearest([...byKey.keys()], key);
		// The hint is a command the reader may paste: only offer one for a plausible name, and quote it.
		const name = key.split(':').at(-1) ?? '';
		const grep = TRACEFS_NAME.test(name) && name.length <= MAX_NEEDLE_LENGTH ? ` List them with: sudo grep ${shellWord(name)} /sys/kernel/tracing/available_events` : '';
		const hint = near.length > 0 ? ` Nearest: ${near.join(', ')}.` : grep;
		throw new UsageError(`kernel ${snapshot.provenance.id} has no event ${quoteValue(key)} (write events as category:name).${hint}`);
	});
}

/** Refuses an --out that is a file, or a non-empty folder without --force. */
function checkOutputDir(out: string, force: boolean): void {
	if (!existsSync(out)) return;
	if (!statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a file; give a folder that is empty or does not exist yet`);
	if (readdirSync(out).length > 0 && !force) throw new UsageError(`${out} is not empty; choose another --out, or add --force to replace the project's files in it`);
}

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
	if (value === undefined) return undefined;
	if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} ${value}: use one of ${allowed.join(', ')}`);
	return value as T;
}

function main(): void {
	const { values, positionals } = parseCommandLine(
		'generate',
		HELP,
		{
			kernel: { type: 'string', default: 'live' },
			context: { type: 'string' },
			section: { type: 'string' },
			output: { type: 'string' },
			'pair-exit': { type: 'boolean', default: false },
			fields: { type: 'string', multiple: true, default: [] },
			'no-pid-filter': { type: 'boolean', default: false },
			'no-comm-filter': { type: 'boolean', default: false },
			'no-decode': { type: 'boolean', default: false },
			name: { type: 'string' },
			lang: { type: 'string' },
			out: { type: 'string' },
			force: { type: 'boolean', default: false },
			data: { type: 'string' },
			'list-kernels': { type: 'boolean', default: false },
			'sync-companion': { type: 'boolean', default: false },
		},
		{ positionals: true },
	);
	const dataDir = dataFolder(values.data, join(REPO, 'data'));
	if (values['list-kernels']) {
		for (const id of listKernelIds(dataDir)) {
			try {
				const p = readProvenance(dataDir, id);
				console.log(`${id}\t${p.release}\t${p.arch}\tcaptured ${p.capturedOn}`);
			} catch (error) {
				if (!(error instanceof DataError)) throw error;
				console.log(`${id}\tunreadable: ${error.message}`);
			}
		}
		return;
	}
	if (values['sync-companion']) {
		const target = join(REPO, 'src/lib/generate/companion.ts');
		writeFileSync(target, companionModule(readCompanionFiles(join(REPO, 'companion'))));
		console.log(`wrote ${target}`);
		return;
	}
	if (positionals.length !== 1) throw new UsageError(`give one list of events, e.g. syscalls:sys_enter_openat (got ${positionals.length}); see --help`);

	const options: Partial<GeneratorOptions> = {
		pairExit: values['pair-exit'],
		filterPid: !values['no-pid-filter'],
		filterComm: !values['no-comm-filter'],
		decode: !values['no-decode'],
		fields: parseFields(values.fields),
	};
	const context = choice('context', values.context, ['vmlinux', 'portable'] as const);
	const section = choice('section', values.section, ['tp', 'tracepoint'] as const);
	const output = choice('output', values.output, ['ringbuf', 'perfbuf', 'printk'] as const);
	const language = choice('lang', values.lang, ['zh', 'en'] as const);
	if (context) options.context = context;
	if (section) options.section = section;
	if (output) options.output = output;
	if (language) options.language = language;
	if (values.name) options.programName = checkProgramName(values.name);

	// A bad --out is refused before the kernels are read.
	const chosenOut = values.out === undefined ? undefined : callerPath(values.out);
	if (chosenOut) checkOutputDir(chosenOut, values.force);
	const snapshot = loadKernel(dataDir, values.kernel);
	const events = findEvents(snapshot, positionals[0] as string);
	const byKey = new Map(snapshot.events.map((e) => [`${e.category}:${e.name}`, e]));
	const project = generateProject(
		{ kernel: snapshot.provenance, events, lookup: (c, n) => byKey.get(`${c}:${n}`), capturedOn: capturedOnFrom(capturedSnapshots(dataDir, snapshot)) },
		options,
	);

	const out = chosenOut ?? callerPath(project.programName);
	if (!chosenOut) checkOutputDir(out, values.force);
	try {
		makeDirectory(out);
		for (const f of project.files) replaceFile(join(out, f.path), f.content, f.executable ? 0o755 : 0o644);
	} catch (error) {
		throw new UsageError(`cannot write the project to --out ${out}: ${describeError(error)}; choose another folder`);
	}
	console.log(`wrote ${project.files.length} files to ${out}: ${project.files.map((f) => f.path).join(', ')}`);
	for (const note of project.notes) console.log(`note: ${note}`);
	console.log(`next: cd ${out} && make && sudo ./${project.programName}`);
}

await runCli('generate', main, [GenerateError]);
