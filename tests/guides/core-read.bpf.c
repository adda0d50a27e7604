/*
 * Reads the calling task's tgid twice, for probes-vm.test.ts's CO-RE check: once as a CO-RE relocation
 * (bpf_core_read), once at the fixed offset of the vmlinux.h it is compiled with. BPF_NO_PRESERVE_ACCESS_INDEX
 * keeps vmlinux.h from making every access a relocation, so the second read really is a plain offset.
 * Built with -DGONE=<member>, the relocated read is of that member instead: one the running kernel's
 * task_struct no longer has, which libbpf must refuse to load.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct tgid_reads {
	int relocated;
	int fixed;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct tgid_reads);
} reads SEC(".maps");

SEC("tp/syscalls/sys_enter_getppid")
int read_tgid(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 caller = bpf_get_current_pid_tgid() >> 32;
	struct tgid_reads r = { -1, -1 };

#ifdef GONE
	if (bpf_core_read(&r.relocated, sizeof(r.relocated), &task->GONE))
		return 0;
#else
	if (bpf_core_read(&r.relocated, sizeof(r.relocated), &task->tgid))
		return 0;
#endif
	if (bpf_probe_read_kernel(&r.fixed, sizeof(r.fixed), &task->tgid))
		return 0;
	bpf_map_update_elem(&reads, &caller, &r, BPF_ANY);
	return 0;
}
