/** The running kernel as a capture source: copies tracefs, BTF and kallsyms facts into a raw capture directory (see raw.ts). */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { machine, release } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureTracefs } from '../lib/tracefs.ts';
import { eventOriginsFromKallsyms, formatEventOrigins } from '../../src/lib/capture/origins.ts';
import { formatPath, RAW_FILES } from './raw.ts';

const BTF_DIR = '/sys/kernel/btf';
const KALLSYMS = '/proc/kallsyms';

export interface RunningRawResult {
	eventCount: number;
	btf: boolean;
	moduleEventCount: number;
}

/**
 * Fills `rawDir` (created if needed) from the running kernel. Needs root: tracefs and the module
 * tags in /proc/kallsyms are root's. A kernel without BTF is still captured (without btf/).
 */
export function captureRunningRaw(rawDir: string, log: (line: string) => void = () => {}): RunningRawResult {
	if (process.getuid?.() !== 0) {
		throw new Error('capturing the running kernel reads tracefs and /proc/kallsyms, which need root: run it as root (sudo npm run capture -- --running)');
	}
	const tracefs = ensureTracefs();
	mkdirSync(rawDir, { recursive: true });
	const write = (name: string, text: string | Uint8Array) => {
		mkdirSync(dirname(join(rawDir, name)), { recursive: true });
		writeFileSync(join(rawDir, name), text);
	};
	write(RAW_FILES.release, `${release()}\n`);
	write(RAW_FILES.arch, `${machine()}\n`);
	write(RAW_FILES.procVersion, readFileSync('/proc/version', 'utf8'));

	// tracefs files report size 0, so read them to the end rather than copying by size.
	const available = readFileSync(join(tracefs, RAW_FILES.availableEvents), 'utf8');
	write(RAW_FILES.availableEvents, available);
	const events = available
		.split('\n')
		.filter((l) => l.trim() !== '')
		.map((l) => {
			const [category, name] = l.trim().split(':') as [string, string];
			return { category, name };
		});
	for (const { category, name } of events) {
		const target = formatPath(rawDir, category, name);
		mkdirSync(dirname(target), { recursive: true });
		writeFileSync(target, readFileSync(formatPath(tracefs, category, name)));
	}
	log(`copied ${events.length} format files from ${tracefs}`);

	const btf = existsSync(join(BTF_DIR, 'vmlinux'));
	if (btf) {
		const files = readdirSync(BTF_DIR).sort();
		for (const name of files) write(join(RAW_FILES.btf, name), readFileSync(join(BTF_DIR, name)));
		log(`copied BTF of vmlinux${files.length > 1 ? ` and ${files.length - 1} modules` : ''} from ${BTF_DIR}`);
	} else {
		log(`warning: ${BTF_DIR}/vmlinux is missing: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF); events get no context struct`);
	}

	const origins = eventOriginsFromKallsyms(readFileSync(KALLSYMS, 'utf8'), events, KALLSYMS);
	write(RAW_FILES.eventOrigins, formatEventOrigins(origins));
	// Nothing is loaded for a running-kernel capture: the modules that define events are those already loaded.
	const modules = [...new Set(origins.values())].sort();
	write(RAW_FILES.modulesLoaded, modules.map((m) => `${m}\n`).join(''));
	log(`${origins.size} events come from ${modules.length} loaded modules`);
	return { eventCount: events.length, btf, moduleEventCount: origins.size };
}
