import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractVmlinux } from '../../scripts/verify/vmlinux.ts';

/**
 * A kernel image is a boot stub followed by the compressed vmlinux; the stub may hold bytes that look
 * like a compression magic. Built here from a real ELF file (/bin/true) and the real compressors.
 */
const elf = readFileSync('/bin/true');
const falseXzMagic = Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(64, 0xab)]);
const image = (compressor: string[], payload: Buffer) =>
	Buffer.concat([Buffer.from('MZ boot stub '), falseXzMagic, execFileSync(compressor[0]!, compressor.slice(1), { input: payload }), Buffer.alloc(512, 0x5a)]);

describe('extractVmlinux', () => {
	it('skips a false magic and unpacks the stream that holds an ELF file', () => {
		expect(extractVmlinux(image(['zstd', '-c', '-q'], elf), 'zstd image').equals(elf)).toBe(true);
		expect(extractVmlinux(image(['xz', '-c'], elf), 'xz image').equals(elf)).toBe(true);
	});

	it('says which image holds no vmlinux', () => {
		expect(() => extractVmlinux(image(['xz', '-c'], Buffer.from('not an ELF file')), 'vmlinuz-test')).toThrow(
			'vmlinuz-test holds no zstd, xz or gzip stream that unpacks to an ELF vmlinux',
		);
	});
});
