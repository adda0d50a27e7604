#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* The connect() system call's tracepoint: the record holds its three arguments. */
SEC("tp/syscalls/sys_enter_connect")
int tp_connect(struct trace_event_raw_sys_enter *ctx)
{
	struct sockaddr_in sa;

	/* args[1] points into the calling process: copy it out, and skip the call if that fails. */
	if (bpf_probe_read_user(&sa, sizeof(sa), (void *)ctx->args[1]))
		return 0;
	bpf_printk("tracepoint: fd=%ld family=%u port=%u", ctx->args[0], sa.sin_family, bpf_ntohs(sa.sin_port));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
