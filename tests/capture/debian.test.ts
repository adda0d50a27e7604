/**
 * System test of the qemu path: boot the bookworm kernel packages of both architectures under qemu
 * again (built-in events only, to stay quick: ~40 s for amd64, ~2 min for arm64 under TCG with its
 * download), build each snapshot with the same builder, and check it against the committed 6.1-amd64
 * and 6.1-arm64 snapshots — proof that the committed data is what the kernel reports, not
 * hand-edited. Needs the network (Debian mirror from the apt sources), qemu-system-x86,
 * qemu-system-arm and busybox-static.
 *
 * Should the archive have moved on to a newer package of that kernel, the test says so and
 * compares what can still be compared: the events whose format did not change must still match.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/data/store.ts';
import type { Event, Snapshot } from '../../src/schemas/snapshot.ts';
import { archOfKernelId } from '../../src/lib/capture/arch-names.ts';
import { buildSnapshot } from '../../src/lib/capture/build-snapshot.ts';
import { captureDebianRaw, type CaptureDebianResult } from '../../scripts/capture/debian/index.ts';
import { readRawCapture } from '../../scripts/capture/raw.ts';

const DATA = new URL('../../data/', import.meta.url).pathname;

const key = (e: Event) => `${e.category}:${e.name}`;
/** The format text as stored: the per-boot `ID:` line is the one part that may differ. */
const withoutId = (text: string) => text.replace(/^ID: \d+$/m, 'ID: -');

describe.each(['6.1-amd64', '6.1-arm64'])('the %s kernel booted under qemu again', (KERNEL_ID) => {
	let committed: Snapshot;
	let captured: Snapshot;
	let capture: CaptureDebianResult;
	let work: string;

	beforeAll(async () => {
		committed = readSnapshot(DATA, KERNEL_ID);
		const source = committed.provenance.source;
		if (source.kind !== 'debian') throw new Error(`data/kernels/${KERNEL_ID}.json is not a Debian capture (source ${source.kind})`);
		work = mkdtempSync(join(tmpdir(), 'atlas-debian-'));
		capture = await captureDebianRaw({ suite: source.suite, arch: archOfKernelId(KERNEL_ID)!, workDir: work, builtinOnly: true, onProgress: (line) => console.log(`${KERNEL_ID} ${line}`) });
		captured = buildSnapshot(readRawCapture(capture.rawDir), { id: KERNEL_ID, source: capture.source, method: capture.method });
	});

	afterAll(() => {
		if (work) rmSync(work, { recursive: true, force: true });
	});

	const samePackage = () => {
		const was = committed.provenance.source;
		const now = capture.source;
		if (was.kind === 'debian' && was.package === now.package && was.version === now.version) return true;
		console.log(
			`the archive moved on: ${KERNEL_ID} was captured from ${was.kind === 'debian' ? `${was.package} ${was.version}` : was.kind}, ` +
				`the suite now has ${now.package} ${now.version}; comparing only what that change left alone. Re-capture ${KERNEL_ID} to refresh it.`,
		);
		return false;
	};

	it('gets exactly the committed built-in events, each with the same format and context', () => {
		const builtin = committed.events.filter((e) => e.origin.kind === 'builtin');
		const committedByKey = new Map(builtin.map((e) => [key(e), e]));
		const capturedByKey = new Map(captured.events.map((e) => [key(e), e]));
		expect(captured.events.every((e) => e.origin.kind === 'builtin')).toBe(true);

		const same = samePackage();
		const added = [...capturedByKey.keys()].filter((k) => !committedByKey.has(k));
		const removed = [...committedByKey.keys()].filter((k) => !capturedByKey.has(k));
		const formatChanged: string[] = [];
		const contextDiffers: string[] = [];
		for (const [k, mine] of capturedByKey) {
			const theirs = committedByKey.get(k);
			if (!theirs) continue;
			if (withoutId(mine.formatText) !== withoutId(theirs.formatText)) formatChanged.push(k);
			else if (JSON.stringify(mine.context) !== JSON.stringify(theirs.context)) contextDiffers.push(k);
		}
		const compared = capturedByKey.size - added.length - formatChanged.length;
		console.log(
			`${capture.source.package} ${capture.source.version}: ${captured.events.length} built-in events captured in ${capture.stats.seconds.toFixed(0)} s; ` +
				`${compared} compared with the committed snapshot, ${added.length} new, ${removed.length} gone, ${formatChanged.length} with a changed format`,
		);
		if (same) {
			expect(added, 'events the committed snapshot lacks').toEqual([]);
			expect(removed, 'committed events the kernel no longer has').toEqual([]);
			expect(formatChanged, 'events whose format differs from the committed one').toEqual([]);
			expect(captured.provenance.release).toBe(committed.provenance.release);
		} else if (added.length + removed.length + formatChanged.length) {
			console.log(`changed with the new package: ${[...added.map((k) => `+${k}`), ...removed.map((k) => `-${k}`), ...formatChanged.map((k) => `~${k}`)].join(' ')}`);
		}
		// Whatever the package, an event with an unchanged format has an unchanged context struct.
		expect(contextDiffers, 'events whose context struct differs from the committed one').toEqual([]);
		expect(compared).toBeGreaterThan(0);
	});

	it("finds every module the committed snapshot loaded among the package's trace-event modules", () => {
		if (!samePackage()) return;
		const missing = committed.provenance.modulesLoaded.filter((m) => !capture.stats.traceModules.includes(m));
		expect(missing).toEqual([]);
	});
});
