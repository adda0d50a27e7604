/** The minimum kernel of generated programs, on real fixture events: each option that adds a feature raises it. */
import { describe, expect, it } from 'vitest';
import { fixtureInput } from './fixtures/load.ts';
import { planProject } from './index.ts';
import { kernelRequirements, minimumKernel, requirementsSentence } from './requirements.ts';

const plan = (options: Parameters<typeof planProject>[1], key = 'syscalls:sys_enter_connect') => planProject(fixtureInput('running-6.18-amd64', key), options);
const features = (p: ReturnType<typeof plan>) => kernelRequirements(p).map((r) => `${r.feature.en} ${r.since.join('.')}`);

describe('minimum kernel of a generated program', () => {
	it('connect with the defaults: ring buffer 5.8 is the newest thing it uses', () => {
		const p = plan({});
		expect(features(p)).toEqual(['tracepoint programs 4.7', 'read-only global data (the -p/-c filters) 5.2', 'kernel BTF (/sys/kernel/btf/vmlinux, for CO-RE) 5.4', 'bpf_probe_read_user() 5.5', 'BPF ring buffer 5.8']);
		expect(minimumKernel(kernelRequirements(p))).toBe('5.8');
		expect(requirementsSentence(p, 'zh')).toMatch(/^需要 Linux 5\.8 或更新：tracepoint 程序 4\.7、/);
	});

	it('perf buffer, portable context, no filters: bpf_probe_read_user() 5.5', () => {
		const p = plan({ output: 'perfbuf', context: 'portable', filterPid: false, filterComm: false });
		expect(minimumKernel(kernelRequirements(p))).toBe('5.5');
		expect(features(p)).not.toContain('BPF ring buffer 5.8');
	});

	it('irq_handler_entry with bpf_printk, portable, no filters: its __data_loc name needs bpf_probe_read_kernel() 5.5', () => {
		const p = plan({ output: 'printk', context: 'portable', filterPid: false, filterComm: false }, 'irq:irq_handler_entry');
		const reqs = kernelRequirements(p);
		// irq_handler_entry's name is a __data_loc string: read with bpf_probe_read_kernel_str.
		expect(features(p)).toEqual(['tracepoint programs 4.7', 'bpf_probe_read_kernel() 5.5']);
		expect(minimumKernel(reqs)).toBe('5.5');
	});
});
