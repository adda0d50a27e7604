/**
 * What the operating system says, in words for the user (why a file operation failed, whether a
 * process runs), and a mkdir -p that cannot hang.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const PROBLEMS: Record<string, string> = {
	ENOSPC: 'no space left on the device',
	EDQUOT: 'disk quota exceeded',
	EROFS: 'read-only file system',
	EACCES: 'permission denied',
	EPERM: 'operation not permitted',
	ENOENT: 'no such file or folder',
	ENOTDIR: 'a part of the path is a file, not a folder',
	EISDIR: 'is a folder, not a file',
	EEXIST: 'already exists',
	ENOTEMPTY: 'folder is not empty',
	EXDEV: 'on another mount than the data folder',
	ENAMETOOLONG: 'name too long',
	ELOOP: 'too many symbolic links',
	EIO: 'input/output error',
};

/** The path and problem of a Node file-system error, or null for any other error. */
export function fsProblem(error: unknown): { path: string | undefined; problem: string } | null {
	const code = (error as NodeJS.ErrnoException | null)?.code;
	if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return null;
	const { path, syscall } = error as NodeJS.ErrnoException;
	return { path, problem: PROBLEMS[code] ?? `${syscall ?? 'file operation'} failed (${code})` };
}

/** Whether a process with this pid runs (signal 0 only checks). */
export function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Creates `dir` and its missing parents, one level at a time: Node's recursive mkdir loops forever
 * where mkdir fails with ENOENT under an existing parent (anywhere in /proc, say).
 */
export function makeDirectory(dir: string): void {
	const missing: string[] = [];
	for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
		missing.unshift(at);
		if (dirname(at) === at) break;
	}
	for (const level of missing) mkdirSync(level);
}
