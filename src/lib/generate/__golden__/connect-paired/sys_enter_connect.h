/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sys_enter_connect.h: the records sys_enter_connect.bpf.c sends and sys_enter_connect.c prints.
 * Include it after vmlinux.h or <linux/bpf.h> (BPF side) or <linux/types.h> (user side): they define __u32 and the rest.
 */
#ifndef SYS_ENTER_CONNECT_H
#define SYS_ENTER_CONNECT_H

/* Which event a record comes from. */
enum record_kind {
	RECORD_SYS_ENTER_CONNECT = 1,
};

/* The start of every record: which event, and the task it happened in. */
struct record_header {
	__u32 kind;	/* enum record_kind */
	__u32 pid;	/* process id (the kernel calls it tgid) */
	__u32 tid;	/* thread id (the kernel calls it pid) */
	char comm[16];	/* command name, TASK_COMM_LEN bytes */
};

/* syscalls:sys_enter_connect, with the return value of syscalls:sys_exit_connect. */
struct record_sys_enter_connect {
	struct record_header header;
	__s32 fd;	/* int fd */
	__u8 uservaddr[128];	/* struct sockaddr * uservaddr: the address it points to */
	__u32 uservaddr_len;	/* bytes of uservaddr read, at most sizeof(uservaddr) */
	__s32 addrlen;	/* int addrlen */
	__s64 ret;	/* the return value, from sys_exit_connect */
};

#endif /* SYS_ENTER_CONNECT_H */
