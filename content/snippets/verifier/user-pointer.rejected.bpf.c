// expect-verifier-error: invalid mem access 'scalar'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/syscalls/sys_enter_connect")
int connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	/* args[1] is the user's struct sockaddr *, but to the verifier it is just a number. */
	struct sockaddr *addr = (struct sockaddr *)ctx->args[1];

	bpf_printk("family %d", addr->sa_family);
	return 0;
}
