// expect-verifier-error: invalid bpf_context access off=4 size=4
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/syscalls/sys_enter_connect")
int connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	/* common_pid sits in the first 8 bytes of the record, which a tracepoint program may not read. */
	bpf_printk("pid %d", ctx->ent.pid);
	return 0;
}
