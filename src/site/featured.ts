/**
 * The events people trace first: the ones the home page offers before anything is typed and the
 * ones the guides teach. Search ranks them first among equal matches; the explorer opens on them.
 */

/** Events a newcomer usually starts with, shown in the home page's picker before anything is typed. */
export const HOME_STARTERS = [
	'syscalls:sys_enter_connect',
	'syscalls:sys_enter_openat',
	'syscalls:sys_enter_execve',
	'syscalls:sys_enter_accept4',
	'sched:sched_process_exec',
	'sched:sched_switch',
	'tcp:tcp_retransmit_skb',
	'block:block_rq_issue',
];

/** `category:name` of the home page's starters and every event a guide lists in its frontmatter. */
export function featuredEvents(guides: readonly { events: readonly string[] }[]): string[] {
	return [...new Set([...HOME_STARTERS, ...guides.flatMap((g) => g.events)])];
}
