/**
 * Booting the capture VM: qemu with the kernel, the initramfs and a raw virtio disk that init.sh
 * writes its result to. The console (first serial port) is streamed for init's `atlas:` messages
 * and kept as a tail for error reports.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
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
	/** Give up when init has said nothing this long after start (a guest that never gets to run). */
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
		'-append', `console=${spec.arch.consoleDevice} panic=-1 quiet`,
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
		let watchdog = setTimeout(
			() => stop(new BootError(`init said nothing within ${spec.firstMessageTimeoutMs / 1000} s of starting qemu (-accel ${spec.accel})`, tail, true)),
			spec.firstMessageTimeoutMs,
		);
		const heardFrom = () => {
			clearTimeout(watchdog);
			watchdog = setTimeout(() => stop(new BootError(`init said nothing for ${spec.silenceTimeoutMs / 1000} s (hung?)`, tail)), spec.silenceTimeoutMs);
		};
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
			clearTimeout(watchdog);
			reject(new Error(`cannot start ${spec.arch.qemuBinary}: ${error.message}`));
		});
		qemu.on('close', (code, signal) => {
			process.off('exit', killOnExit);
			clearTimeout(watchdog);
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
