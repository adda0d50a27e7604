#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#if defined(__TARGET_ARCH_x86)
#define NR_connect 42
#elif defined(__TARGET_ARCH_arm64)
#define NR_connect 203
#endif

/* The same hook as raw_tp/sys_enter, but typed from the kernel's BTF: regs can be read directly. */
SEC("tp_btf/sys_enter")
int BPF_PROG(tp_btf_connect, struct pt_regs *regs, long id)
{
	struct sockaddr_in sa;

	if (id != NR_connect)
		return 0;
	if (bpf_probe_read_user(&sa, sizeof(sa), (void *)PT_REGS_PARM2_SYSCALL(regs)))
		return 0;
	bpf_printk("tp_btf: fd=%ld family=%u port=%u", PT_REGS_PARM1_SYSCALL(regs), sa.sin_family, bpf_ntohs(sa.sin_port));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
