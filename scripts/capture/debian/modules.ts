/**
 * A kernel package's loadable modules: which define trace events, what each needs loaded first,
 * and the order to load them in.
 *
 * A module defines trace events when its ELF has an `_ftrace_events` section (the table of
 * `trace_event_call` pointers that the kernel registers when the module loads). Dependencies come
 * from the module's own `.modinfo` (`depends=`, written by modpost from the symbols it imports, the
 * same facts depmod uses) plus its `softdep=pre:` list, the modules modprobe would load first.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { readModinfo, readSections } from './elf.ts';

const run = promisify(execFile);

export interface KernelModule {
	/** The name the kernel knows it by (`/proc/modules`, `/sys/kernel/btf/<name>`), e.g. `kyber_iosched`. */
	name: string;
	/** Path relative to the kernel's modules directory, as the package ships it, e.g. `kernel/block/kyber-iosched.ko.xz`. */
	file: string;
	/** Whether it defines trace events (has an `_ftrace_events` section). */
	definesEvents: boolean;
	/** Modules whose symbols it uses: must be loaded before it. */
	depends: string[];
	/** Modules modprobe loads before it (`softdep=pre:`): module names or aliases such as `crc32c`. */
	softdepsPre: string[];
	/** Its `alias=` names, e.g. `crypto-crc32c`, `fs-btrfs`, `pci:v00008086d…` patterns. */
	aliases: string[];
}

const MODULE_FILE = /\.ko(\.xz|\.zst|\.gz)?$/;

/** The module file's name without its compression suffix: `kernel/block/kyber-iosched.ko`. */
export function uncompressedName(file: string): string {
	return file.replace(MODULE_FILE, '.ko');
}

/** A module file's ELF bytes, decompressing `.ko.xz`, `.ko.zst` and `.ko.gz`. */
export async function readModuleElf(path: string): Promise<Buffer> {
	const compression = MODULE_FILE.exec(path)?.[1];
	const opts = { encoding: 'buffer' as const, maxBuffer: 1 << 30 };
	try {
		if (compression === '.xz') return (await run('xz', ['-dc', path], opts)).stdout;
		if (compression === '.zst') return (await run('zstd', ['-dcq', path], opts)).stdout;
		if (compression === '.gz') return gunzipSync(readFileSync(path));
		return readFileSync(path);
	} catch (error) {
		throw new Error(`cannot read module ${path}: ${(error as Error).message.split('\n')[0]}`);
	}
}

function describeModule(elf: Buffer, file: string): KernelModule {
	const sections = readSections(elf, file);
	const info = readModinfo(elf, sections);
	const field = (key: string) => info.filter(([k]) => k === key).map(([, v]) => v);
	return {
		name: canonicalName(field('name')[0] ?? file.replace(/^.*\//, '').replace(MODULE_FILE, '')),
		file,
		definesEvents: sections.has('_ftrace_events'),
		depends: (field('depends')[0] ?? '').split(',').filter(Boolean).map(canonicalName),
		softdepsPre: field('softdep').flatMap(parseSoftdepPre),
		aliases: field('alias'),
	};
}

/** The kernel treats `-` and `_` in module names alike and shows `_`; `depends=` keeps file names' dashes. */
function canonicalName(name: string): string {
	return name.replaceAll('-', '_');
}

/** Module names after `pre:` in a `softdep=` value such as `pre: crc32c post: foo`. */
export function parseSoftdepPre(softdep: string): string[] {
	const names: string[] = [];
	let inPre = false;
	for (const word of softdep.split(/\s+/).filter(Boolean)) {
		if (word.endsWith(':')) inPre = word === 'pre:';
		else if (inPre) names.push(word);
	}
	return names;
}

function listModuleFiles(dir: string, root = dir): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return listModuleFiles(path, root);
		return MODULE_FILE.test(entry.name) ? [relative(root, path)] : [];
	});
}

