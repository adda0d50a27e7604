/**
 * What the guides' data blocks read, through the site's one door to data/ (src/site/data.ts), plus the
 * few renderings only guides need (a grep of available_events, a bpftrace listing). Anything a guide
 * names that data/ lacks stops the build with a message saying what, on which kernel, and where it exists.
 */
import { loadCatalog } from '../../site/data.ts';
import { memberDeclaration } from '../../lib/btf/context-structs.ts';
import { isKernelCopy } from '../../lib/generate/plan.ts';
import { syscallOf } from '../../lib/generate/syscall-roles.ts';
import { decodeEvent } from '../../lib/printfmt/decode.ts';
import type { ContextStruct, Event, Provenance } from '../../schemas/snapshot.ts';
import { parseEventRef } from './frontmatter.ts';

/**
 * The machine the guides' commands are run on and their code is tested on (`uname -m`): what a guide
 * shows of "the newest kernel" or "the oldest kernel" is of this architecture, never an arm64 kernel
 * whose syscall events an x86_64 reader does not have.
 */
export const GUIDE_MACHINE = 'x86_64';

/** The captured kernels of the guides' architecture, oldest first. */
export function guideKernels(): Provenance[] {
	const { kernels } = loadCatalog();
	const own = kernels.filter((k) => k.arch === GUIDE_MACHINE);
	if (own.length === 0) throw new Error(`the guides show ${GUIDE_MACHINE} kernels, and data/ holds none; captured: ${kernels.map((k) => `${k.id} (${k.arch})`).join(', ')}`);
	return own;
}

/** The kernel a guide shows: the one asked for, or the newest captured of the guides' architecture. */
export function guideKernel(requested?: string): Provenance {
	const { kernels } = loadCatalog();
	if (requested === undefined) return guideKernels().at(-1)!;
	const kernel = kernels.find((k) => k.id === requested);
	if (!kernel) throw new Error(`a guide asks for kernel "${requested}", which data/ does not hold; captured: ${kernels.map((k) => k.id).join(', ')}`);
	return kernel;
}

/** One kernel's copy of an event; throws naming the kernels that do have it. */
export function guideEvent(ref: string, kernelId?: string): Event {
	const { category, name } = parseEventRef(ref);
	const kernel = guideKernel(kernelId);
	const catalog = loadCatalog();
	const event = catalog.event(kernel.id, category, name);
	if (event) return event;
	const elsewhere = catalog.find(category, name)?.kernels ?? [];
	throw new Error(
		`a guide shows ${ref} on kernel ${kernel.id}, which does not have it` +
			(elsewhere.length ? `; kernels that do: ${elsewhere.join(', ')}` : '; no captured kernel has it — check the spelling'),
	);
}

/** The props of a component that shows one event: `category:name`, on a kernel id (the newest captured by default). */
export interface EventOnKernel {
	event: string;
	kernel?: string;
}

/** The kernel and that kernel's copy of the event a component's props name. */
export function guideEventOn(props: EventOnKernel): { kernel: Provenance; event: Event } {
	const kernel = guideKernel(props.kernel);
	return { kernel, event: guideEvent(props.event, kernel.id) };
}

/** Byte-wise order, as `LC_ALL=C sort` and bpftrace print. */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The lines `grep <pattern> available_events | LC_ALL=C sort` prints on a kernel (a fixed-string grep). */
export function availableEventLines(pattern: string, kernelId?: string): string[] {
	const kernel = guideKernel(kernelId);
	return loadCatalog()
		.events.filter((e) => e.kernels.includes(kernel.id))
		.map((e) => `${e.category}:${e.name}`)
		.filter((line) => line.includes(pattern))
		.sort(byteOrder);
}

/** The lines `bpftrace -l '<probe>'` prints for a `tracepoint:<category glob>:<name glob>` pattern. */
export function bpftraceListLines(probe: string, kernelId?: string): string[] {
	const glob = /^tracepoint:([\w*.-]+):([\w*.-]+)$/.exec(probe);
	if (!glob) throw new Error(`bpftrace probe "${probe}" is not of the form tracepoint:<category>:<name> (globs with *)`);
	const toRegExp = (part: string) => new RegExp(`^${part.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
	const [category, name] = [toRegExp(glob[1]!), toRegExp(glob[2]!)];
	const kernel = guideKernel(kernelId);
	return loadCatalog()
		.events.filter((e) => e.kernels.includes(kernel.id) && category.test(e.category) && name.test(e.name))
		.map((e) => `tracepoint:${e.category}:${e.name}`)
		.sort(byteOrder);
}

/** What `bpftrace -lv tracepoint:<category>:<name>` prints: the probe, then each field's declaration. */
export function bpftraceListing(event: Event): string {
	return [`tracepoint:${event.category}:${event.name}`, ...event.format.fields.map((f) => `    ${f.declaration}`)].join('\n');
}

/** A context struct exactly as `bpftool btf dump … format c` writes it into vmlinux.h. */
export function vmlinuxStructText(struct: ContextStruct): string {
	return `struct ${struct.name} {\n${struct.members.map((m) => `\t${memberDeclaration(m)};`).join('\n')}\n};`;
}

/** How many sys_enter_* events of a kernel list copies of their string arguments (`__<argument>_val`, 7.x on). */
export function stringCopyEventCount(kernelId?: string): number {
	const kernel = guideKernel(kernelId);
	const catalog = loadCatalog();
	return catalog.events
		.filter((e) => e.kernels.includes(kernel.id) && e.category === 'syscalls')
		.map((e) => catalog.event(kernel.id, e.category, e.name)!)
		.filter((event) => event.format.fields.some((f) => isKernelCopy(event, f))).length;
}

/**
 * Kernel copies (`__<argument>_val`) of a kernel's sys_enter_* events that hold bytes, not a string: the ones the
 * kernel's own print fmt does not print as a string (write's `__buf_val` goes through `__print_dynamic_array`,
 * sethostname's `__name_val` through `__get_str`). `write.__buf_val`, sorted.
 */
export function bufferCopies(kernelId?: string): string[] {
	const kernel = guideKernel(kernelId);
	const catalog = loadCatalog();
	return catalog.events
		.filter((e) => e.kernels.includes(kernel.id) && e.category === 'syscalls' && e.name.startsWith('sys_enter_'))
		.map((e) => catalog.event(kernel.id, e.category, e.name)!)
		.flatMap((event) => {
			const { decoders } = decodeEvent(event.format);
			return event.format.fields.filter((f) => isKernelCopy(event, f) && decoders.get(f.name)?.kind !== 'string').map((f) => `${syscallOf(event)}.${f.name}`);
		})
		.sort();
}
