#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

/* A kprobe on this kernel's entry function of the connect syscall (__x64_sys_connect here), found by libbpf. */
SEC("ksyscall/connect")
int BPF_KSYSCALL(ksyscall_connect, int fd, struct sockaddr *uservaddr)
{
	struct sockaddr_in sa;

	if (bpf_probe_read_user(&sa, sizeof(sa), uservaddr))
		return 0;
	bpf_printk("ksyscall: fd=%d family=%u port=%u", fd, sa.sin_family, bpf_ntohs(sa.sin_port));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
