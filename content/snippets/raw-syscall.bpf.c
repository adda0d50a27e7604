// Per-syscall events exist only as trace events; raw_syscalls:sys_enter sees every syscall, as a raw
// tracepoint (registers) or as a trace event (decoded arguments).
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define NR_CONNECT 42 /* x86_64; every architecture numbers syscalls its own way */

SEC("raw_tracepoint/sys_enter")
int connect_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	long id = ctx->args[1];

	if (id != NR_CONNECT)
		return 0;
	bpf_printk("raw sys_enter: connect(fd=%ld)", PT_REGS_PARM1_CORE_SYSCALL(regs));
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int connect_tp(struct trace_event_raw_sys_enter *ctx)
{
	bpf_printk("sys_enter_connect: connect(fd=%ld)", ctx->args[0]);
	return 0;
}

SEC("tp/raw_syscalls/sys_enter")
int connect_raw_syscalls(struct trace_event_raw_sys_enter *ctx)
{
	if (ctx->id != NR_CONNECT)
		return 0;
	bpf_printk("raw_syscalls:sys_enter: connect(fd=%ld)", ctx->args[0]);
	return 0;
}
