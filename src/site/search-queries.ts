/**
 * Real queries and where they must land: the table the search tests assert and `npm run bench`
 * prints a hit rate for. `event` is the event that must rank within the first `within` results of
 * the event list; `guide` the guide slug that must rank within the first `within` guides for a
 * reader of `lang`.
 */
import { rankGuides, type GuideDoc } from './guide-search.ts';
import type { Lang } from './i18n.ts';
import type { EventSearch } from './search.ts';

export interface SearchCase {
	query: string;
	lang: Lang;
	event?: string;
	guide?: string;
	within: number;
}

export const SEARCH_CASES: SearchCase[] = [
	// A syscall's name reaches its enter event first, its exit event second.
	{ query: 'connect', lang: 'en', event: 'syscalls:sys_enter_connect', within: 1 },
	{ query: 'connect', lang: 'en', event: 'syscalls:sys_exit_connect', within: 2 },
	{ query: 'read', lang: 'en', event: 'syscalls:sys_enter_read', within: 1 },
	{ query: 'write', lang: 'en', event: 'syscalls:sys_enter_write', within: 1 },
	{ query: 'exec', lang: 'en', event: 'syscalls:sys_enter_execve', within: 1 },
	{ query: 'openat', lang: 'en', event: 'syscalls:sys_enter_openat', within: 1 },
	{ query: 'open', lang: 'en', event: 'syscalls:sys_enter_openat', within: 4 },
	{ query: 'accept', lang: 'zh', event: 'syscalls:sys_enter_accept', within: 1 },
	{ query: 'accept4', lang: 'en', event: 'syscalls:sys_enter_accept4', within: 1 },
	{ query: 'close', lang: 'en', event: 'syscalls:sys_enter_close', within: 1 },
	{ query: 'mmap', lang: 'en', event: 'syscalls:sys_enter_mmap', within: 1 },
	{ query: 'kill', lang: 'en', event: 'syscalls:sys_enter_kill', within: 1 },
	{ query: 'clone', lang: 'en', event: 'syscalls:sys_enter_clone', within: 1 },
	// Names typed in part, or fuzzily.
	{ query: 'sched_proc', lang: 'en', event: 'sched:sched_process_exec', within: 1 },
	{ query: 'procexec', lang: 'en', event: 'sched:sched_process_exec', within: 1 },
	{ query: 'sched_switch', lang: 'zh', event: 'sched:sched_switch', within: 1 },
	{ query: 'sched switch', lang: 'en', event: 'sched:sched_switch', within: 1 },
	{ query: 'tcp_retrans', lang: 'en', event: 'tcp:tcp_retransmit_skb', within: 1 },
	{ query: 'block_rq', lang: 'en', event: 'block:block_rq_issue', within: 1 },
	{ query: 'sys_enter_connect', lang: 'en', event: 'syscalls:sys_enter_connect', within: 1 },
	{ query: 'syscalls:sys_enter_accept', lang: 'en', event: 'syscalls:sys_enter_accept', within: 1 },
	{ query: 'trace connect', lang: 'en', event: 'syscalls:sys_enter_connect', within: 1 },
	{ query: 'wakeup', lang: 'en', event: 'sched:sched_wakeup', within: 1 },
	// Chinese words for what the reader wants to see.
	{ query: '连接', lang: 'zh', event: 'syscalls:sys_enter_connect', within: 1 },
	{ query: '打开文件', lang: 'zh', event: 'syscalls:sys_enter_openat', within: 1 },
	{ query: '执行', lang: 'zh', event: 'syscalls:sys_enter_execve', within: 1 },
	{ query: '跟踪 connect', lang: 'zh', event: 'syscalls:sys_enter_connect', within: 1 },
	{ query: '进程切换', lang: 'zh', event: 'sched:sched_switch', within: 1 },
	{ query: '读取', lang: 'zh', event: 'syscalls:sys_enter_read', within: 1 },
	// Guides, in the reader's language.
	{ query: '连接', lang: 'zh', guide: 'trace-connect', within: 1 },
	{ query: '打开文件', lang: 'zh', guide: 'accept-or-accept4', within: 1 },
	{ query: 'trace connect', lang: 'en', guide: 'trace-connect', within: 1 },
	{ query: 'connect', lang: 'en', guide: 'trace-connect', within: 1 },
	{ query: 'openat', lang: 'en', guide: 'accept-or-accept4', within: 1 },
	{ query: 'tp_btf', lang: 'en', guide: 'section-names', within: 1 },
	{ query: 'SEC', lang: 'zh', guide: 'section-names', within: 1 },
	{ query: 'format', lang: 'en', guide: 'read-format', within: 1 },
	{ query: 'vmlinux.h', lang: 'en', guide: 'context-types', within: 1 },
	{ query: 'bpf_probe_read_user', lang: 'en', guide: 'strings-pointers', within: 1 },
	{ query: '字符串', lang: 'zh', guide: 'strings-pointers', within: 1 },
	{ query: 'available_events', lang: 'en', guide: 'find-events', within: 1 },
	{ query: '验证器', lang: 'zh', guide: 'build-run', within: 2 },
	{ query: 'troubleshoot', lang: 'en', guide: 'build-run', within: 1 },
	{ query: 'accept4', lang: 'zh', guide: 'accept-or-accept4', within: 1 },
	{ query: 'kprobe', lang: 'en', guide: 'which-probe', within: 1 },
	{ query: 'uprobe libc connect', lang: 'en', guide: 'which-probe', within: 1 },
	{ query: 'fentry', lang: 'zh', guide: 'which-probe', within: 1 },
	{ query: '探针', lang: 'zh', guide: 'which-probe', within: 1 },
];

/** Where a case's target lands, 1 first, or null when it is not among the first 50. */
export function caseRank(c: SearchCase, search: EventSearch, guides: readonly GuideDoc[]): number | null {
	const found = c.event
		? search(c.query, {}, 50).entries.map((e) => `${e.category}:${e.name}`).indexOf(c.event)
		: rankGuides(c.query, guides, c.lang)
				.filter((g) => g.lang === c.lang)
				.map((g) => g.slug)
				.indexOf(c.guide!);
	return found < 0 ? null : found + 1;
}
