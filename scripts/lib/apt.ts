/**
 * Installing Debian packages for `npm test`, patiently: another apt-get (unattended upgrades on a
 * freshly booted machine, another user's install) may hold apt's locks. `apt-get install` waits for
 * the dpkg lock itself when given DPkg::Lock::Timeout; `apt-get update` does not wait for the lists
 * lock, so it is retried until the same deadline. A failure comes back as one line naming the
 * packages and the command to run by hand.
 */
import { spawnSync } from 'node:child_process';

export interface AptSettings {
	/** How long to wait for apt's locks in all, in seconds. */
	lockTimeout: number;
	/** Extra `-o` settings for apt-get (the tests point apt at a scratch dpkg and lists folder). */
	options?: string[];
	/** Prints progress: which lock is being waited for. */
	log?: (line: string) => void;
}

/** Thrown when the packages could not be installed; its message is the whole report, one line. */
export class AptError extends Error {}

const LOCKED = /Could not get lock|Unable to lock|Unable to acquire the dpkg frontend lock/;
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The command a person runs as root to install `packages`. */
export const installCommand = (packages: readonly string[]) => `apt-get update && apt-get install -y ${packages.join(' ')}`;

/** Runs apt-get with its output shown; returns the exit status and the error lines it printed. */
function aptGet(args: string[], settings: AptSettings, lockTimeout: number): { status: number; errors: string } {
	const run = spawnSync('apt-get', ['-o', `DPkg::Lock::Timeout=${Math.max(0, Math.ceil(lockTimeout))}`, ...(settings.options ?? []), ...args], {
		stdio: ['ignore', 'inherit', 'pipe'],
		encoding: 'utf8',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
	});
	if (run.error) return { status: 1, errors: `apt-get: ${run.error.message}` };
	process.stderr.write(run.stderr);
	return { status: run.status ?? 1, errors: run.stderr };
}

/** `apt-get update` then `apt-get install` of `packages`, waiting up to `lockTimeout` seconds for apt's locks. */
export function installPackages(packages: readonly string[], settings: AptSettings): void {
	const deadline = Date.now() + settings.lockTimeout * 1000;
	const left = () => (deadline - Date.now()) / 1000;
	const failed = (step: string, errors: string) => {
		const reason = errors.split('\n').filter((l) => l.startsWith('E:')).at(-1)?.replace(/^E:\s*/, '') ?? `apt-get ${step} failed`;
		return new AptError(`could not install ${packages.join(', ')}: apt-get ${step}: ${reason}. Run as root: ${installCommand(packages)}`);
	};
	let said = false;
	for (;;) {
		const update = aptGet(['update', '-qq'], settings, left());
		if (update.status === 0) break;
		if (!LOCKED.test(update.errors) || left() <= 0) throw failed('update', update.errors);
		if (!said) settings.log?.(`another apt-get holds apt's package lists; waiting up to ${Math.round(left())} s for it to finish…`);
		said = true;
		sleep(Math.min(3000, Math.max(0, left() * 1000)));
	}
	const install = aptGet(['install', '-y', '-qq', '--no-install-recommends', ...packages], settings, left());
	if (install.status !== 0) throw failed('install', install.errors);
}
