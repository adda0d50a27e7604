/**
 * Booting the capture VM: qemu with the kernel, the initramfs and a raw virtio disk that init.sh
 * writes its result to. The console (first serial port) is streamed for init's `atlas:` messages
 * and kept as a tail for error reports.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, createWriteStream, readFileSync } from 'node:fs';
import type { ArchProfile } from './arch.ts';
import { parseConsoleLine, type InitMessage } from './console.ts';

export type Accel = 'kvm' | 'tcg';

export interface BootSpec {
	arch: ArchProfile;
	accel: Accel;
	kernel: string;
	initrd: string;
	/** Raw disk image that appears as /dev/vda in the guest. */
	disk: string;
	/** Where the whole console is written (`\r` stripped). */
	consoleLog: string;
	/**
	 * Give up when init has said nothing this long after start (a guest that never gets to run).
	 * Both limits count the CPU time qemu got, not the clock (see Watchdog).
	 */
	firstMessageTimeoutMs: number;
	/**
	 * Then give up when init goes this long without a message (a hung module load or payload). A
	 * limit on silence, not on the whole run, lets long payloads run as long as they report progress.
	 */
	silenceTimeoutMs: number;
	onMessage: (message: InitMessage) => void;
}

/** The guest did not finish; carries the end of its console so the reader can see why. */
export class BootError extends Error {
	readonly neverStarted: boolean;
	constructor(problem: string, consoleTail: string[], neverStarted = false) {
		super(`${problem}\n--- last console lines ---\n${consoleTail.join('\n') || '(no console output)'}\n---`);
		this.name = 'BootError';
		this.neverStarted = neverStarted;
	}
}

const CONSOLE_TAIL_LINES = 40;

/** Whether /dev/kvm can be opened and the guest's architecture is the host's. */
export function kvmAvailable(arch: ArchProfile): boolean {
	if (process.arch !== arch.kvmHostArch) return false;
	try {
		accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
		return true;
	} catch {
		return false;
	}
}

/** Fails with a message naming the package when the arch's qemu is not installed. */
export function requireQemu(arch: ArchProfile): void {
	if (spawnSync(arch.qemuBinary, ['--version'], { stdio: 'ignore' }).error) {
		throw new Error(`${arch.qemuBinary} is not installed; install it with: apt-get install ${arch.qemuPackage}`);
	}
}

