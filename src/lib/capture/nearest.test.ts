import { describe, expect, it } from 'vitest';
import { listKernelIds, readProvenance } from '../../data/store.ts';
import { nearestKernel, parseRelease } from './nearest.ts';

// The committed kernels, as the site offers them.
const DATA = new URL('../../../data', import.meta.url).pathname;
const kernels = listKernelIds(DATA).map((id) => readProvenance(DATA, id));
const nearest = (pasted: string) => {
	const result = nearestKernel(pasted, kernels);
	return result.ok ? `${result.kernel.id} ${result.relation} ${result.releasesApart}` : result.problem;
};

describe('parseRelease', () => {
	it('reads uname -r of the kernels readers run, and uname -a', () => {
		expect(parseRelease('5.15.0-105-generic')?.version).toEqual({ major: 5, minor: 15, patch: 0 });
		expect(parseRelease('4.18.0-513.9.1.el8_9.x86_64')?.version).toEqual({ major: 4, minor: 18, patch: 0 });
		expect(parseRelease('5.10.198-android12-9-00085-g226a9632f13d-ab11136126')?.version).toEqual({ major: 5, minor: 10, patch: 198 });
		expect(parseRelease('6.6.31+rpt-rpi-v8')?.version).toEqual({ major: 6, minor: 6, patch: 31 });
		expect(parseRelease('7.2')?.version).toEqual({ major: 7, minor: 2, patch: null });
		expect(parseRelease('Linux pi 6.6.31+rpt-rpi-v8 #1 SMP PREEMPT Debian 1:6.6.31-1+rpt1 (2024-05-29) aarch64 GNU/Linux')?.release).toBe('6.6.31+rpt-rpi-v8');
		expect(parseRelease('  6.8.0-45-generic\n')?.release).toBe('6.8.0-45-generic');
	});

	it('finds no version in text that has none', () => {
		for (const text of ['', 'generic', 'Linux', '<script>alert(1)</script>', '123456.1', 'v6.1']) expect(parseRelease(text), text).toBeNull();
	});
});

describe('nearestKernel, on the committed kernels', () => {
	it('points to the same major.minor first', () => {
		expect(kernels.filter((k) => k.arch === 'x86_64').map((k) => k.id)).toEqual(['5.10-amd64', '6.1-amd64', '6.12-amd64', '7.2-amd64']);
		expect(kernels.map((k) => k.id)).toEqual(expect.arrayContaining(['6.1-arm64', '6.12-arm64']));
		expect(nearest('6.1.0-26-amd64')).toBe('6.1-amd64 same-series 0');
		expect(nearest('5.10.198-android12-9-00085-g226a9632f13d-ab11136126')).toBe('5.10-amd64 same-series 0');
		// Of the same series, a kernel of the architecture the pasted text names.
		expect(nearest('6.12.48+deb13-cloud-arm64')).toBe('6.12-arm64 same-series 0');
		expect(nearest('Linux pi 6.6.31+rpt-rpi-v8 #1 SMP PREEMPT Debian 1:6.6.31-1+rpt1 (2024-05-29) aarch64 GNU/Linux')).toBe('6.1-arm64 older 5');
		expect(nearest('6.12.48+deb13-amd64')).toBe('6.12-amd64 same-series 0');
		const stored = kernels.find((k) => k.id === '6.1-amd64')!.release;
		expect(nearest(stored)).toBe('6.1-amd64 same-release 0');
	});

	it('otherwise the fewest releases away, counting across majors (5.19 → 6.0 is one step), the older on a tie', () => {
		expect(nearest('5.15.0-105-generic')).toBe('5.10-amd64 older 5'); // Ubuntu 22.04: 6.1 is 6 away
		expect(nearest('6.8.0-45-generic')).toBe('6.12-amd64 newer 4'); // Ubuntu 24.04: 6.1 is 7 away
		expect(nearest('5.14.0-362.8.1.el9_3.x86_64')).toBe('5.10-amd64 older 4'); // RHEL 9
		expect(nearest('4.18.0-513.9.1.el8_9.x86_64')).toBe('5.10-amd64 newer 13'); // RHEL 8: 4.18, 4.19, 4.20, 5.0 … 5.10
		expect(nearest('6.6.31+rpt-rpi-v8')).toBe('6.1-amd64 older 5'); // Raspberry Pi: 6.12 is 6 away
		expect(nearest('6.19.1')).toBe('7.2-amd64 newer 3');
		expect(nearest('6.17.3')).toBe('6.12-amd64 older 5'); // 7.2 is also 5 away: the older wins
	});

	it('says when there is nothing to go on', () => {
		expect(nearest('not a kernel')).toBe('no-version');
		expect(nearestKernel('6.1.0', [])).toEqual({ ok: false, problem: 'no-kernels' });
	});
});
