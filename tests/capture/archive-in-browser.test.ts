/**
 * The archive → snapshot step runs unchanged in a browser Web Worker (Chromium): the same snapshot
 * as in Node for an archive atlas-capture.sh made, the same message for a damaged one.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotFromArchive } from '../../src/lib/capture/contributed.ts';
import { launchChromium } from '../site/browser.ts';
import { bundleArchiveWorker, snapshotInChromium } from './archive-worker.ts';
import { makeFixtureRoot, runCaptureScript, shells } from './capture-script.ts';

let browser: Browser;
let bundle: string;
let archive: Uint8Array;

beforeAll(async () => {
	bundle = await bundleArchiveWorker();
	browser = await launchChromium();
	const run = runCaptureScript(shells()[0]!, [makeFixtureRoot().root]);
	if (run.result.status !== 0 || !run.archive) throw new Error(`atlas-capture.sh failed: ${run.result.stderr}`);
	archive = readFileSync(run.archive);
});
afterAll(async () => {
	await browser?.close();
});

describe('archive → snapshot in a Chromium Web Worker', () => {
	it('bundles for the browser with no Node module left', () => {
		expect(bundle).not.toMatch(/from\s*["']node:|require\(["']node:/);
		expect(bundle).toContain('atlas-capture-version');
	});

	it('makes the same snapshot as Node from an archive with module BTF', async () => {
		const answer = await snapshotInChromium(browser, bundle, archive, 'atlas-fixture.tar.gz', '2026-01-01');
		if (!answer.ok) throw new Error(answer.message);
		const inNode = await snapshotFromArchive(archive, 'atlas-fixture.tar.gz', { id: 'in-browser', capturedOn: '2026-01-01' });
		expect(answer.snapshot).toEqual(JSON.parse(JSON.stringify(inNode)));
		expect(answer.snapshot.events.find((e) => e.name === 'xfs_group_get')?.origin).toEqual({ kind: 'module', module: 'xfs' });
	});

	it('refuses a damaged archive with the message Node gives', async () => {
		const truncated = archive.slice(0, archive.length >> 1);
		const answer = await snapshotInChromium(browser, bundle, truncated, 'half.tar.gz', '2026-01-01');
		expect(answer.ok).toBe(false);
		await expect(snapshotFromArchive(truncated, 'half.tar.gz')).rejects.toThrow(answer.ok ? 'no message' : answer.message);
		expect(answer.ok ? '' : answer.message).toMatch(/^half\.tar\.gz: is damaged or truncated/);
	});
});
