// expect-verifier-error: variable ctx access var_off=(0x0; 0xffff) disallowed
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/sched/sched_process_exec")
int exec(struct trace_event_raw_sched_process_exec *ctx)
{
	unsigned int off = ctx->__data_loc_filename & 0xFFFF;
	const char *filename = (const char *)ctx + off;

	/* The offset is only known at run time, and ctx may only be read at constant offsets. */
	bpf_printk("first byte %c", filename[0]);
	return 0;
}
