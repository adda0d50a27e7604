/**
 * The option sets verified besides the defaults. Each changes one option the site offers (with the
 * default vmlinux.h context) and covers the events where that option changes the code: pairing
 * applies to syscalls only; a perf buffer changes only how a record leaves, the same for every
 * event, so the built-in ones cover it; bpf_printk formats every field itself, so it covers all.
 */
import type { GeneratorOptions } from '../../src/lib/generate/index.ts';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';
import type { Variant } from '../../src/schemas/verify.ts';

interface VariantDefinition extends Omit<Variant, 'options'> {
	options: Partial<Pick<GeneratorOptions, 'pairExit' | 'output'>>;
}

export const VARIANTS: readonly VariantDefinition[] = [
	{ name: 'pairExit', options: { pairExit: true }, scope: 'paired-syscalls' },
	{ name: 'perfbuf', options: { output: 'perfbuf' }, scope: 'builtin' },
	{ name: 'printk', options: { output: 'printk' }, scope: 'all' },
];

/** The events of `snapshot` a variant is verified for. */
export function variantEvents(variant: Variant, snapshot: Snapshot): Event[] {
	const keys = new Set(snapshot.events.map((e) => `${e.category}:${e.name}`));
	const covered: Record<Variant['scope'], (e: Event) => boolean> = {
		'paired-syscalls': (e) => e.category === 'syscalls' && e.name.startsWith('sys_enter_') && keys.has(`syscalls:${e.name.replace(/^sys_enter_/, 'sys_exit_')}`),
		builtin: (e) => e.origin.kind === 'builtin',
		all: () => true,
	};
	return snapshot.events.filter(covered[variant.scope]);
}
