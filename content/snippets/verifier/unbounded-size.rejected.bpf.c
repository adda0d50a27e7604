// expect-verifier-error: R2 min value is negative, either use unsigned or 'var &= const'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/syscalls/sys_enter_connect")
int connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sockaddr_in6 addr = {}; /* large enough for IPv4 and IPv6 */
	__u64 addrlen = ctx->args[2];

	/* addrlen comes from the user and could be anything: the copy might overrun addr. */
	if (bpf_probe_read_user(&addr, addrlen, (void *)ctx->args[1]) < 0)
		return 0;
	bpf_printk("family %d", addr.sin6_family);
	return 0;
}
