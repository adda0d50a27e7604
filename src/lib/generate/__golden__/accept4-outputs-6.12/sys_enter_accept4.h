/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sys_enter_accept4.h: the records sys_enter_accept4.bpf.c sends and sys_enter_accept4.c prints.
 * Include it after vmlinux.h or <linux/bpf.h> (BPF side) or <linux/types.h> (user side): they define __u32 and the rest.
 */
#ifndef SYS_ENTER_ACCEPT4_H
#define SYS_ENTER_ACCEPT4_H

/* Which event a record comes from. */
enum record_kind {
	RECORD_SYS_ENTER_ACCEPT4 = 1,
};

/* The start of every record: which event, and the task it happened in. */
struct record_header {
	__u32 kind;	/* enum record_kind */
	__u32 pid;	/* process id (the kernel calls it tgid) */
	__u32 tid;	/* thread id (the kernel calls it pid) */
	char comm[16];	/* command name, TASK_COMM_LEN bytes */
};

/* syscalls:sys_enter_accept4, with the return value of syscalls:sys_exit_accept4. */
struct record_sys_enter_accept4 {
	struct record_header header;
	__s32 fd;	/* int fd */
	__u8 upeer_sockaddr[128];	/* struct sockaddr * upeer_sockaddr: the address the kernel wrote there, read at exit */
	__u32 upeer_sockaddr_len;	/* bytes of upeer_sockaddr read, at most sizeof(upeer_sockaddr) */
	__u64 upeer_sockaddr_at;	/* the pointer upeer_sockaddr, saved at entry for the exit handler */
	__u64 upeer_sockaddr_len_at;	/* the pointer upeer_addrlen, saved at entry for the exit handler */
	__s32 upeer_addrlen;	/* int * upeer_addrlen: the int the kernel wrote there, read at exit */
	__u64 upeer_addrlen_at;	/* the pointer upeer_addrlen, saved at entry for the exit handler */
	__s32 flags;	/* int flags */
	__s64 ret;	/* the return value, from sys_exit_accept4 */
};

#endif /* SYS_ENTER_ACCEPT4_H */
