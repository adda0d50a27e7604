/**
 * The packed form of snapshots in data/, and the only code that reads or writes it.
 *
 *   data/kernels/<id>.json      provenance + one line per event (id, origin, references into the pools)
 *   data/formats/<category>.json  format texts by content hash, with the per-kernel `ID:` line taken out
 *   data/structs.json           context structs by content hash
 *
 * Most format files and structs are identical across kernels, so each is stored once however many
 * kernels share it. Every file is written sorted, one entry per line, so a re-capture diffs cleanly.
 *
 * Writes go through writeDataFiles, which changes any set of data/ files as one change (staged,
 * swapped in, undone on failure or after a kill): writeSnapshot for a kernel (a capture, an archive
 * import), data/verify.ts for verification results.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative as relativePath, resolve } from 'node:path';
import { z } from 'zod';
import { FormatParseError, parseFormat } from '../lib/format/parse.ts';
import {
	CategoryNameSchema,
	ContextStructSchema,
	describeIssues,
	EventNameSchema,
	ModuleNameSchema,
	ProvenanceSchema,
	SnapshotSchema,
	type ContextStruct,
	type Event,
	type Provenance,
	type Snapshot,
} from '../schemas/snapshot.ts';
import { fsProblem, isRunning, makeDirectory } from './system.ts';

const HashSchema = z.string().regex(/^[0-9a-f]{16}$/);

const StoredEventSchema = z.strictObject({
	/** Names a file in data/formats/: constrained before any path is made of it. */
	category: CategoryNameSchema,
	name: EventNameSchema,
	id: z.number().int().nonnegative(),
	/** `null` for built-in events, otherwise the module's name. */
	module: ModuleNameSchema.nullable(),
	/** Key into data/formats/<category>.json. */
	format: HashSchema,
	/** Key into data/structs.json with how it matched, or why none did. */
	context: z.union([
		z.strictObject({ match: z.enum(['event', 'class', 'syscall']), struct: HashSchema }),
		z.strictObject({ match: z.literal('none'), note: z.string() }),
	]),
});
const StoredKernelSchema = z.strictObject({ provenance: ProvenanceSchema, events: z.array(StoredEventSchema) });
const FormatPoolSchema = z.record(HashSchema, z.string());
const StructPoolSchema = z.record(HashSchema, ContextStructSchema);
const UncheckedStructPoolSchema = z.record(HashSchema, z.unknown());

/** A data/ file that is missing or does not match its schema: names the file and what to do. */
export class DataError extends Error {
	constructor(file: string, problem: string) {
		super(`${file}: ${problem}`);
		this.name = 'DataError';
	}
}

const ID_LINE = /^ID: (\d+)$/m;

/** A schema failure in one line: the first problem, where it is (the event, when it is one), and how many more there are. */
export function oneLine(error: z.ZodError, raw?: unknown): string {
	const [first, ...rest] = describeIssues(error, raw).split('\n');
	return `${first ?? 'invalid'}${rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : ''}`;
}

