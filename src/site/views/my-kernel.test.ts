import { describe, expect, it } from 'vitest';
import { listKernelIds, readSnapshot } from '../../data/store.ts';
import type { Snapshot } from '../../schemas/snapshot.ts';
import { dataDir } from '../data.ts';
import { compareKernels, packKernelFields } from '../my-kernel/compare.ts';
import { toHtml } from '../html.ts';
import { createUrls } from '../urls.ts';
import { comparisonView, kernelSummary } from './my-kernel.ts';

const ids = listKernelIds(dataDir()).filter((id) => /^\d/.test(id)).sort();
const real = readSnapshot(dataDir(), ids[0]!);
const urls = createUrls('/atlas/');

describe('the my-kernel report', () => {
	it('shows what the archive said as text, never as markup', () => {
		const hostile: Snapshot = {
			...real,
			provenance: { ...real.provenance, btf: false, source: { kind: 'contributed', procVersion: 'Linux', os: { name: '<img src=x onerror=alert(1)>', version: '"24.04"' }, traceSource: 'tracefs' } },
		};
		const out = toHtml(kernelSummary('en', { snapshot: hostile, fileName: '"><script>alert(1)</script>.tar.gz', importedAt: '2026-11-30T00:00:00.000Z' }, urls));
		expect(out).not.toMatch(/<img|<script/);
		expect(out).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;24.04&quot;');
		expect(out).toContain('no BTF');
	});

	it('links the reader’s events to their own pages and the captured kernel’s to its event pages', () => {
		const newest = readSnapshot(dataDir(), ids.at(-1)!);
		const comparison = compareKernels(real.events, packKernelFields(newest.provenance.id, newest.events));
		const out = toHtml(comparisonView('en', comparison, newest.provenance, urls));
		const missing = comparison.missing[0]!;
		expect(out).toContain(`href="${urls.event('en', missing.split(':')[0]!, missing.split(':')[1]!, newest.provenance.id)}"`);
		if (comparison.added[0]) expect(out).toContain(`href="/atlas/en/my-kernel/event/?e=${encodeURIComponent(comparison.added[0])}"`);
		expect(out).toContain(`${comparison.missing.length.toLocaleString('en-US')} events ${newest.provenance.id} has and your kernel lacks`);
	});
});
