// The syscall number is the format's `int __syscall_nr` at offset 8: read those 4 bytes and no more.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

static __always_inline int syscall_nr(void *ctx)
{
	return *(int *)(ctx + 8); /* field:int __syscall_nr; offset:8; size:4; */
}

SEC("tp/syscalls/sys_enter_getppid")
int getppid_nr(struct trace_event_raw_sys_enter *ctx)
{
	bpf_printk("getppid: syscall %d", syscall_nr(ctx));
	return 0;
}

SEC("tp/syscalls/sys_enter_sched_yield")
int sched_yield_nr(struct trace_event_raw_sys_enter *ctx)
{
	bpf_printk("sched_yield: syscall %d", syscall_nr(ctx));
	return 0;
}
