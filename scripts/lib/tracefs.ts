/** Finding (and, as root, mounting) tracefs. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

/** The tracefs mount point, mounting it at /sys/kernel/tracing when root and needed; throws a clear error otherwise. */
export function ensureTracefs(): string {
	for (const dir of CANDIDATES) if (existsSync(`${dir}/available_events`)) return dir;
	const mountPoint = CANDIDATES[0] as string;
	if (process.getuid?.() !== 0) {
		throw new Error(`tracefs is not mounted and mounting it needs root: run as root, or first run\n  sudo mount -t tracefs nodev ${mountPoint}`);
	}
	try {
		execFileSync('mount', ['-t', 'tracefs', 'nodev', mountPoint], { stdio: 'pipe' });
	} catch (error) {
		throw new Error(`cannot mount tracefs at ${mountPoint} (${(error as Error).message.trim()}); is CONFIG_TRACING enabled in this kernel?`);
	}
	if (!existsSync(`${mountPoint}/available_events`)) {
		throw new Error(`tracefs mounted at ${mountPoint} has no available_events: this kernel has no trace events (CONFIG_EVENT_TRACING)`);
	}
	return mountPoint;
}
