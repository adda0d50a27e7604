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

/* syscalls:sys_enter_openat, with the return value of syscalls:sys_exit_openat. */
struct record_sys_enter_openat {
	struct record_header header;
	__s32 dfd;	/* int dfd */
	char filename[256];	/* const char * filename: the string it points to (user memory) */
	__u32 filename_len;	/* bytes of filename read with its NUL; 0 when the pointer could not be read */
	__s32 flags;	/* int flags */
	__u16 mode;	/* umode_t mode */
	__s64 ret;	/* the return value, from sys_exit_openat */
};

/* Value names from kernel 7.2-amd64's print fmt (__print_flags, __print_symbolic), for sys_enter_openat.c: it includes tp_helpers.h first. */
#ifdef TP_HELPERS_H
/* flags: flags joined by "|". */
static const struct tp_name decode_flags[] = {
	{ 0x1ULL, "O_WRONLY" },
	{ 0x2ULL, "O_RDWR" },
	{ 0x40ULL, "O_CREAT" },
	{ 0x80ULL, "O_EXCL" },
	{ 0x100ULL, "O_NOCTTY" },
	{ 0x200ULL, "O_TRUNC" },
	{ 0x400ULL, "O_APPEND" },
	{ 0x800ULL, "O_NONBLOCK" },
	{ 0x1000ULL, "O_DSYNC" },
	{ 0x4000ULL, "O_DIRECT" },
	{ 0x8000ULL, "O_LARGEFILE" },
	{ 0x10000ULL, "O_DIRECTORY" },
	{ 0x20000ULL, "O_NOFOLLOW" },
	{ 0x40000ULL, "O_NOATIME" },
	{ 0x80000ULL, "O_CLOEXEC" },
};
/* flags: the text its print fmt prints before the names. */
static inline const char *decode_flags_before(unsigned long long v)
{
	return ((v & 0xfffffffffffffffcULL) && !(v & 0x3ULL)) ? "O_RDONLY|" : "";
}
#endif /* TP_HELPERS_H */

#endif /* SYS_ENTER_OPENAT_H */
