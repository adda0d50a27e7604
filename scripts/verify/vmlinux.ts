/**
 * A kernel package's BTF without booting it: the compressed vmlinux inside the bzImage carries its
 * .BTF section, so decompressing it (what the kernel's scripts/extract-vmlinux does) gives an ELF
 * file that `bpftool btf dump file` reads. From it: vmlinux.h and its precompiled header, so the
 * vmlinux.h variant of every program is compiled against that kernel's own types.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bpfFlags, vmlinuxPch } from '../../tests/generate/harness.ts';

/** Compression formats a kernel image may use, by the magic bytes that start the stream. */
const FORMATS: { name: string; magic: Buffer; command: string[] }[] = [
	{ name: 'zstd', magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), command: ['zstd', '-dcq'] },
	{ name: 'xz', magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), command: ['xz', '-dcq'] },
	{ name: 'gzip', magic: Buffer.from([0x1f, 0x8b, 0x08]), command: ['gzip', '-dcq'] },
];
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/**
 * Finds the vmlinux ELF inside a compressed kernel image: tries each compressed stream the image
 * holds until one decompresses to an ELF file. The decompressor may complain about the bytes that
 * follow the stream, so its output is judged, not its exit status.
 */
export function extractVmlinux(image: Buffer, what: string): Buffer {
	for (const format of FORMATS) {
		for (let at = image.indexOf(format.magic); at >= 0; at = image.indexOf(format.magic, at + 1)) {
			const [cmd, ...args] = format.command as [string, ...string[]];
			const r = spawnSync(cmd, args, { input: image.subarray(at), maxBuffer: 1 << 30 });
			// A false magic makes the decompressor stop reading early (EPIPE): just not this one.
			if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(`cannot run ${cmd} to unpack ${what}: install ${cmd}`);
			if (r.stdout.length > 4 && r.stdout.subarray(0, 4).equals(ELF_MAGIC)) return r.stdout;
		}
	}
	throw new Error(`${what} holds no zstd, xz or gzip stream that unpacks to an ELF vmlinux`);
}

/**
 * The kernel image's BTF as a vmlinux ELF file, its vmlinux.h and the clang flags that compile a
 * vmlinux.h program against it (the PCH of tests/generate/harness.ts).
 */
export async function kernelBtfFromImage(image: string, dir: string): Promise<{ vmlinux: string; flags: string[] }> {
	mkdirSync(dir, { recursive: true });
	const vmlinux = join(dir, 'vmlinux');
	writeFileSync(vmlinux, extractVmlinux(readFileSync(image), image));
	const { includeDir, pch } = await vmlinuxPch(dir, vmlinux);
	return { vmlinux, flags: [...bpfFlags(includeDir), '-include-pch', pch] };
}