/** Boots the VM and resolves with init's `done` message once qemu has exited after it. */
export function boot(spec: BootSpec): Promise<Extract<InitMessage, { kind: 'done' }>> {
	const args = [
		'-accel', spec.accel,
		...spec.arch.machineArgs[spec.accel],
		'-m', '2G',
		'-smp', '1',
		'-display', 'none',
		'-monitor', 'none',
		'-serial', 'stdio',
		'-no-reboot',
		'-kernel', spec.kernel,
		'-initrd', spec.initrd,
		// panic=-1 reboots at once on a panic, and -no-reboot turns that reboot into qemu exiting.
		// Expedited RCU grace periods: under emulation a normal one takes several ticks, and booting,
		// loading modules and detaching BPF programs wait for many (boot of 6.1: 18 s became 8 s).
		'-append', `console=${spec.arch.consoleDevice} panic=-1 quiet rcupdate.rcu_expedited=1`,
		'-drive', `file=${spec.disk},format=raw,if=virtio`,
	];
	return new Promise((resolve, reject) => {
		const qemu = spawn(spec.arch.qemuBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		// A command that ends (a failure, or a signal it handles) takes its VM with it.
		const killOnExit = () => qemu.kill('SIGKILL');
		process.on('exit', killOnExit);
		const log = createWriteStream(spec.consoleLog);
		const tail: string[] = [];
		let partial = '';
		let stderr = '';
		let done: Extract<InitMessage, { kind: 'done' }> | null = null;
		let failure: BootError | null = null;
		let heardFromInit = false;
		const stop = (error: BootError) => {
			failure ??= error;
			qemu.kill('SIGKILL');
		};
		const watchdog = new Watchdog(qemu.pid!, spec.firstMessageTimeoutMs / 1000, (waited) =>
			stop(new BootError(`init said nothing within ${waited} of starting qemu (-accel ${spec.accel})`, tail, true)),
		);
		const heardFrom = () =>
			watchdog.restart(spec.silenceTimeoutMs / 1000, (waited) => stop(new BootError(`init said nothing for ${waited} (hung?)`, tail)));
		const onLine = (raw: string) => {
			const line = raw.replaceAll('\r', '');
			log.write(`${line}\n`);
			tail.push(line);
			if (tail.length > CONSOLE_TAIL_LINES) tail.shift();
			const message = parseConsoleLine(line);
			if (!message) return;
			heardFromInit = true;
			heardFrom();
			if (message.kind === 'done') done = message;
			if (message.kind === 'error') failure ??= new BootError(`the capture VM failed: ${message.text}`, tail);
			spec.onMessage(message);
		};
		qemu.stdout.on('data', (chunk: Buffer) => {
			const lines = (partial + chunk.toString('latin1')).split('\n');
			partial = lines.pop()!;
			lines.forEach(onLine);
		});
		qemu.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		qemu.on('error', (error) => {
			watchdog.stop();
			reject(new Error(`cannot start ${spec.arch.qemuBinary}: ${error.message}`));
		});
		qemu.on('close', (code, signal) => {
			process.off('exit', killOnExit);
			watchdog.stop();
			if (partial) onLine(partial);
			log.end();
			if (failure) return reject(failure);
			if (done) return resolve(done);
			const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
			const qemuSays = stderr.trim() ? `; qemu says: ${stderr.trim().split('\n').slice(-5).join(' / ')}` : '';
			reject(new BootError(`qemu ${how} before the capture finished (kernel panic or failed boot?)${qemuSays}`, tail, !heardFromInit));
		});
	});
}

/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds a process has used (user + system, its vCPU threads included), or null once it is gone. */
function cpuSeconds(pid: number): number | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// After "pid (comm) ", utime and stime are the 12th and 13th fields.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
	} catch {
		return null;
	}
}

/**
 * Fires when the guest has been silent for a limit counted in the CPU time qemu got, so a host busy
 * with other work (a guest given a tenth of a core boots ten times slower) does not fail a healthy
 * boot. A guest that hangs idle uses no CPU, so the clock still ends the wait at `wallFactor` times the limit.
 */
export class Watchdog {
	private timer: NodeJS.Timeout;
	private from = { cpu: 0, wall: 0 };
	private limit = 0;
	private fire: (waited: string) => void = () => {};
	private readonly pid: number;
	private readonly wallFactor: number;

	constructor(pid: number, limitSeconds: number, fire: (waited: string) => void, wallFactor = 4) {
		this.pid = pid;
		this.wallFactor = wallFactor;
		this.restart(limitSeconds, fire);
		this.timer = setInterval(() => this.check(), Math.min(1000, limitSeconds * 250));
		this.timer.unref();
	}

	restart(limitSeconds: number, fire: (waited: string) => void): void {
		this.from = { cpu: cpuSeconds(this.pid) ?? 0, wall: performance.now() / 1000 };
		this.limit = limitSeconds;
		this.fire = fire;
	}

	stop(): void {
		clearInterval(this.timer);
	}

	private check(): void {
		const cpu = (cpuSeconds(this.pid) ?? this.from.cpu) - this.from.cpu;
		const wall = performance.now() / 1000 - this.from.wall;
		if (cpu < this.limit && wall < this.limit * this.wallFactor) return;
		this.stop();
		this.fire(`${cpu.toFixed(1)} s of qemu's CPU time (${wall.toFixed(1)} s on the clock)`);
	}
}
