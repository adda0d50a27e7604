/*
 * A program that writes user memory, for the lockdown check of probes-vm.test.ts (src/components/guide/lockdown.ts):
 * integrity mode takes bpf_probe_write_user() away. Not a guide snippet: some kernels (this machine's 6.18) refuse
 * the helper to tracepoint programs outright.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp/syscalls/sys_enter_write")
int scrub(struct trace_event_raw_sys_enter *ctx)
{
	const char dot = '.';

	/* Writes into the caller's memory; only for a write to descriptor -1, which no real program makes. */
	if ((long)ctx->args[0] == -1)
		bpf_probe_write_user((void *)ctx->args[1], &dot, sizeof(dot));
	return 0;
}
