#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/syscalls/sys_enter_connect")
int connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sockaddr addr = {};

	/* Copy from user memory; a fault (e.g. a swapped-out page) yields an error, not a crash. */
	if (bpf_probe_read_user(&addr, sizeof(addr), (void *)ctx->args[1]) < 0)
		return 0;
	bpf_printk("family %d", addr.sa_family);
	return 0;
}
