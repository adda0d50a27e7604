#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

/* libc's connect() function, in every process that calls it; libbpf finds libc.so.6 in the library path. */
SEC("uprobe/libc.so.6:connect")
int BPF_KPROBE(uprobe_connect, int fd, const struct sockaddr *addr)
{
	struct sockaddr_in sa;

	if (bpf_probe_read_user(&sa, sizeof(sa), addr))
		return 0;
	bpf_printk("uprobe: fd=%d family=%u port=%u", fd, sa.sin_family, bpf_ntohs(sa.sin_port));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
