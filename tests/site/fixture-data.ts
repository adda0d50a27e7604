/**
 * A small data folder for the browser tests, cut from the committed snapshots (real captures, every
 * kernel): the syscalls and sched categories and every other event the guides in content/ name
 * (their syscall tables and available_events excerpts need the whole syscalls category), with the verifier's results for those events. Building the site from it takes
 * seconds instead of the minutes the full data takes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listKernelIds, readSnapshot, writeSnapshot } from '../../src/data/store.ts';
import { listVerifiedKernels, readVerifyResult, writeVerifyResult } from '../../src/data/verify.ts';
import { checksOf, countOutcomes } from '../../src/schemas/verify.ts';
import { dataDir } from '../../src/site/data.ts';
import { LANGS } from '../../src/site/i18n.ts';
import { guideSlugs, readOutline } from '../guides/outline.ts';

/** Every `category:name` a guide names, in its frontmatter or a component's props. */
const guideEvents = new Set(
	LANGS.flatMap((lang) => guideSlugs(lang).flatMap((slug) => {
		const outline = readOutline(lang, slug);
		return [...outline.frontmatter.events, ...outline.eventRefs];
	})),
);

const KEEP = (e: { category: string; name: string }) =>
	e.category === 'sched' ||
	e.category === 'syscalls' ||
	guideEvents.has(`${e.category}:${e.name}`);

export function writeFixtureData(): string {
	const source = dataDir();
	const ids = listKernelIds(source);
	if (ids.length < 2) throw new Error(`${source}/ holds ${ids.length} kernel snapshot(s); the browser tests need at least two (run npm run capture)`);
	const dir = mkdtempSync(join(tmpdir(), 'atlas-site-data-'));
	for (const id of ids) {
		const snapshot = readSnapshot(source, id);
		writeSnapshot(dir, { ...snapshot, events: snapshot.events.filter(KEEP) });
	}
	const kept = (ref: string) => KEEP({ category: ref.split(':')[0]!, name: ref.split(':')[1]! });
	for (const id of listVerifiedKernels(source)) {
		const result = readVerifyResult(source, id)!;
		const events = result.events.filter((v) => kept(v.event));
		const counts = Object.fromEntries(checksOf(result).map((c) => [c, countOutcomes(events, c)]));
		writeVerifyResult(dir, { ...result, events, counts, headline: result.headline.filter((h) => kept(h.event)) });
	}
	return dir;
}
