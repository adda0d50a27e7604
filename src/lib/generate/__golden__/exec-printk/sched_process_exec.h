/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sched_process_exec.h: the records sched_process_exec.bpf.c sends and sched_process_exec.c prints.
 * Include it after vmlinux.h or <linux/bpf.h> (BPF side) or <linux/types.h> (user side): they define __u32 and the rest.
 */
#ifndef SCHED_PROCESS_EXEC_H
#define SCHED_PROCESS_EXEC_H

/* Which event a record comes from. */
enum record_kind {
	RECORD_SCHED_PROCESS_EXEC = 1,
};

/* The start of every record: which event, and the task it happened in. */
struct record_header {
	__u32 kind;	/* enum record_kind */
	__u32 pid;	/* process id (the kernel calls it tgid) */
	__u32 tid;	/* thread id (the kernel calls it pid) */
	char comm[16];	/* command name, TASK_COMM_LEN bytes */
};

/* sched:sched_process_exec. */
struct record_sched_process_exec {
	struct record_header header;
	char filename[256];	/* __data_loc char[] filename: the string stored in the record */
	__s32 pid;	/* pid_t pid */
	__s32 old_pid;	/* pid_t old_pid */
};

#endif /* SCHED_PROCESS_EXEC_H */
