#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

/* The same kernel function as the kprobe, entered through a BPF trampoline: typed arguments from BTF. */
SEC("fentry/__sys_connect")
int BPF_PROG(fentry_connect, int fd, struct sockaddr *uservaddr, int addrlen)
{
	struct sockaddr_in sa;

	/* uservaddr is still a user-space address: the kernel has not copied it yet. */
	if (bpf_probe_read_user(&sa, sizeof(sa), uservaddr))
		return 0;
	bpf_printk("fentry: fd=%d family=%u port=%u", fd, sa.sin_family, bpf_ntohs(sa.sin_port));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