function contentHash(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function readJson<T>(file: string, schema: z.ZodType<T>): T {
	if (!existsSync(file)) throw new DataError(file, 'missing; run `npm run capture` to create it, or restore it with git');
	let raw: unknown;
	try {
		raw = JSON.parse(readFileSync(file, 'utf8'));
	} catch (error) {
		throw new DataError(file, `not valid JSON (${(error as Error).message}); restore it with \`git checkout -- ${file}\``);
	}
	const result = schema.safeParse(raw);
	if (!result.success) throw new DataError(file, `does not match its schema: ${oneLine(result.error, raw)}; restore it with \`git checkout -- ${file}\` or capture that kernel again`);
	return result.data;
}

/** JSON with one top-level entry (or array element) per line: compact, yet diffs line by line. */
function stringifyByLine(value: Record<string, unknown> | unknown[]): string {
	if (Array.isArray(value)) return `[\n${value.map((v) => JSON.stringify(v)).join(',\n')}\n]\n`;
	const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
	return `{\n${entries.join(',\n')}\n}\n`;
}

const paths = (dataDir: string) => ({
	kernels: join(dataDir, 'kernels'),
	kernel: (id: string) => join(dataDir, 'kernels', `${id}.json`),
	formats: join(dataDir, 'formats'),
	formatPool: (category: string) => join(dataDir, 'formats', `${category}.json`),
	structPool: join(dataDir, 'structs.json'),
});

/** Ids of the kernels stored in data/, sorted. */
export function listKernelIds(dataDir: string): string[] {
	const dir = paths(dataDir).kernels;
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.map((f) => f.slice(0, -'.json'.length))
		.sort();
}

/**
 * A stored kernel file, checked to be the kernel its name says: the id, and the architecture it ends
 * in, are what pages and the generator pick it by.
 */
function readKernelFile(kernelFile: string, id: string): z.output<typeof StoredKernelSchema> {
	const stored = readJson(kernelFile, StoredKernelSchema);
	if (stored.provenance.id !== id) {
		throw new DataError(kernelFile, `holds kernel "${stored.provenance.id}", not "${id}": a kernel file is named by its id; rename it to ${stored.provenance.id}.json or restore it with git`);
	}
	return stored;
}

/** The provenance of one stored kernel, without unpacking its events. */
export function readProvenance(dataDir: string, id: string): Provenance {
	return readKernelFile(paths(dataDir).kernel(id), id).provenance;
}

/** Reads, unpacks and validates one kernel's snapshot. */
export function readSnapshot(dataDir: string, id: string): Snapshot {
	const p = paths(dataDir);
	const kernelFile = p.kernel(id);
	if (!existsSync(kernelFile)) {
		const known = listKernelIds(dataDir);
		throw new DataError(kernelFile, `no snapshot for kernel "${id}"; captured kernels: ${known.join(', ') || 'none'}`);
	}
	const stored = readKernelFile(kernelFile, id);
	// Each struct is checked where an event uses it, so an error names the kernel and the event too.
	const structs = readJson(p.structPool, UncheckedStructPoolSchema);
	const formatPools = new Map<string, Record<string, string>>();
	const events: Event[] = stored.events.map((e) => {
		let pool = formatPools.get(e.category);
		if (!pool) {
			pool = readJson(p.formatPool(e.category), FormatPoolSchema);
			formatPools.set(e.category, pool);
		}
		const where = `${kernelFile} (${e.category}:${e.name})`;
		const template = pool[e.format];
		if (template === undefined) throw new DataError(where, `format ${e.format} is not in ${p.formatPool(e.category)}`);
		const formatText = template.replace(ID_LINE, `ID: ${e.id}`);
		let context: Event['context'];
		if (e.context.match === 'none') {
			context = e.context;
		} else {
			const struct = structs[e.context.struct];
			if (!struct) throw new DataError(where, `struct ${e.context.struct} is not in ${p.structPool}`);
			const checked = ContextStructSchema.safeParse(struct);
			if (!checked.success) throw new DataError(where, `struct ${e.context.struct} in ${p.structPool} does not match its schema: ${oneLine(checked.error, struct)}`);
			context = { match: e.context.match, struct: checked.data };
		}
		return {
			category: e.category,
			name: e.name,
			origin: e.module === null ? { kind: 'builtin' } : { kind: 'module', module: e.module },
			formatText,
			format: parseStoredFormat(formatText, where, `${e.category}/${e.name}/format of kernel ${id}`),
			context,
		};
	});
	const snapshot = { provenance: stored.provenance, events };
	const result = SnapshotSchema.safeParse(snapshot);
	if (!result.success) throw new DataError(kernelFile, `unpacks to an invalid snapshot of kernel ${id}: ${oneLine(result.error, snapshot)}; restore data/ with git or capture that kernel again`);
	return result.data;
}

/** A stored format text parsed; one that does not parse is a DataError naming the kernel file and the event. */
function parseStoredFormat(text: string, where: string, name: string): Event['format'] {
	try {
		return parseFormat(text, name);
	} catch (error) {
		if (error instanceof FormatParseError) throw new DataError(where, `${error.message}; restore data/ with git or capture the kernel again`);
		throw error;
	}
}

/**
 * Validates a snapshot and writes it into data/ as one change: its kernel file, the pool entries it
 * adds and the removal of pool entries no kernel refers to any more are all in place, or — when
 * anything fails, including a kill at any moment — none is (see writeDataFiles). The pools are
 * swapped in before the kernel file, so a new kernel file never points at an entry not there yet.
 */
export function writeSnapshot(dataDir: string, snapshot: Snapshot): void {
	const checked = SnapshotSchema.safeParse(snapshot);
	if (!checked.success) throw new DataError(`snapshot ${snapshot.provenance?.id ?? '(no id)'}`, `is not valid: ${oneLine(checked.error, snapshot)}`);
	const { kernel, formats, structs } = pack(checked.data);
	const id = checked.data.provenance.id;
	writeDataFiles(dataDir, () => {
		const p = paths(dataDir);
		const stored = listKernelIds(dataDir).filter((other) => other !== id).map((other) => readJson(p.kernel(other), StoredKernelSchema));
		const used = referencedEntries([...stored, kernel]);
		const changes: Change[] = [];
		const deletions: Change[] = [];
		const categories = new Set([...formats.keys(), ...(existsSync(p.formats) ? readdirSync(p.formats).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)) : [])]);
		for (const category of [...categories].sort()) {
			const file = p.formatPool(category);
			const next = keepOnly({ ...readPool(file, FormatPoolSchema), ...formats.get(category) }, used.formats.get(category));
			if (Object.keys(next).length > 0) changes.push({ file, text: stringifyByLine(next) });
			else if (existsSync(file)) deletions.push({ file, text: null });
		}
		changes.push({ file: p.structPool, text: stringifyByLine(keepOnly({ ...readPool(p.structPool, StructPoolSchema), ...structs }, used.structs)) });
		changes.push({ file: p.kernel(id), text: `{"provenance": ${JSON.stringify(kernel.provenance)},\n"events": ${stringifyByLine(kernel.events)}}\n` });
		// Pools grow before the kernel file lands; files no kernel needs go last.
		return [...changes.filter((c) => !sameText(c.file, c.text)), ...deletions];
	});
}

