/**
 * The headline programs run end to end inside the VM: each generated loader is started, its event is
 * made to fire by a busybox command, and the line it prints must carry the trigger's pid, command
 * name and the values the command used (address:port, path, return value).
 *
 * Pure: the definitions, the parser for the loaders' output lines and the check. The guest side is
 * guest.sh; the trigger scripts are written from `script` below.
 */

/** A file the openat trigger opens, staged into the initramfs by the host. */
export const MARKER_PATH = '/verify/marker';
/** A port nothing listens on in the VM: connect() fails with ECONNREFUSED. */
export const CLOSED_PORT = 1;

export interface Headline {
	/** Directory name in the guest and in the results. */
	name: string;
	/** The traced event. */
	category: string;
	event: string;
	pairExit: boolean;
	/** The command that makes the event fire; what the results show. */
	trigger: string;
	/**
	 * What the line must show. `PID` and `COMM` are the line's own columns (PID is filled in with the
	 * trigger's pid); every other key is a field printed as `name=value`.
	 */
	expect: Record<string, string>;
}

/**
 * Each trigger runs as `sh trigger <pidfile>`: it writes its pid, then execs the command, so the
 * event comes from that pid. For execve the exec itself is the event: `sh` calls it, and after it
 * the task is called `true`.
 */
export const HEADLINES: readonly Headline[] = [
	{
		name: 'connect',
		category: 'syscalls',
		event: 'sys_enter_connect',
		pairExit: true,
		trigger: `nc 127.0.0.1 ${CLOSED_PORT}`,
		expect: { COMM: 'nc', uservaddr: `127.0.0.1:${CLOSED_PORT}`, ret: '-ECONNREFUSED' },
	},
	{
		name: 'openat',
		category: 'syscalls',
		event: 'sys_enter_openat',
		pairExit: false,
		trigger: `cat ${MARKER_PATH}`,
		expect: { COMM: 'cat', filename: JSON.stringify(MARKER_PATH) },
	},
	{
		name: 'execve',
		category: 'syscalls',
		event: 'sys_enter_execve',
		pairExit: false,
		trigger: '/bin/true atlas-verify',
		expect: { COMM: 'sh', filename: '"/bin/true"', argv: '["/bin/true", "atlas-verify"]' },
	},
	{
		name: 'sched_process_exec',
		category: 'sched',
		event: 'sched_process_exec',
		pairExit: false,
		trigger: '/bin/true atlas-verify',
		expect: { COMM: 'true', filename: '"/bin/true"' },
	},
];

/** The trigger script the guest runs as `sh trigger <pidfile>`. */
export function triggerScript(h: Headline): string {
	return `echo $$ >"$1"\nexec ${h.trigger}\n`;
}

/** One line a generated loader prints: `TIME PID COMM EVENT name=value…`. */
export interface LoaderLine {
	time: string;
	pid: string;
	comm: string;
	event: string;
	fields: Record<string, string>;
}

/**
 * Reads one output line of a generated loader (tp_helpers.h: tp_print_header and the tp_print_*
 * helpers). Values are kept as printed: strings with their quotes, argv as `["a", "b"]`.
 * Returns null for lines that are not records (the column header, messages).
 */
export function parseLoaderLine(line: string): LoaderLine | null {
	const head = /^(\d\d:\d\d:\d\d) +(\d+) +(.{1,64}?) +([\w.-]+)((?: [\w.]+=.*)?)$/.exec(line);
	if (!head) return null;
	const [, time, pid, comm, event, rest] = head as unknown as [string, string, string, string, string, string];
	const fields: Record<string, string> = {};
	let i = 0;
	while (i < rest.length) {
		const name = /^ ([\w.]+)=/.exec(rest.slice(i));
		if (!name) return null;
		i += name[0].length;
		const start = i;
		i = valueEnd(rest, i);
		fields[name[1]!] = rest.slice(start, i);
	}
	return { time, pid, comm: comm.trimEnd(), event, fields };
}

/** Where a value starting at `i` ends: a quoted string, a bracketed list of them, or up to the next ` name=`. */
function valueEnd(text: string, i: number): number {
	const skipString = (at: number) => {
		let j = at + 1;
		while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
		return j + 1;
	};
	if (text[i] === '"') return skipString(i);
	if (text[i] === '[') {
		let j = i + 1;
		while (j < text.length && text[j] !== ']') j = text[j] === '"' ? skipString(j) : j + 1;
		return j + 1;
	}
	const next = text.slice(i).search(/ [\w.]+=/);
	return next < 0 ? text.length : i + next;
}

export interface HeadlineCheck {
	expected: Record<string, string>;
	/** The matching line, or the closest candidate when none matched, or null. */
	line: string | null;
	passed: boolean;
	problem?: string;
}

/**
 * Checks a loader's stdout for the line the trigger should have caused: the event, from the
 * trigger's pid, with every expected value.
 */
export function checkHeadline(h: Headline, run: { stdout: string; stderr: string; triggerPid: string | null; status: string | null }): HeadlineCheck {
	const expected = { PID: run.triggerPid ?? '?', ...h.expect };
	const fail = (problem: string, line: string | null = null): HeadlineCheck => ({ expected, line, passed: false, problem });
	const tail = (text: string) => text.trim().split('\n').slice(-5).join(' / ');
	if (run.triggerPid === null) return fail(`the loader never got ready, so the trigger did not run; loader said: ${tail(run.stderr) || '(nothing)'}`);
	const lines = run.stdout.split('\n').filter((l) => parseLoaderLine(l)?.event === h.event);
	const mismatches = (line: string) => {
		const p = parseLoaderLine(line)!;
		return Object.entries(expected).filter(([key, want]) => (key === 'PID' ? p.pid : key === 'COMM' ? p.comm : p.fields[key]) !== want);
	};
	const fromTrigger = lines.filter((l) => parseLoaderLine(l)!.pid === run.triggerPid);
	const match = fromTrigger.find((l) => mismatches(l).length === 0);
	if (match) return { expected, line: match, passed: true };
	if (fromTrigger.length === 0) {
		return fail(`no ${h.event} line from pid ${run.triggerPid} (${lines.length} ${h.event} lines from other pids; loader status ${run.status ?? '?'}; stderr: ${tail(run.stderr) || 'empty'})`);
	}
	const closest = [...fromTrigger].sort((a, b) => mismatches(a).length - mismatches(b).length)[0]!;
	const wrong = mismatches(closest).map(([key, want]) => {
		const p = parseLoaderLine(closest)!;
		return `${key} is ${JSON.stringify(key === 'COMM' ? p.comm : p.fields[key] ?? null)}, not ${JSON.stringify(want)}`;
	});
	return fail(wrong.join('; '), closest);
}
