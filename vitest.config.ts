import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/**/*.test.ts'],
		// System tests boot VMs, compile hundreds of programs and drive a browser.
		testTimeout: 20 * 60_000,
		hookTimeout: 20 * 60_000,
		// Two files at a time (vitest's default leaves one core idle on a 2-core machine): most system
		// tests wait on a VM, a browser or a clang call, so the other core has work. Tests that share a
		// resource keep their own copy of it: download caches per test, site builds behind a lock.
		maxWorkers: 2,
	},
});
