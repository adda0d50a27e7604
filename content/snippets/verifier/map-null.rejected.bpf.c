// expect-verifier-error: invalid mem access 'map_value_or_null'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, int);
} connect_fd SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_connect")
int connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	int fd = ctx->args[0];

	bpf_map_update_elem(&connect_fd, &id, &fd, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	int *fd = bpf_map_lookup_elem(&connect_fd, &id);

	/* The lookup returns NULL when the entry is missing (e.g. the program started mid-call). */
	bpf_printk("connect(fd=%d) = %ld", *fd, ctx->ret);
	bpf_map_delete_elem(&connect_fd, &id);
	return 0;
}
