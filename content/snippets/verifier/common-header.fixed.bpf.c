#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/syscalls/sys_enter_connect")
int connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	/* The helper returns tgid << 32 | tid; the upper half is what user space calls the pid. */
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	bpf_printk("pid %d", pid);
	return 0;
}