type StoredKernel = z.infer<typeof StoredKernelSchema>;

/** A snapshot in its stored form: the kernel file's content and the pool entries it refers to. */
function pack(snapshot: Snapshot): { kernel: StoredKernel; formats: Map<string, Record<string, string>>; structs: Record<string, ContextStruct> } {
	const formats = new Map<string, Record<string, string>>();
	const structs: Record<string, ContextStruct> = {};
	const events = snapshot.events.map((e) => {
		if (!ID_LINE.test(e.formatText)) throw new DataError(`${e.category}:${e.name}`, 'format text has no "ID: <n>" line');
		const template = e.formatText.replace(ID_LINE, 'ID: 0');
		const formatHash = contentHash(template);
		const pool = formats.get(e.category) ?? {};
		pool[formatHash] = template;
		formats.set(e.category, pool);
		let context: StoredKernel['events'][number]['context'];
		if (e.context.match === 'none') {
			context = e.context;
		} else {
			const structHash = contentHash(JSON.stringify(e.context.struct));
			structs[structHash] = e.context.struct;
			context = { match: e.context.match, struct: structHash };
		}
		return { category: e.category, name: e.name, id: e.format.id, module: e.origin.kind === 'module' ? e.origin.module : null, format: formatHash, context };
	});
	return { kernel: { provenance: snapshot.provenance, events }, formats, structs };
}

