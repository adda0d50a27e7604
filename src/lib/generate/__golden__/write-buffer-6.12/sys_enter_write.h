/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sys_enter_write.h: the records sys_enter_write.bpf.c sends and sys_enter_write.c prints.
 * Include it after vmlinux.h or <linux/bpf.h> (BPF side) or <linux/types.h> (user side): they define __u32 and the rest.
 */
#ifndef SYS_ENTER_WRITE_H
#define SYS_ENTER_WRITE_H

/* Which event a record comes from. */
enum record_kind {
	RECORD_SYS_ENTER_WRITE = 1,
};

/* The start of every record: which event, and the task it happened in. */
struct record_header {
	__u32 kind;	/* enum record_kind */
	__u32 pid;	/* process id (the kernel calls it tgid) */
	__u32 tid;	/* thread id (the kernel calls it pid) */
	char comm[16];	/* command name, TASK_COMM_LEN bytes */
};

/* syscalls:sys_enter_write. */
struct record_sys_enter_write {
	struct record_header header;
	__u32 fd;	/* unsigned int fd */
	__u8 buf[256];	/* const char * buf: the bytes it points to, at most its length argument */
	__u32 buf_len;	/* bytes of buf read, at most sizeof(buf) */
	__u64 buf_total;	/* bytes passed in all; buf keeps the first buf_len */
	__u64 count;	/* size_t count */
};

#endif /* SYS_ENTER_WRITE_H */
