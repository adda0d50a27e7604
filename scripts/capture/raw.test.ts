import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_EVENTS, makeFixtureRawDir } from './fixtures/raw-dir.ts';
import { formatPath, RAW_FILES, RawCaptureError, readRawCapture } from './raw.ts';

describe('readRawCapture', () => {
	it('reads a complete raw capture directory', () => {
		const dir = makeFixtureRawDir();
		const raw = readRawCapture(dir);
		expect(raw).toMatchObject({ release: '6.18.44-fc-v595', arch: 'x86_64', modulesLoaded: ['xfs'] });
		expect(raw.events.map((e) => `${e.category}:${e.name}`).sort()).toEqual(FIXTURE_EVENTS);
		expect(raw.events.every((e) => e.format.startsWith(`name: ${e.name}\n`))).toBe(true);
		expect([...raw.eventOrigins]).toEqual([['xfs:xfs_group_get', 'xfs']]);
		expect([...(raw.btf?.modules.keys() ?? [])]).toEqual(['xfs']);
	});

	it('reads a kernel without BTF', () => {
		const dir = makeFixtureRawDir();
		rmSync(join(dir, RAW_FILES.btf), { recursive: true });
		expect(readRawCapture(dir).btf).toBeNull();
	});

	it('names the missing or malformed file', () => {
		const broken = (damage: (dir: string) => void) => {
			const dir = makeFixtureRawDir();
			damage(dir);
			return () => readRawCapture(dir);
		};
		expect(broken((d) => rmSync(join(d, RAW_FILES.release)))).toThrow(/uname-r: missing \(the output of `uname -r`\)/);
		expect(broken((d) => rmSync(join(d, RAW_FILES.eventOrigins)))).toThrow(/event-origins: missing/);
		expect(broken((d) => rmSync(formatPath(d, 'sched', 'sched_switch')))).toThrow(
			/events\/sched\/sched_switch\/format: missing: sched:sched_switch is in available_events/,
		);
		expect(broken((d) => appendFileSync(join(d, RAW_FILES.availableEvents), 'not an event id\n'))).toThrow(/available_events:9: expected "<category>:<name>"/);
		expect(broken((d) => writeFileSync(join(d, RAW_FILES.eventOrigins), 'xfs:xfs_nonexistent xfs\n'))).toThrow(/event-origins:1: xfs:xfs_nonexistent is not in available_events/);
		expect(broken((d) => rmSync(join(d, RAW_FILES.btf, 'vmlinux')))).toThrow(/btf\/vmlinux: missing while module BTF is present/);
		expect(broken((d) => writeFileSync(join(d, RAW_FILES.availableEvents), ''))).toThrow(RawCaptureError);
	});
});
