/**
 * The oldest mainline kernel a generated program runs on, from what its code uses: each BPF feature with
 * the release that brought it. Shown in the generated README and on the event page, so a reader on an
 * old kernel knows before building which option to change.
 */
import type { ProgramPlan } from './plan.ts';

export interface Requirement {
	/** What the program uses, in both languages. */
	feature: { zh: string; en: string };
	/** The mainline release that brought it, `[major, minor]`. */
	since: [number, number];
}

const TRACEPOINT: Requirement = { feature: { zh: 'tracepoint 程序', en: 'tracepoint programs' }, since: [4, 7] };
const RING_BUFFER: Requirement = { feature: { zh: 'BPF ring buffer', en: 'BPF ring buffer' }, since: [5, 8] };
const READ_USER: Requirement = { feature: { zh: 'bpf_probe_read_user()', en: 'bpf_probe_read_user()' }, since: [5, 5] };
const READ_KERNEL: Requirement = { feature: { zh: 'bpf_probe_read_kernel()', en: 'bpf_probe_read_kernel()' }, since: [5, 5] };
const GLOBAL_DATA: Requirement = { feature: { zh: '只读全局变量（-p/-c 过滤）', en: 'read-only global data (the -p/-c filters)' }, since: [5, 2] };
const KERNEL_BTF: Requirement = { feature: { zh: '内核 BTF（/sys/kernel/btf/vmlinux，CO-RE 用）', en: 'kernel BTF (/sys/kernel/btf/vmlinux, for CO-RE)' }, since: [5, 4] };

const USER_READS = new Set(['user-string', 'sockaddr', 'argv', 'user-buffer', 'out-buffer', 'out-sockaddr', 'out-int', 'out-struct']);
const KERNEL_READS = new Set(['copy', 'loc-string', 'loc-bytes', 'kernel-string']);

/** What a planned program uses that not every kernel has, oldest first. */
export function kernelRequirements(plan: ProgramPlan): Requirement[] {
	const fields = plan.events.flatMap((p) => p.fields);
	const uses: Requirement[] = [TRACEPOINT];
	if (plan.transport === 'ringbuf') uses.push(RING_BUFFER);
	if (fields.some((f) => USER_READS.has(f.read))) uses.push(READ_USER);
	if (fields.some((f) => KERNEL_READS.has(f.read))) uses.push(READ_KERNEL);
	if (plan.options.filterPid || plan.options.filterComm) uses.push(GLOBAL_DATA);
	if (plan.usesVmlinux) uses.push(KERNEL_BTF);
	return uses.sort((a, b) => a.since[0] - b.since[0] || a.since[1] - b.since[1]);
}

/** `5.8`: the newest of the requirements' releases. */
export function minimumKernel(requirements: Requirement[]): string {
	const newest = requirements.reduce((a, b) => (b.since[0] > a.since[0] || (b.since[0] === a.since[0] && b.since[1] > a.since[1]) ? b : a));
	return newest.since.join('.');
}

/** `Linux 5.8 or newer: tracepoint programs 4.7, … BPF ring buffer 5.8.` in the plan's README language or `lang`. */
export function requirementsSentence(plan: ProgramPlan, lang: 'zh' | 'en'): string {
	const reqs = kernelRequirements(plan);
	const list = reqs.map((r) => `${r.feature[lang]} ${r.since.join('.')}`).join(lang === 'zh' ? '、' : ', ');
	return lang === 'zh' ? `需要 Linux ${minimumKernel(reqs)} 或更新：${list}。` : `Needs Linux ${minimumKernel(reqs)} or newer: ${list}.`;
}
