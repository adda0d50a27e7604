import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/**/*.test.ts'],
		// System tests boot VMs, compile hundreds of programs and drive a browser.
		testTimeout: 20 * 60_000,
		hookTimeout: 20 * 60_000,
	},
});
