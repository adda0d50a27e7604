#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

/* connect's number in this architecture's native syscall table (asm/unistd_64.h). */
#if defined(__TARGET_ARCH_x86)
#define NR_connect 42
#elif defined(__TARGET_ARCH_arm64)
#define NR_connect 203
#endif

/* Every system call passes here: the caller's registers and the syscall number, untyped. */
SEC("raw_tp/sys_enter")
int BPF_PROG(raw_tp_connect, struct pt_regs *regs, long id)
{
	struct sockaddr_in sa;

	if (id != NR_connect)
		return 0;
	/* regs is a kernel pointer the verifier knows nothing about: read through it with CO-RE. */
	if (bpf_probe_read_user(&sa, sizeof(sa), (void *)PT_REGS_PARM2_CORE_SYSCALL(regs)))
		return 0;
	bpf_printk("raw_tp: fd=%ld family=%u port=%u", PT_REGS_PARM1_CORE_SYSCALL(regs), sa.sin_family, bpf_ntohs(sa.sin_port));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