/** The pool entries the given kernels refer to: format hashes per category, struct hashes. */
function referencedEntries(kernels: StoredKernel[]): { formats: Map<string, Set<string>>; structs: Set<string> } {
	const formats = new Map<string, Set<string>>();
	const structs = new Set<string>();
	for (const e of kernels.flatMap((k) => k.events)) {
		formats.set(e.category, (formats.get(e.category) ?? new Set()).add(e.format));
		if (e.context.match !== 'none') structs.add(e.context.struct);
	}
	return { formats, structs };
}

const readPool = <T>(file: string, schema: z.ZodType<Record<string, T>>): Record<string, T> => (existsSync(file) ? readJson(file, schema) : {});

/** The entries of `pool` whose keys are in `used`, sorted by key. */
function keepOnly<T>(pool: Record<string, T>, used: Set<string> | undefined): Record<string, T> {
	return Object.fromEntries(
		Object.entries(pool)
			.filter(([hash]) => used?.has(hash))
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
	);
}

const sameText = (file: string, text: string | null) => text !== null && existsSync(file) && readFileSync(file, 'utf8') === text;

// ---------------------------------------------------------------------------------------------
// Writing data/ as one change.
//
//   data/.staging/            exists only while a process writes data/ (or after it was killed)
//     owner                   the writer's pid: the folder is also the lock (one writer at a time)
//     new/<path>              every changed file, complete, before anything in data/ changes
//     old/<path>              hard links to the files being replaced (so nothing is copied)
//     journal                 written once everything is staged; while it exists, a crash is undone
//
// The swap renames each staged file over its target (atomic per file) and removes deleted ones. A
// failure rolls back from old/; a writer killed mid-swap is rolled back by the next write (or by
// recoverInterruptedWrite). Staged files live in data/, on the same file system as their targets.
// ---------------------------------------------------------------------------------------------

/** A file of data/ and its complete new text, or null to remove it. */
export interface Change {
	file: string;
	text: string | null;
}

interface JournalEntry {
	/** Path relative to the data folder. */
	path: string;
	/** Whether the file existed before the swap, so undoing restores it or removes it. */
	existed: boolean;
}

const STAGING = '.staging';

/**
 * Changes files of data/ as one change: takes data/.staging, runs `plan` (which reads data/ and
 * returns the complete new text of each file to change, or null to remove it) and commits it.
 */
export function writeDataFiles(dataFolder: string, plan: () => Change[]): void {
	const dataDir = resolve(dataFolder);
	guard(dataDir, () => makeDirectory(dataDir));
	const staging = takeStaging(dataDir);
	let release = true;
	try {
		commitChanges(dataDir, staging, plan());
	} catch (error) {
		if (error instanceof PartialWriteError) release = false;
		throw error;
	} finally {
		if (release) rmSync(staging, { recursive: true, force: true });
	}
}

/** Thrown when a failed write could not be undone: data/ is not as it was (the next write retries the undo). */
export class PartialWriteError extends DataError {}

function commitChanges(dataDir: string, staging: string, changes: Change[]): void {
	const relative = (file: string) => {
		const path = relativePath(dataDir, file);
		if (path.startsWith('..') || isAbsolute(path)) throw new Error(`${file} is not inside the data folder ${dataDir}`);
		return path;
	};
	const within = (area: 'new' | 'old', file: string) => join(staging, area, relative(file));
	guard(dataDir, () => {
		for (const { file, text } of changes) {
			if (text === null) continue;
			mkdirSync(dirname(within('new', file)), { recursive: true });
			writeFileSync(within('new', file), text);
		}
	});
	for (const dir of new Set(changes.map((c) => dirname(c.file)))) {
		guard(dir, () => {
			mkdirSync(dir, { recursive: true });
			accessSync(dir, constants.W_OK);
		});
	}
	const journal: JournalEntry[] = changes.map((c) => ({ path: relative(c.file), existed: existsSync(c.file) }));
	guard(dataDir, () => {
		for (const entry of journal.filter((e) => e.existed)) {
			const backup = join(staging, 'old', entry.path);
			mkdirSync(dirname(backup), { recursive: true });
			linkSync(join(dataDir, entry.path), backup);
		}
		writeFileSync(join(staging, 'journal'), JSON.stringify(journal));
	});
	for (const { file, text } of changes) {
		try {
			if (text === null) rmSync(file);
			else renameSync(within('new', file), file);
		} catch (error) {
			undoSwap(dataDir, staging);
			throw describedFsError(file, error);
		}
	}
	rmSync(join(staging, 'journal'));
}

