import { describe, expect, it } from 'vitest';
import { compareReleases, orderKernels, previousKernel, shortKernelLabels } from './kernels.ts';

// Releases as `uname -r` prints them on the Debian kernels the project captures.
const releases = ['6.12.38+deb13-amd64', '5.10.0-35-amd64', '6.1.0-37-amd64', '6.2.0-1-amd64', '6.18.0-1-amd64'];

describe('kernel order', () => {
	it('compares releases numerically, oldest first', () => {
		expect([...releases].sort(compareReleases)).toEqual(['5.10.0-35-amd64', '6.1.0-37-amd64', '6.2.0-1-amd64', '6.12.38+deb13-amd64', '6.18.0-1-amd64']);
	});

	it('finds the previous kernel of the same architecture', () => {
		const kernels = orderKernels([
			{ id: '6.1-arm64', release: '6.1.0-37-arm64', arch: 'aarch64' },
			{ id: '6.12-amd64', release: '6.12.38+deb13-amd64', arch: 'x86_64' },
			{ id: '5.10-amd64', release: '5.10.0-35-amd64', arch: 'x86_64' },
			{ id: '6.1-amd64', release: '6.1.0-37-amd64', arch: 'x86_64' },
		]);
		expect(kernels.map((k) => k.id)).toEqual(['5.10-amd64', '6.1-amd64', '6.1-arm64', '6.12-amd64']);
		expect(previousKernel(kernels, '6.12-amd64')?.id).toBe('6.1-amd64');
		expect(previousKernel(kernels, '6.1-arm64')).toBeUndefined();
		expect(previousKernel(kernels, '5.10-amd64')).toBeUndefined();
	});
});

describe('short kernel labels', () => {
	it('drops a shared architecture suffix, and keeps ids whole when architectures differ', () => {
		expect(shortKernelLabels(['5.10-amd64', '6.1-amd64', '7.x-amd64'])).toEqual(['5.10', '6.1', '7.x']);
		expect(shortKernelLabels(['6.1-amd64', '6.1-arm64'])).toEqual(['6.1-amd64', '6.1-arm64']);
	});
});
