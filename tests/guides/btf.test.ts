/**
 * What the guides present as the output of bpftool and bpftrace is what those tools print on this
 * machine: struct text as in vmlinux.h, btf_trace_* typedefs, `bpftrace -lv` field listings and the
 * byte-wise order of `bpftrace -l`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFormat } from '../../src/lib/format/parse.ts';
import type { Event } from '../../src/schemas/snapshot.ts';
import { BTF_TYPEDEFS } from '../../src/components/guide/btf-typedefs.ts';
import { bpftraceListing, guideEvent, vmlinuxStructText } from '../../src/components/guide/data.ts';
import { ensureTracefs } from '../../scripts/lib/tracefs.ts';
import { requireRoot, requireTool, vmlinuxDir } from './bpf-toolchain.ts';
import { guideSlugs, readOutline } from './outline.ts';

const uses = guideSlugs('zh').flatMap((slug) => readOutline('zh', slug).steps.flatMap((s) => s.components));
const eventsOf = (component: string) => [
	...new Set(uses.filter((c) => c.name === component).map((c) => /event="([^"]+)"/.exec(c.props)![1]!)),
];

let vmlinux: string;
let tracefs: string;

beforeAll(() => {
	requireRoot('the bpftool/bpftrace output check');
	requireTool('bpftrace', 'bpftrace');
	tracefs = ensureTracefs();
	vmlinux = readFileSync(join(vmlinuxDir(), 'vmlinux.h'), 'utf8');
});

/** The event as this machine's tracefs describes it, for comparisons with its own tools. */
function liveEvent(ref: string): Pick<Event, 'category' | 'name' | 'format'> {
	const [category, name] = ref.split(':') as [string, string];
	const file = join(tracefs, 'events', category, name, 'format');
	return { category, name, format: parseFormat(readFileSync(file, 'utf8'), file) };
}

describe('tool output shown in the guides', () => {
	for (const line of Object.values(BTF_TYPEDEFS)) {
		it(`vmlinux.h has "${line}"`, () => expect(vmlinux.split('\n')).toContain(line));
	}

	for (const ref of eventsOf('ContextStruct')) {
		it(`the context struct of ${ref} reads as in vmlinux.h`, () => {
			const context = guideEvent(ref).context;
			expect(context.match, `${ref} has no context struct in data/`).not.toBe('none');
			if (context.match !== 'none') expect(vmlinux).toContain(vmlinuxStructText(context.struct));
		});
	}

	for (const ref of eventsOf('BpftraceFields')) {
		it(`bpftrace -lv lists ${ref} as the guide renders it`, () => {
			const printed = execFileSync('bpftrace', ['-lv', `tracepoint:${ref}`], { encoding: 'utf8' }).trim();
			expect(bpftraceListing(liveEvent(ref) as Event)).toBe(printed);
		});
	}

	it('bpftrace -l sorts byte-wise, as the guides render its output', () => {
		const printed = execFileSync('bpftrace', ['-l', 'tracepoint:syscalls:*accept*'], { encoding: 'utf8' }).trim().split('\n');
		expect(printed.length).toBeGreaterThan(1);
		expect(printed).toEqual([...printed].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
	});
});