/**
 * The ELF bytes of a batch of `.ko.xz` files from two xz processes instead of one per file (a package
 * has thousands): `xz --list` gives each file's uncompressed size, which splits `xz -dc`'s output.
 */
async function readXzBatch(paths: string[]): Promise<Buffer[]> {
	const opts = { encoding: 'buffer' as const, maxBuffer: 1 << 30 };
	const list = (await run('xz', ['--robot', '--list', ...paths], { maxBuffer: 64 << 20 })).stdout;
	const sizes = list
		.split('\n')
		.filter((line) => line.startsWith('file\t'))
		.map((line) => Number(line.split('\t')[4]));
	const all = (await run('xz', ['-dc', ...paths], opts)).stdout;
	if (sizes.length !== paths.length || sizes.reduce((a, b) => a + b, 0) !== all.length) {
		throw new Error(`xz listed ${sizes.length} sizes for ${paths.length} modules (${paths[0]} …) that do not add up to what it decompressed`);
	}
	let at = 0;
	return sizes.map((size) => all.subarray(at, (at += size)));
}

const XZ_BATCH = 64;

/** Every module under a kernel's modules directory (`…/lib/modules/<release>`), by name. */
export async function scanModules(modulesDir: string): Promise<Map<string, KernelModule>> {
	const files = listModuleFiles(modulesDir).sort();
	const batches: string[][] = [];
	const xz = files.filter((f) => f.endsWith('.ko.xz'));
	for (let i = 0; i < xz.length; i += XZ_BATCH) batches.push(xz.slice(i, i + XZ_BATCH));
	batches.push(...files.filter((f) => !f.endsWith('.ko.xz')).map((f) => [f]));
	const modules = new Map<string, KernelModule>();
	let next = 0;
	const worker = async () => {
		while (next < batches.length) {
			const batch = batches[next++]!;
			const paths = batch.map((file) => join(modulesDir, file));
			const elfs = batch[0]!.endsWith('.ko.xz') ? await readXzBatch(paths) : [await readModuleElf(paths[0]!)];
			batch.forEach((file, i) => {
				const module = describeModule(elfs[i]!, file);
				modules.set(module.name, module);
			});
		}
	};
	await Promise.all(Array.from({ length: Math.max(2, availableParallelism()) }, worker));
	return new Map([...modules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The modules to load so that each of `wanted` is loaded, every module after what it needs: a
 * depth-first walk in name order, so the plan is the same on every run. Hard dependencies must
 * exist; a soft dependency is a module name or an alias (as modprobe reads it: every module with
 * that exact alias), skipped when no module matches (it is built in, or absent).
 */
export function loadPlan(modules: Map<string, KernelModule>, wanted: string[]): KernelModule[] {
	const byAlias = new Map<string, string[]>();
	for (const module of modules.values()) {
		for (const alias of module.aliases) byAlias.set(alias, [...(byAlias.get(alias) ?? []), module.name]);
	}
	const plan: KernelModule[] = [];
	const state = new Map<string, 'visiting' | 'done'>();
	const visit = (name: string, neededBy: string | null) => {
		const module = modules.get(name);
		if (!module) throw new Error(`module ${name}${neededBy ? ` (needed by ${neededBy})` : ''} is not in the kernel package`);
		const seen = state.get(name);
		if (seen === 'done') return;
		if (seen === 'visiting') throw new Error(`modules depend on each other in a cycle through ${name}`);
		state.set(name, 'visiting');
		for (const soft of [...module.softdepsPre].sort()) {
			const targets = modules.has(canonicalName(soft)) ? [canonicalName(soft)] : (byAlias.get(soft) ?? []);
			// A soft dependency may point back up the chain (A pre-loads B, which needs A): modprobe skips it too.
			for (const target of targets) if (state.get(target) !== 'visiting') visit(target, name);
		}
		for (const dep of [...module.depends].sort()) visit(dep, name);
		state.set(name, 'done');
		plan.push(module);
	};
	for (const name of [...wanted].sort()) visit(name, null);
	return plan;
}
