#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/* One load per element, each at ctx + a constant offset that CO-RE relocates; src stays unparenthesized. */
#define CTX_COPY_1(dst, src, i) ((dst)[i] = src[i])
#define CTX_COPY_2(dst, src, i) (CTX_COPY_1(dst, src, i), CTX_COPY_1(dst, src, (i) + 1))
#define CTX_COPY_4(dst, src, i) (CTX_COPY_2(dst, src, i), CTX_COPY_2(dst, src, (i) + 2))
#define CTX_COPY_8(dst, src, i) (CTX_COPY_4(dst, src, i), CTX_COPY_4(dst, src, (i) + 4))
#define CTX_COPY_16(dst, src, i) (CTX_COPY_8(dst, src, i), CTX_COPY_8(dst, src, (i) + 8))

SEC("tracepoint/sched/sched_switch")
int on_switch(struct trace_event_raw_sched_switch *ctx)
{
	char comm[16];

	CTX_COPY_16(comm, ctx->next_comm, 0);
	bpf_printk("next %s", comm);
	return 0;
}
