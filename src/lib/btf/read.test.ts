import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ContextStructSchema } from '../../schemas/snapshot.ts';
import { bpftoolContextStructs } from '../../../tests/capture/bpftool.ts';
import { contextStructs, memberDeclaration, structMembers } from './context-structs.ts';
import { BtfError, BtfKind, parseBtf, type Btf } from './read.ts';

// base.btf: clang's BTF of real vmlinux declarations; module.btf: pahole's split BTF of an xfs struct on top of it.
// fixtures/make-fixtures.sh rebuilds both from the .c files beside them.
const fixturePath = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const base = parseBtf(readFileSync(fixturePath('base.btf')), 'base.btf');
const module = parseBtf(readFileSync(fixturePath('module.btf')), 'module.btf', base);

function structNamed(btf: Btf, name: string) {
	const [t] = btf.find(BtfKind.STRUCT, (x) => x === name);
	if (!t) throw new Error(`no struct ${name} in the fixture`);
	return t;
}

describe('parseBtf', () => {
	it('reads every trace_event_raw_* struct of a base BTF', () => {
		const structs = contextStructs(base, 'vmlinux');
		expect(structs.map((s) => s.name)).toEqual([
			'trace_event_raw_block_rq',
			'trace_event_raw_initcall_start',
			'trace_event_raw_sched_process_exec',
			'trace_event_raw_sched_switch',
			'trace_event_raw_suspend_resume',
			'trace_event_raw_sys_enter',
			'trace_event_raw_sys_exit',
			'trace_event_raw_workqueue_execute_start',
		]);
		for (const s of structs) ContextStructSchema.parse(s);
		const sysEnter = structs.find((s) => s.name === 'trace_event_raw_sys_enter');
		expect(sysEnter).toEqual({
			name: 'trace_event_raw_sys_enter',
			size: 64,
			btf: 'vmlinux',
			members: [
				{ name: 'ent', type: 'struct trace_entry', arrayLength: null, offset: 0, size: 8, bitfieldSize: null },
				{ name: 'id', type: 'long', arrayLength: null, offset: 8, size: 8, bitfieldSize: null },
				{ name: 'args', type: 'unsigned long', arrayLength: 6, offset: 16, size: 48, bitfieldSize: null },
				{ name: '__data', type: 'char', arrayLength: 0, offset: 64, size: 0, bitfieldSize: null },
			],
		});
	});

	it('renders typedefs, pointers, const and function pointers as C', () => {
		const decls = (name: string) => contextStructs(base, 'vmlinux').find((s) => s.name === name)?.members.map(memberDeclaration);
		expect(decls('trace_event_raw_suspend_resume')).toEqual(['struct trace_entry ent', 'const char *action', 'int val', 'bool start', 'char __data[0]']);
		expect(decls('trace_event_raw_initcall_start')).toContain('initcall_t func');
		expect(decls('trace_event_raw_block_rq')).toEqual(expect.arrayContaining(['dev_t dev', 'char rwbs[10]', 'u32 __data_loc_cmd']));
		expect(structMembers(base, structNamed(base, 'tracepoint_ext')).map(memberDeclaration)).toEqual([
			'int (*regfunc)(void)',
			'void (*unregfunc)(void)',
			'unsigned int faultable: 1',
		]);
	});

	it("spaces pointers, const pointers and function pointers as bpftool's C dump does", () => {
		// Expected lines are bpftool's dump of the 6.18 vmlinux (fixtures/base.c copies them).
		const decls = (name: string) => structMembers(base, structNamed(base, name)).map(memberDeclaration);
		expect(decls('kset_uevent_ops')).toEqual([
			'int (* const filter)(const struct kobject *)',
			'const char * (* const name)(const struct kobject *)',
			'int (* const uevent)(const struct kobject *, struct kobj_uevent_env *)',
		]);
		expect(decls('filename')).toEqual(['const char *name', 'const char *uptr', 'atomic_t refcnt', 'struct audit_names *aname', 'const char iname[0]']);
		expect(decls('seq_operations')).toEqual([
			'void * (*start)(struct seq_file *, loff_t *)',
			'void (*stop)(struct seq_file *, void *)',
			'void * (*next)(struct seq_file *, void *, loff_t *)',
			'int (*show)(struct seq_file *, void *)',
		]);
		expect(structMembers(base, structNamed(base, 'filename')).at(-1)).toMatchObject({ type: 'const char', arrayLength: 0 });
	});

	it('reads bitfields with their bit offsets and widths (struct bpf_insn)', () => {
		expect(structMembers(base, structNamed(base, 'bpf_insn')).map((m) => [m.name, m.offset, m.size, m.bitfieldSize])).toEqual([
			['code', 0, 1, null],
			['dst_reg', 1, 1, 4],
			['src_reg', 1, 1, 4],
			['off', 2, 2, null],
			['imm', 4, 4, null],
		]);
		const raw = structNamed(base, 'bpf_insn').members?.map((m) => m.bitOffset);
		expect(raw).toEqual([0, 8, 12, 16, 32]);
	});

	it('reads a split BTF on top of its base: ids and strings go on from the base', () => {
		expect(module.firstId).toBe(base.firstId + base.count);
		const structs = contextStructs(module, 'xfs');
		expect(structs.map((s) => s.name)).toEqual(['trace_event_raw_xfs_group_class']);
		expect(structs[0]?.members.map(memberDeclaration)).toEqual([
			'struct trace_entry ent',
			'dev_t dev',
			'enum xfs_group_type type',
			'xfs_agnumber_t agno',
			'int refcount',
			'int active_refcount',
			'unsigned long caller_ip',
			'char __data[0]',
		]);
		expect(structs[0]).toMatchObject({ size: 40, btf: 'xfs' });
		// The base's structs are not the module's.
		expect(contextStructs(module, 'xfs').some((s) => s.name === 'trace_event_raw_sys_enter')).toBe(false);
	});

	it('agrees with bpftool on every member of every fixture struct', () => {
		const cases: [Btf, string, string | null][] = [
			[base, fixturePath('base.btf'), null],
			[module, fixturePath('module.btf'), fixturePath('base.btf')],
		];
		for (const [btf, path, basePath] of cases) {
			const theirs = bpftoolContextStructs(path, basePath);
			const ours = contextStructs(btf, 'x');
			expect(ours.map((s) => s.name)).toEqual([...theirs.keys()].sort());
			for (const s of ours) {
				const t = theirs.get(s.name);
				expect(s.size, s.name).toBe(t?.size);
				expect(s.members.map(memberDeclaration), s.name).toEqual(t?.declarations);
				expect(s.members.map((m) => [m.name, m.offset, m.bitfieldSize ?? 0]), s.name).toEqual(
					t?.members.map((m) => [m.name, Math.floor(m.bitOffset / 8), m.bitfieldSize]),
				);
			}
		}
	});

	it('rejects bytes that are not BTF, and truncated BTF, naming the input', () => {
		expect(() => parseBtf(new TextEncoder().encode('not btf at all, just some text'), 'notes.txt')).toThrow(/notes\.txt: no BTF magic/);
		const bytes = readFileSync(fixturePath('base.btf'));
		expect(() => parseBtf(bytes.subarray(0, 200), 'base.btf (cut)')).toThrow(BtfError);
		expect(() => parseBtf(bytes.subarray(0, 10), 'tiny')).toThrow(/tiny: only 10 bytes/);
	});
});
