// (int)ctx->id still loads all 8 bytes of `long id`: getppid's record is 12 bytes long, so attaching fails.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp/syscalls/sys_enter_getppid")
int getppid_id(struct trace_event_raw_sys_enter *ctx)
{
	int nr = (int)ctx->id; /* an 8-byte load at offset 8, then truncated */

	bpf_printk("getppid: syscall %d", nr);
	return 0;
}
