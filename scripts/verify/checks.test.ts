import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/data/store.ts';
import { planChecks, usesVmlinux } from './run.ts';
import { VARIANTS } from './variants.ts';

const snapshot = readSnapshot(new URL('../../data', import.meta.url).pathname, '6.1-amd64');

describe('the checks a verification builds', () => {
	it('runs each context on every event and each variant on the events it covers', () => {
		const checks = planChecks(snapshot, ['portable', 'vmlinux'], VARIANTS);
		expect(checks.map((c) => [c.name, c.events.length])).toEqual([
			['portable', 4775],
			['vmlinux', 4775],
			['pairExit', 345],
			['perfbuf', 1318],
			['printk', 4775],
		]);
	});

	it('needs vmlinux.h for the variants even when only the portable context is asked for', () => {
		const checks = planChecks(snapshot, ['portable'], VARIANTS);
		expect(checks.filter(usesVmlinux).map((c) => c.name)).toEqual(['pairExit', 'perfbuf', 'printk']);
		expect(planChecks(snapshot, ['portable'], []).some(usesVmlinux)).toBe(false);
	});
});
