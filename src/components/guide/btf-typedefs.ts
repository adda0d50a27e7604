/**
 * Lines of vmlinux.h the guides quote that are not in data/: the `btf_trace_<name>` typedefs, which
 * spell out a raw tracepoint's arguments (its TP_PROTO). tests/guides/btf.test.ts checks that each
 * line is exactly what bpftool writes for this machine's kernel.
 */
export const BTF_TYPEDEFS: Readonly<Record<string, string>> = {
	btf_trace_sched_process_exec: 'typedef void (*btf_trace_sched_process_exec)(void *, struct task_struct *, pid_t, struct linux_binprm *);',
	btf_trace_sys_enter: 'typedef void (*btf_trace_sys_enter)(void *, struct pt_regs *, long int);',
};

/** The vmlinux.h line for a typedef the guides quote; throws naming the known ones. */
export function btfTypedef(name: string): string {
	const line = BTF_TYPEDEFS[name];
	if (!line) throw new Error(`no vmlinux.h line recorded for ${name}; known: ${Object.keys(BTF_TYPEDEFS).join(', ')}`);
	return line;
}
