import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventFormatSchema } from '../../schemas/snapshot.ts';
import { FormatParseError, parseDeclaration, parseFormat } from './parse.ts';

// Real format files copied from a 6.18 kernel's tracefs.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}.format`, import.meta.url), 'utf8');
const parseFixture = (name: string) => EventFormatSchema.parse(parseFormat(fixture(name), name));
const field = (name: string, fieldName: string) => {
	const f = parseFixture(name).fields.find((x) => x.name === fieldName);
	if (!f) throw new Error(`${name} has no field ${fieldName}`);
	return f;
};

describe('parseFormat on real format files', () => {
	it('splits the common header from the event fields (sys_enter_accept)', () => {
		const f = parseFixture('syscalls.sys_enter_accept');
		expect(f.name).toBe('sys_enter_accept');
		expect(f.commonFields.map((c) => c.name)).toEqual(['common_type', 'common_flags', 'common_preempt_count', 'common_pid']);
		expect(f.fields.map((c) => [c.name, c.offset, c.size])).toEqual([
			['__syscall_nr', 8, 4],
			['fd', 16, 8],
			['upeer_sockaddr', 24, 8],
			['upeer_addrlen', 32, 8],
		]);
		expect(f.fields[2]).toMatchObject({ type: 'struct sockaddr *', signed: false, arrayLength: null, dynamic: null });
		expect(f.printFmt).toMatch(/^"fd: 0x%08lx, upeer_sockaddr/);
	});

	it('reads fixed arrays and signedness (sched_switch)', () => {
		expect(field('sched.sched_switch', 'prev_comm')).toMatchObject({ type: 'char', arrayLength: 16, offset: 8, size: 16 });
		expect(field('sched.sched_switch', 'prev_state')).toMatchObject({ type: 'long', signed: true, offset: 32 });
		expect(field('sched.sched_switch', 'next_pid')).toMatchObject({ type: 'pid_t', offset: 56 });
	});

	it('reads __data_loc strings (block_rq_issue, sched_process_exec)', () => {
		expect(field('block.block_rq_issue', 'cmd')).toMatchObject({ type: 'char', dynamic: 'data_loc', size: 4, arrayLength: null });
		expect(field('block.block_rq_issue', 'rwbs')).toMatchObject({ arrayLength: 10 });
		expect(field('sched.sched_process_exec', 'filename')).toMatchObject({ type: 'char', dynamic: 'data_loc' });
	});

	it('reads user pointers of syscalls (sys_enter_execve)', () => {
		expect(field('syscalls.sys_enter_execve', 'filename')).toMatchObject({ type: 'const char *', offset: 16 });
		expect(field('syscalls.sys_enter_execve', 'argv').type).toBe('const char *const *');
	});

	it('keeps a print fmt that spans several lines (ext4_fc_stats)', () => {
		const f = parseFixture('ext4.ext4_fc_stats');
		expect(f.printFmt.split('\n').length).toBeGreaterThan(1);
		expect(f.printFmt.endsWith('REC->fc_numblks')).toBe(true);
		expect(field('ext4.ext4_fc_stats', 'fc_ineligible_rc')).toMatchObject({ type: 'unsigned int', arrayLength: 10 });
	});

	it('reads flexible arrays and fixed arrays of longs (ftrace:print, raw_syscalls:sys_enter)', () => {
		expect(field('ftrace.print', 'buf')).toMatchObject({ type: 'char', size: 0, arrayLength: null, dynamic: null });
		expect(field('raw_syscalls.sys_enter', 'args')).toMatchObject({ type: 'unsigned long', arrayLength: 6, size: 48 });
	});

	it('reads function addresses (timer_start, workqueue_execute_start)', () => {
		expect(field('timer.timer_start', 'function')).toMatchObject({ type: 'void *', offset: 16 });
		expect(field('workqueue.workqueue_execute_start', 'function').size).toBe(8);
	});
});

describe('parseDeclaration', () => {
	it.each([
		['__rel_loc char[] name', { name: 'name', type: 'char', dynamic: 'rel_loc', arrayLength: null }],
		['__data_loc u8[] buf', { name: 'buf', type: 'u8', dynamic: 'data_loc' }],
		['__data_loc cpumask_t cpumask', { name: 'cpumask', type: 'cpumask_t', dynamic: 'data_loc' }],
		['char comm[TASK_COMM_LEN]', { name: 'comm', type: 'char', arrayLength: null, arrayLengthText: 'TASK_COMM_LEN' }],
		['void (*func)(void *)', { name: 'func', type: 'void (*)(void *)', arrayLength: null }],
		['const char *const * argv', { name: 'argv', type: 'const char *const *' }],
		['unsigned long long  value', { name: 'value', type: 'unsigned long long' }],
	])('%s', (decl, expected) => {
		expect(parseDeclaration(decl)).toMatchObject(expected);
	});

	it('recovers a symbolic array length from the field size', () => {
		const text = fixture('sched.sched_switch').replace('char prev_comm[16]', 'char prev_comm[TASK_COMM_LEN]');
		expect(parseFormat(text, 'x').fields[0]).toMatchObject({ declaration: 'char prev_comm[TASK_COMM_LEN]', arrayLength: 16 });
	});
});

describe('parseFormat errors name the file and line', () => {
	it('rejects a broken field line', () => {
		const text = fixture('syscalls.sys_enter_accept').replace('offset:24;', 'offset:x;');
		expect(() => parseFormat(text, 'syscalls/sys_enter_accept/format')).toThrowErrorMatchingInlineSnapshot(
			`[FormatParseError: syscalls/sys_enter_accept/format:11: expected "field:<declaration>; offset:<n>; size:<n>; signed:<0|1>;" but found "field:struct sockaddr * upeer_sockaddr;	offset:x;	size:8;	signed:0;"]`,
		);
	});
	it('rejects a file without an ID', () => {
		expect(() => parseFormat('name: foo\nformat:\n', 'foo/format')).toThrowError(new FormatParseError('foo/format', 2, 'expected "ID: <number>" but found "format:"'));
	});
	it('rejects a truncated file', () => {
		const text = fixture('sched.sched_switch').split('print fmt:')[0] as string;
		expect(() => parseFormat(text, 'sched_switch')).toThrowError(/sched_switch:\d+: no "print fmt:" line/);
	});
});

describe('parseFormat on hostile input: linear time, bounded size, clean errors', () => {
	const sysEnter = fixture('raw_syscalls.sys_enter');
	it('refuses a 160,000-character declaration by its line length (it took 3.9 s; 320,000 took 116 s)', () => {
		const text = sysEnter.replace('long id;', `long ${'i'.repeat(160_000)};`);
		expect(() => parseFormat(text, 'raw_syscalls/sys_enter/format')).toThrowError(
			/raw_syscalls\/sys_enter\/format:9: the line is 160\d{3} characters long, more than the 1024/,
		);
	});
	it('refuses a field line with 80,000 blanks, and a file over 256 KiB', () => {
		expect(() => parseFormat(sysEnter.replace('offset:8;', `offset:8;${' '.repeat(80_000)}`), 'f')).toThrowError(FormatParseError);
		expect(() => parseFormat(`${sysEnter}${'x'.repeat(300_000)}`, 'big')).toThrowError(/big:1: the file is \d+ characters long/);
	});
	it('reads declarations of any length in one pass (no backtracking)', () => {
		// Linear parsing means these return at all: the old regexes never finished on the longer ones.
		for (const decl of [`${'a'.repeat(320_000)} b`, `int ${'(*'.repeat(100_000)}x)`, `${'('.repeat(200_000)})`, `int x[${'['.repeat(100_000)}`]) {
			try {
				parseDeclaration(decl);
			} catch (error) {
				expect((error as Error).message).toMatch(/^cannot read a type and a name/);
			}
		}
		expect(parseDeclaration(`${'a'.repeat(320_000)} b`).name).toBe('b');
	});
});
