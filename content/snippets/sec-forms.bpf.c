// Four ways to attach to the same kernel event, sched:sched_process_exec.
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* tracepoint/: ctx is the record the format file describes. */
SEC("tracepoint/sched/sched_process_exec")
int exec_tracepoint(struct trace_event_raw_sched_process_exec *ctx)
{
	char path[64];
	/* __data_loc: the low 16 bits are the string's offset from the start of the record. */
	unsigned int off = ctx->__data_loc_filename & 0xFFFF;

	if (bpf_probe_read_kernel_str(path, sizeof(path), (void *)ctx + off) < 0)
		return 0;
	bpf_printk("tracepoint: pid %d exec %s", ctx->pid, path);
	return 0;
}

/* tp/: the very same attach point under a shorter prefix. */
SEC("tp/sched/sched_process_exec")
int exec_tp(struct trace_event_raw_sched_process_exec *ctx)
{
	bpf_printk("tp: pid %d", ctx->pid);
	return 0;
}

/* raw_tracepoint/: ctx->args[] are the arguments of trace_sched_process_exec(), untyped. */
SEC("raw_tracepoint/sched_process_exec")
int exec_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
	char path[64];

	if (bpf_probe_read_kernel_str(path, sizeof(path), BPF_CORE_READ(bprm, filename)) < 0)
		return 0;
	bpf_printk("raw_tracepoint: pid %d exec %s", BPF_CORE_READ(task, tgid), path);
	return 0;
}

/* tp_btf/: the same arguments, typed through BTF, so pointers can be followed directly. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_btf, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	char path[64];

	if (bpf_probe_read_kernel_str(path, sizeof(path), bprm->filename) < 0)
		return 0;
	bpf_printk("tp_btf: pid %d exec %s", task->tgid, path);
	return 0;
}
