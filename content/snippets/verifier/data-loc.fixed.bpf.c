#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/sched/sched_process_exec")
int exec(struct trace_event_raw_sched_process_exec *ctx)
{
	unsigned int off = ctx->__data_loc_filename & 0xFFFF;
	char filename[128];

	/* The string lives in the record, which is kernel memory: copy it with the _kernel_ helper. */
	if (bpf_probe_read_kernel_str(filename, sizeof(filename), (void *)ctx + off) < 0)
		return 0;
	bpf_printk("exec %s", filename);
	return 0;
}
