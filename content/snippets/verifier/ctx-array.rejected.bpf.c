// expect-verifier-error: dereference of modified ctx ptr
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/sched/sched_switch")
int on_switch(struct trace_event_raw_sched_switch *ctx)
{
	char comm[16];

	/* memcpy (or a loop) moves a pointer into ctx; the verifier allows only loads at ctx + a constant. */
	__builtin_memcpy(comm, ctx->next_comm, sizeof(comm));
	bpf_printk("next %s", comm);
	return 0;
}
