/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * io_watch.h: the records io_watch.bpf.c sends and io_watch.c prints.
 * Include it after vmlinux.h or <linux/bpf.h> (BPF side) or <linux/types.h> (user side): they define __u32 and the rest.
 */
#ifndef IO_WATCH_H
#define IO_WATCH_H

/* Which event a record comes from. */
enum record_kind {
	RECORD_TCP_RETRANSMIT_SKB = 1,
	RECORD_BLOCK_RQ_ISSUE = 2,
};

/* The start of every record: which event, and the task it happened in. */
struct record_header {
	__u32 kind;	/* enum record_kind */
	__u32 pid;	/* process id (the kernel calls it tgid) */
	__u32 tid;	/* thread id (the kernel calls it pid) */
	char comm[16];	/* command name, TASK_COMM_LEN bytes */
};

/* tcp:tcp_retransmit_skb. */
struct record_tcp_retransmit_skb {
	struct record_header header;
	__u64 skbaddr;	/* const void * skbaddr */
	__u64 skaddr;	/* const void * skaddr */
	__s32 state;	/* int state */
	__u16 sport;	/* __u16 sport */
	__u16 dport;	/* __u16 dport */
	__u16 family;	/* __u16 family */
	__u8 saddr[4];	/* __u8 saddr[4] */
	__u8 daddr[4];	/* __u8 daddr[4] */
	__u8 saddr_v6[16];	/* __u8 saddr_v6[16] */
	__u8 daddr_v6[16];	/* __u8 daddr_v6[16] */
	__s32 err;	/* int err */
};

/* block:block_rq_issue. */
struct record_block_rq_issue {
	struct record_header header;
	__u32 dev;	/* dev_t dev */
	__u64 sector;	/* sector_t sector */
	__u32 nr_sector;	/* unsigned int nr_sector */
	__u32 bytes;	/* unsigned int bytes */
	__u16 ioprio;	/* unsigned short ioprio */
	char rwbs[10];	/* char rwbs[10] */
	char comm[16];	/* char comm[16] */
	char cmd[256];	/* __data_loc char[] cmd: the string stored in the record */
};

/* Value names from kernel running-6.18-amd64's print fmt (__print_flags, __print_symbolic), for io_watch.c: it includes tp_helpers.h first. */
#ifdef TP_HELPERS_H
/* family: values. */
static const struct tp_name decode_family[] = {
	{ 2ULL, "AF_INET" },
	{ 10ULL, "AF_INET6" },
};
#endif /* TP_HELPERS_H */

#endif /* IO_WATCH_H */