/** Runs `step`, turning a file-system error into a DataError that names the file and the problem. */
function guard(where: string, step: () => void): void {
	try {
		step();
	} catch (error) {
		throw describedFsError(where, error);
	}
}

function describedFsError(where: string, error: unknown): Error {
	const fs = fsProblem(error);
	if (!fs) return error as Error;
	return new DataError(fs.path ?? where, `cannot write it (${fs.problem}); make it writable or choose another --data folder`);
}

/** Puts back every file the journal's swap touched; afterwards data/ is as before the write began. */
function undoSwap(dataDir: string, staging: string): void {
	let journal: JournalEntry[];
	try {
		journal = JSON.parse(readFileSync(join(staging, 'journal'), 'utf8')) as JournalEntry[];
	} catch {
		return; // no journal, or half written: the swap never began
	}
	try {
		for (const entry of journal) {
			const target = join(dataDir, entry.path);
			const backup = join(staging, 'old', entry.path);
			if (entry.existed && existsSync(backup)) renameSync(backup, target);
			else if (!entry.existed) rmSync(target, { force: true });
		}
		rmSync(join(staging, 'journal'));
	} catch (error) {
		const fs = fsProblem(error);
		throw new PartialWriteError(dataDir, `a failed write could not be undone (${fs ? `${fs.path}: ${fs.problem}` : (error as Error).message}); the originals are in ${join(staging, 'old')} and the next capture into ${dataDir} puts them back`);
	}
}

/**
 * Takes the data folder's staging folder, the lock for writing. Made complete under a private name
 * and renamed into place, so it always names its owner; one left by a killed writer is undone first.
 */
function takeStaging(dataDir: string): string {
	const staging = join(dataDir, STAGING);
	const mine = `${staging}-${process.pid}`;
	for (let attempt = 0; ; attempt++) {
		recoverInterruptedWrite(dataDir);
		guard(dataDir, () => {
			rmSync(mine, { recursive: true, force: true });
			mkdirSync(mine);
			writeFileSync(join(mine, 'owner'), `${process.pid}\n`);
		});
		try {
			renameSync(mine, staging);
			return staging;
		} catch (error) {
			rmSync(mine, { recursive: true, force: true });
			const code = (error as NodeJS.ErrnoException).code;
			if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt > 0) throw describedFsError(dataDir, error);
		}
		const owner = ownerOf(staging);
		if (owner !== null && isRunning(owner)) throw new DataError(dataDir, `process ${owner} is writing it (see ${staging}); wait until it ends, then run this again`);
	}
}

function ownerOf(staging: string): number | null {
	try {
		return Number.parseInt(readFileSync(join(staging, 'owner'), 'utf8'), 10) || null;
	} catch {
		return null;
	}
}

/**
 * Cleans up after a writer that was killed: undoes its half-done swap, if any, and removes its
 * staging folders. Does nothing while that writer still runs. Writes call it first; so can any
 * command that will write data/ later, to tidy up early.
 */
export function recoverInterruptedWrite(dataDir: string): void {
	if (!existsSync(dataDir)) return;
	for (const name of readdirSync(dataDir)) {
		const leftover = /^\.staging(?:-(\d+))?$/.exec(name);
		if (!leftover) continue;
		const dir = join(dataDir, name);
		const owner = leftover[1] ? Number(leftover[1]) : ownerOf(dir);
		if (owner === process.pid || (owner !== null && isRunning(owner))) continue;
		if (name === STAGING) undoSwap(dataDir, dir);
		rmSync(dir, { recursive: true, force: true });
	}
}
