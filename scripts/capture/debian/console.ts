/**
 * What the capture VM's init says on the console: the `atlas: …` lines init.sh prints, read back
 * into typed messages. Everything else on the console is the kernel's own log.
 */

export type InitMessage =
	| { kind: 'step'; text: string }
	| { kind: 'loaded'; module: string; events: number }
	| { kind: 'load-failed'; module: string; reason: string }
	| { kind: 'done'; bytes: number; sha256: string }
	| { kind: 'error'; text: string };

/** The message on one console line, or null for kernel output. Tolerates serial `\r` and leading noise. */
export function parseConsoleLine(raw: string): InitMessage | null {
	const line = raw.replaceAll('\r', '');
	const at = line.indexOf('atlas: ');
	if (at < 0) return null;
	const body = line.slice(at + 'atlas: '.length).trimEnd();
	const space = body.indexOf(' ');
	const kind = space < 0 ? body : body.slice(0, space);
	const rest = space < 0 ? '' : body.slice(space + 1);
	switch (kind) {
		case 'step':
			return { kind, text: rest };
		case 'error':
			return { kind, text: rest };
		case 'loaded': {
			const m = /^(\S+) (\d+)$/.exec(rest);
			return m ? { kind, module: m[1]!, events: Number(m[2]) } : null;
		}
		case 'load-failed': {
			const m = /^(\S+) ?(.*)$/.exec(rest);
			return m ? { kind, module: m[1]!, reason: m[2]!.trim() } : null;
		}
		case 'done': {
			const m = /^(\d+) ([0-9a-f]{64})$/.exec(rest);
			return m ? { kind, bytes: Number(m[1]), sha256: m[2]! } : null;
		}
		default:
			return null;
	}
}
