#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

/* __sys_connect(int fd, struct sockaddr __user *uservaddr, int addrlen): where connect and socketcall meet. */
SEC("kprobe/__sys_connect")
int BPF_KPROBE(kprobe_connect, int fd, struct sockaddr *uservaddr)
{
	struct sockaddr_in sa;

	if (bpf_probe_read_user(&sa, sizeof(sa), uservaddr))
		return 0;
	bpf_printk("kprobe: fd=%d family=%u port=%u", fd, sa.sin_family, bpf_ntohs(sa.sin_port));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
