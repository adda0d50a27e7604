/**
 * Module scanning on real Debian modules (fixtures/modules: four `.ko.xz` from
 * linux-image-6.12.117+deb13-amd64-unsigned, and crc16.ko from linux-image-6.1.0-50-amd64-unsigned
 * for the uncompressed path), checked against kmod's modinfo and llvm-readelf.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSections } from './elf.ts';
import { loadPlan, readModuleElf, scanModules, uncompressedName } from './modules.ts';

const FIXTURES = new URL('./fixtures/modules/', import.meta.url).pathname;
const modinfo = (file: string, field: string) =>
	execFileSync('modinfo', ['-F', field, join(FIXTURES, file)], { encoding: 'utf8' }).split('\n').filter(Boolean);

describe('scanModules', async () => {
	const modules = await scanModules(FIXTURES);

	it('finds every module under the directory, by the name the kernel uses', () => {
		expect([...modules.keys()]).toEqual(['applespi', 'crc16', 'crc32c_generic', 'kyber_iosched', 'libcrc32c']);
		expect(modules.get('kyber_iosched')!.file).toBe('kernel/block/kyber-iosched.ko.xz');
		for (const m of modules.values()) expect(m.name).toBe(modinfo(m.file, 'name')[0]);
	});

	it('reads depends, softdeps and aliases as modinfo does', () => {
		for (const m of modules.values()) {
			expect(m.depends, m.name).toEqual((modinfo(m.file, 'depends')[0] ?? '').split(',').filter(Boolean));
			expect(m.aliases, m.name).toEqual(modinfo(m.file, 'alias'));
		}
		expect(modules.get('applespi')!.depends).toEqual(['crc16']);
		expect(modinfo('kernel/lib/libcrc32c.ko.xz', 'softdep')).toEqual(['pre: crc32c']);
		expect(modules.get('libcrc32c')!.softdepsPre).toEqual(['crc32c']);
	});

	it('tells trace-event modules by their _ftrace_events section, as llvm-readelf lists it', () => {
		const scratch = mkdtempSync(join(tmpdir(), 'atlas-modules-'));
		for (const m of modules.values()) {
			const elf = join(scratch, uncompressedName(m.file).replaceAll('/', '_'));
			writeFileSync(elf, execFileSync('sh', ['-c', 'xz -dcf "$1"', 'sh', join(FIXTURES, m.file)]));
			const listed = execFileSync('llvm-readelf', ['--section-headers', elf], { encoding: 'utf8' });
			expect(m.definesEvents, m.name).toBe(/\s_ftrace_events\s/.test(listed));
		}
		expect([...modules.values()].filter((m) => m.definesEvents).map((m) => m.name)).toEqual(['applespi', 'kyber_iosched']);
	});

	it('decompresses to the bytes xz gives, and rejects what is not ELF64 little-endian', async () => {
		const elf = await readModuleElf(join(FIXTURES, 'kernel/block/kyber-iosched.ko.xz'));
		expect(elf.equals(execFileSync('xz', ['-dc', join(FIXTURES, 'kernel/block/kyber-iosched.ko.xz')]))).toBe(true);
		const compressed = readFileSync(join(FIXTURES, 'kernel/block/kyber-iosched.ko.xz'));
		expect(() => readSections(compressed, 'kyber-iosched.ko.xz')).toThrow('kyber-iosched.ko.xz: not an ELF file');
	});
});

describe('loadPlan', async () => {
	const modules = await scanModules(FIXTURES);

	it('puts dependencies first, resolving a soft dependency through its alias', () => {
		expect(loadPlan(modules, ['libcrc32c', 'applespi']).map((m) => m.name)).toEqual(['crc16', 'applespi', 'crc32c_generic', 'libcrc32c']);
	});

	it('loads each module once, whoever needs it', () => {
		expect(loadPlan(modules, ['crc16', 'applespi', 'crc16']).map((m) => m.name)).toEqual(['crc16', 'applespi']);
	});

	it('names the module whose hard dependency the package lacks; a missing soft one is skipped', () => {
		const withoutCrc16 = new Map([...modules].filter(([name]) => name !== 'crc16'));
		expect(() => loadPlan(withoutCrc16, ['applespi'])).toThrow('module crc16 (needed by applespi) is not in the kernel package');
		const withoutCrc32c = new Map([...modules].filter(([name]) => name !== 'crc32c_generic'));
		expect(loadPlan(withoutCrc32c, ['libcrc32c']).map((m) => m.name)).toEqual(['libcrc32c']);
	});
});
