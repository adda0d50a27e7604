/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sys_enter_openat.h: the records sys_enter_openat.bpf.c sends and sys_enter_openat.c prints.
 * Include it after vmlinux.h or <linux/bpf.h> (BPF side) or <linux/types.h> (user side): they define __u32 and the rest.
 */
#ifndef SYS_ENTER_OPENAT_H
#define SYS_ENTER_OPENAT_H

/* Which event a record comes from. */
enum record_kind {
	RECORD_SYS_ENTER_OPENAT = 1,
};

/* The start of every record: which event, and the task it happened in. */
struct record_header {
	__u32 kind;	/* enum record_kind */
	__u32 pid;	/* process id (the kernel calls it tgid) */
	__u32 tid;	/* thread id (the kernel calls it pid) */
	char comm[16];	/* command name, TASK_COMM_LEN bytes */
};

/* syscalls:sys_enter_openat. */
struct record_sys_enter_openat {
	struct record_header header;
	__s32 dfd;	/* int dfd */
	char filename[256];	/* const char * filename: the string it points to (user memory) */
	__u32 filename_len;	/* bytes of filename read with its NUL; 0 when the pointer could not be read */
	__s32 flags;	/* int flags */
	__u16 mode;	/* umode_t mode */
};

#endif /* SYS_ENTER_OPENAT_H */
