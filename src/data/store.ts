/**
 * The packed form of snapshots in data/, and the only code that reads or writes it.
 *
 *   data/kernels/<id>.json      provenance + one line per event (id, origin, references into the pools)
 *   data/formats/<category>.json  format texts by content hash, with the per-kernel `ID:` line taken out
 *   data/structs.json           context structs by content hash
 *
 * Most format files and structs are identical across kernels, so each is stored once however many
 * kernels share it. Every file is written sorted, one entry per line, so a re-capture diffs cleanly.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
	if (!result.success) throw new DataError(file, `does not match its schema:\n${describeIssues(result.error, raw)}`);
	return result.data;
}

/** JSON with one top-level entry (or array element) per line: compact, yet diffs line by line. */
function stringifyByLine(value: Record<string, unknown> | unknown[]): string {
	if (Array.isArray(value)) return `[\n${value.map((v) => JSON.stringify(v)).join(',\n')}\n]\n`;
	const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
	return `{\n${entries.join(',\n')}\n}\n`;
}

function writeAtomically(file: string, text: string): void {
	const tmp = `${file}.tmp-${process.pid}`;
	writeFileSync(tmp, text);
	renameSync(tmp, file);
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

/** The provenance of one stored kernel, without unpacking its events. */
export function readProvenance(dataDir: string, id: string): Provenance {
	return readJson(paths(dataDir).kernel(id), StoredKernelSchema).provenance;
}

/** Reads, unpacks and validates one kernel's snapshot. */
export function readSnapshot(dataDir: string, id: string): Snapshot {
	const p = paths(dataDir);
	const kernelFile = p.kernel(id);
	if (!existsSync(kernelFile)) {
		const known = listKernelIds(dataDir);
		throw new DataError(kernelFile, `no snapshot for kernel "${id}"; captured kernels: ${known.join(', ') || 'none'}`);
	}
	const stored = readJson(kernelFile, StoredKernelSchema);
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
			if (!checked.success) throw new DataError(where, `struct ${e.context.struct} in ${p.structPool} does not match its schema:\n${describeIssues(checked.error, struct)}`);
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
	if (!result.success) throw new DataError(kernelFile, `unpacks to an invalid snapshot of kernel ${id}:\n${describeIssues(result.error, snapshot)}`);
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
 * Validates a snapshot and writes it into data/, replacing any earlier snapshot with the same id,
 * then drops pool entries no kernel refers to any more. Nothing is written if validation fails.
 */
export function writeSnapshot(dataDir: string, snapshot: Snapshot): void {
	const valid = SnapshotSchema.parse(snapshot);
	const p = paths(dataDir);
	mkdirSync(p.kernels, { recursive: true });
	mkdirSync(p.formats, { recursive: true });

	const newFormats = new Map<string, Record<string, string>>();
	const newStructs: Record<string, ContextStruct> = {};
	const events = valid.events.map((e) => {
		if (!ID_LINE.test(e.formatText)) throw new DataError(`${e.category}:${e.name}`, 'format text has no "ID: <n>" line');
		const template = e.formatText.replace(ID_LINE, 'ID: 0');
		const formatHash = contentHash(template);
		const pool = newFormats.get(e.category) ?? {};
		pool[formatHash] = template;
		newFormats.set(e.category, pool);
		let context;
		if (e.context.match === 'none') {
			context = e.context;
		} else {
			const structHash = contentHash(JSON.stringify(e.context.struct));
			newStructs[structHash] = e.context.struct;
			context = { match: e.context.match, struct: structHash };
		}
		return {
			category: e.category,
			name: e.name,
			id: e.format.id,
			module: e.origin.kind === 'module' ? e.origin.module : null,
			format: formatHash,
			context,
		};
	});

	// Pools first, so a kernel file never points at an entry that is not there yet.
	for (const [category, entries] of newFormats) {
		const file = p.formatPool(category);
		const existing = existsSync(file) ? readJson(file, FormatPoolSchema) : {};
		writeAtomically(file, stringifyByLine(sortKeys({ ...existing, ...entries })));
	}
	const existingStructs = existsSync(p.structPool) ? readJson(p.structPool, StructPoolSchema) : {};
	writeAtomically(p.structPool, stringifyByLine(sortKeys({ ...existingStructs, ...newStructs })));
	const kernelText = `{"provenance": ${JSON.stringify(valid.provenance)},\n"events": ${stringifyByLine(events)}}\n`;
	writeAtomically(p.kernel(valid.provenance.id), kernelText);
	pruneUnreferenced(dataDir);
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
	return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Removes pool entries (and empty pool files) that no stored kernel refers to. */
function pruneUnreferenced(dataDir: string): void {
	const p = paths(dataDir);
	const usedFormats = new Map<string, Set<string>>();
	const usedStructs = new Set<string>();
	for (const id of listKernelIds(dataDir)) {
		for (const e of readJson(p.kernel(id), StoredKernelSchema).events) {
			const set = usedFormats.get(e.category) ?? new Set<string>();
			set.add(e.format);
			usedFormats.set(e.category, set);
			if (e.context.match !== 'none') usedStructs.add(e.context.struct);
		}
	}
	for (const file of readdirSync(p.formats)) {
		const category = file.replace(/\.json$/, '');
		const used = usedFormats.get(category);
		const full = join(p.formats, file);
		if (!used) {
			rmSync(full);
			continue;
		}
		const pool = readJson(full, FormatPoolSchema);
		const kept = Object.fromEntries(Object.entries(pool).filter(([h]) => used.has(h)));
		if (Object.keys(kept).length !== Object.keys(pool).length) writeAtomically(full, stringifyByLine(kept));
	}
	const structs = readJson(p.structPool, StructPoolSchema);
	const kept = Object.fromEntries(Object.entries(structs).filter(([h]) => usedStructs.has(h)));
	if (Object.keys(kept).length !== Object.keys(structs).length) writeAtomically(p.structPool, stringifyByLine(kept));
}
