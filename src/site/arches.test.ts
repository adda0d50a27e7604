import { describe, expect, it } from 'vitest';
import { committedCatalog } from '../../tests/site/data.ts';
import { archAvailability, archMask, archOf, archesOf, defaultKernel, groupByArch, kernelOnArch, onlyArch } from './arches.ts';
import { orderKernels } from './kernels.ts';

// The ids and machines of the committed Debian captures, given out of order.
const kernels = orderKernels([
	{ id: '7.2-arm64', release: '7.2.13+deb14-arm64', arch: 'aarch64' },
	{ id: '6.1-amd64', release: '6.1.0-37-amd64', arch: 'x86_64' },
	{ id: '6.1-arm64', release: '6.1.0-50-arm64', arch: 'aarch64' },
	{ id: '7.2-amd64', release: '7.2.13+deb14-amd64', arch: 'x86_64' },
	{ id: '5.10-amd64', release: '5.10.0-35-amd64', arch: 'x86_64' },
]);
const ids = (list: readonly { id: string }[]) => list.map((k) => k.id);

describe('architectures of the captured kernels', () => {
	it("names a kernel's architecture as Debian does, keeping a machine Debian has no name for", () => {
		expect(kernels.map(archOf)).toEqual(['amd64', 'amd64', 'arm64', 'amd64', 'arm64']);
		expect(archOf({ id: 'ubuntu-6.8-riscv64', arch: 'riscv64' })).toBe('riscv64');
	});

	it('lists amd64 first and groups kernels by architecture, oldest first within each', () => {
		expect(archesOf([...kernels].reverse())).toEqual(['amd64', 'arm64']);
		expect(archesOf([{ id: 'x-riscv64', arch: 'riscv64' }, ...kernels])).toEqual(['amd64', 'arm64', 'riscv64']);
		// Bits of the event index: kernels 0, 1 and 3 are amd64.
		expect(archMask(kernels, 'amd64')).toBe(0b01011);
		expect(archMask(kernels, 'arm64')).toBe(0b10100);
		expect(groupByArch(kernels).map((g) => [g.arch, ids(g.kernels)])).toEqual([
			['amd64', ['5.10-amd64', '6.1-amd64', '7.2-amd64']],
			['arm64', ['6.1-arm64', '7.2-arm64']],
		]);
	});

	it('opens on the newest amd64 kernel that has the event, and on arm64 only when amd64 has none', () => {
		// 7.2-arm64 sorts last, yet amd64 is the default.
		expect(defaultKernel(kernels)?.id).toBe('7.2-amd64');
		expect(defaultKernel(kernels, (id) => id !== '7.2-amd64')?.id).toBe('6.1-amd64');
		expect(defaultKernel(kernels, (id) => id.endsWith('-arm64'))?.id).toBe('7.2-arm64');
		expect(defaultKernel(kernels, (id) => id === 'none')).toBeUndefined();
		// Asked for an architecture: its newest, falling back to the others.
		expect(defaultKernel(kernels, () => true, 'arm64')?.id).toBe('7.2-arm64');
		expect(defaultKernel(kernels, (id) => id.endsWith('-amd64'), 'arm64')?.id).toBe('7.2-amd64');
	});

	it('switches architecture to the same series when it has the event, else to the newest there that does', () => {
		const byId = (id: string) => kernels.find((k) => k.id === id)!;
		expect(kernelOnArch(kernels, () => true, byId('6.1-amd64'), 'arm64')?.id).toBe('6.1-arm64');
		expect(kernelOnArch(kernels, () => true, byId('5.10-amd64'), 'arm64')?.id).toBe('7.2-arm64');
		expect(kernelOnArch(kernels, (id) => id !== '6.1-arm64', byId('6.1-amd64'), 'arm64')?.id).toBe('7.2-arm64');
		expect(kernelOnArch(kernels, () => true, byId('7.2-arm64'), 'amd64')?.id).toBe('7.2-amd64');
		expect(kernelOnArch(kernels, (id) => id.endsWith('-amd64'), byId('6.1-amd64'), 'arm64')).toBeUndefined();
	});

	it('says when an event exists on one architecture only', () => {
		expect(onlyArch(kernels, ['5.10-amd64', '7.2-amd64'])).toEqual({ arch: 'amd64', missing: ['arm64'] });
		expect(onlyArch(kernels, ['6.1-arm64'])).toEqual({ arch: 'arm64', missing: ['amd64'] });
		expect(onlyArch(kernels, ['6.1-amd64', '6.1-arm64'])).toBeNull();
		// With one architecture captured there is nothing to say.
		expect(onlyArch(kernels.filter((k) => k.arch === 'x86_64'), ['6.1-amd64'])).toBeNull();
		expect(archAvailability(kernels, ['6.1-arm64']).map((a) => [a.arch, ids(a.present)])).toEqual([
			['amd64', []],
			['arm64', ['6.1-arm64']],
		]);
	});
});

describe('architectures in the committed data', () => {
	const catalog = committedCatalog();
	const hasArm64 = catalog.kernels.some((k) => archOf(k) === 'arm64');

	it('finds sys_enter_open on amd64 only, sys_enter_openat on both', () => {
		expect(hasArm64).toBe(true);
		expect(onlyArch(catalog.kernels, catalog.find('syscalls', 'sys_enter_open')!.kernels)).toEqual({ arch: 'amd64', missing: ['arm64'] });
		expect(onlyArch(catalog.kernels, catalog.find('syscalls', 'sys_enter_openat')!.kernels)).toBeNull();
	});
});
