#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_connect")
int hello(struct trace_event_raw_sys_enter *ctx)
{
	bpf_printk("connect fd=%ld", ctx->args[0]);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
