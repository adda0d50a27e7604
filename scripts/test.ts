/**
 * `npm test`: the whole test suite, on a real kernel with real tools.
 *
 * 1. Makes sure the system tools the tests drive are installed: on Debian as root it installs them
 *    with apt-get; anywhere else it stops and names what is missing and the command that installs it.
 *    Tests never skip silently for lack of a tool.
 * 2. Mounts tracefs when it is not mounted (as root).
 * 3. Runs vitest over every test file and closes with one "N passed, N failed" line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { AptError, installCommand, installPackages } from './lib/apt.ts';
import { ensureTracefs } from './lib/tracefs.ts';

/** Debian package → a command (or file) that shows it is installed. */
const SYSTEM_PACKAGES: Record<string, string> = {
	clang: 'clang',
	llvm: 'llvm-strip',
	'libbpf-dev': '/usr/include/bpf/libbpf.h',
	bpftool: 'bpftool',
	bpftrace: 'bpftrace',
	make: 'make',
	'qemu-system-x86': 'qemu-system-x86_64',
	'qemu-system-arm': 'qemu-system-aarch64',
	'busybox-static': '/bin/busybox',
	dash: 'dash',
	mksh: 'mksh',
	cpio: 'cpio',
	zstd: 'zstd',
	kmod: 'depmod',
	'xz-utils': 'xz',
	chromium: 'chromium',
	// A Chinese font, as readers have: the browser tests measure Chinese line breaks and English punctuation against it.
	'fonts-noto-cjk': '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
	'libelf-dev': '/usr/include/libelf.h',
	'zlib1g-dev': '/usr/include/zlib.h',
	'pkg-config': 'pkg-config',
	gcc: 'cc',
	python3: '/usr/bin/python3',
	unzip: 'unzip',
	strace: 'strace',
	// libtraceevent prints captured kernels' records as ftrace does: the reference for decoded values (decode-e2e.test.ts).
	'libtraceevent-dev': '/usr/include/traceevent/event-parse.h',
	// tests/guides/uring-connect.c: a connect through io_uring, which the probe guide says the syscall probes miss.
	'liburing-dev': '/usr/include/liburing.h',
};

function isPresent(probe: string): boolean {
	if (probe.startsWith('/')) return existsSync(probe);
	return spawnSync('sh', ['-c', `command -v ${probe}`], { stdio: 'ignore' }).status === 0;
}

function ensureSystemPackages(): void {
	const missing = Object.entries(SYSTEM_PACKAGES)
		.filter(([, probe]) => !isPresent(probe))
		.map(([pkg]) => pkg);
	if (missing.length === 0) return;
	const isRoot = process.getuid?.() === 0;
	const isDebian = existsSync('/etc/debian_version');
	if (!isRoot || !isDebian) {
		console.error(`npm test: missing system packages: ${missing.join(', ')}.\nInstall them as root on Debian/Ubuntu with:\n  ${installCommand(missing)}`);
		process.exit(1);
	}
	console.log(`npm test: installing ${missing.join(' ')} with apt-get…`);
	try {
		// Up to 10 minutes for another apt-get (unattended upgrades after boot) to let go of apt's locks.
		installPackages(missing, { lockTimeout: 600, log: (line) => console.log(`npm test: ${line}`) });
	} catch (error) {
		if (!(error instanceof AptError)) throw error;
		console.error(`npm test: ${error.message}`);
		process.exit(1);
	}
}

/**
 * The environment of a reader's terminal: login sets HOME, USER, LOGNAME and SHELL, and a CI job may
 * start without them. Without them bash and python3 look their user up at start, and glibc first
 * connects to nscd's Unix socket: extra connect() events in the tests that trace a real connect.
 */
function loginEnvironment(): NodeJS.ProcessEnv {
	const user = userInfo();
	return { HOME: user.homedir, USER: user.username, LOGNAME: user.username, SHELL: user.shell ?? '/bin/sh', ...process.env };
}

ensureSystemPackages();
ensureTracefs();

const report = join(mkdtempSync(join(tmpdir(), 'atlas-test-')), 'vitest.json');
const run = spawnSync('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
	stdio: 'inherit',
	env: loginEnvironment(),
});
if (existsSync(report)) {
	const r = JSON.parse(readFileSync(report, 'utf8')) as {
		numPassedTests: number;
		numFailedTests: number;
		numPendingTests: number;
		testResults: { name: string; status: string; assertionResults: unknown[] }[];
	};
	// A test file that fails before any test runs (an import error, a missing fixture) counts as one failure.
	const brokenFiles = r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0);
	for (const f of brokenFiles) console.log(`failed to run: ${f.name}`);
	console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests + brokenFiles.length} failed, ${r.numPendingTests} skipped`);
}
process.exit(run.status ?? 1);
