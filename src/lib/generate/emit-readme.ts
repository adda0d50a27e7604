/** `README.md`: numbered steps to build and run this program, what its output means, and what to do when it fails. */
import type { Event } from '../../schemas/snapshot.ts';
import { shellQuoted, shellWord } from '../shell/quote.ts';
import { tracefsNameFromData } from './guard.ts';
import { describeKernel } from './kernel.ts';
import type { EventPlan, FieldPlan, ProgramPlan } from './plan.ts';
import { requirementsSentence } from './requirements.ts';

type Language = ProgramPlan['options']['language'];

/** Markdown inline code that survives any content (names from the data cannot contain backticks, but be sure). */
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** A command that makes the event fire, for events where one is obvious. */
export function trigger(e: Event): string | null {
	const call = e.category === 'syscalls' ? e.name.replace(/^sys_(enter|exit)_/, '') : null;
	if (call === 'connect') return "bash -c 'echo > /dev/tcp/127.0.0.1/22'";
	if (call === 'openat' || call === 'open' || call === 'read') return 'cat /etc/hostname';
	if (call === 'execve' || (e.category === 'sched' && /^sched_process_(exec|fork|exit)$/.test(e.name))) return 'ls /';
	if (call === 'write') return 'echo hello';
	return null;
}

export const SHOWN_AS: Record<FieldPlan['show'], { zh: string; en: string }> = {
	signed: { zh: '有符号十进制', en: 'signed decimal' },
	unsigned: { zh: '无符号十进制', en: 'unsigned decimal' },
	hex: { zh: '十六进制（标志位）', en: 'hex (flags)' },
	octal: { zh: '八进制（权限位）', en: 'octal (mode bits)' },
	bool: { zh: 'true/false', en: 'true/false' },
	dev: { zh: '设备号 主:次', en: 'device major:minor' },
	errno: { zh: '返回值，失败时是 -ENOENT 这样的名字', en: 'return value; failures by name, e.g. -ENOENT' },
	address: { zh: '指针地址（十六进制）', en: 'pointer address (hex)' },
	string: { zh: '带引号的字符串', en: 'quoted string' },
	chars: { zh: '带引号的字符串（定长数组）', en: 'quoted string (fixed array)' },
	argv: { zh: '前几个参数字符串', en: 'the first argument strings' },
	ipv4: { zh: 'IPv4 地址', en: 'IPv4 address' },
	ipv6: { zh: 'IPv6 地址', en: 'IPv6 address' },
	mac: { zh: 'MAC 地址', en: 'MAC address' },
	sockaddr: { zh: '地址:端口（解析 struct sockaddr）', en: 'address:port (decoded struct sockaddr)' },
	bytes: { zh: '十六进制字节', en: 'hex bytes' },
	buffer: { zh: '带引号的字节，不可打印的写成 \\x00', en: 'quoted bytes, unprintable ones as \\x00' },
	array: { zh: '数组', en: 'array' },
	struct: { zh: '结构体的主要成员（statbuf.st_size=…）；调用失败时为 (unfilled)', en: 'the struct\'s main members (statbuf.st_size=…); (unfilled) when the call failed' },
};

export const READ_AS: Record<FieldPlan['read'], { zh: string; en: string }> = {
	value: { zh: '直接读 ctx', en: 'loaded from ctx' },
	copy: { zh: 'bpf_probe_read_kernel 复制', en: 'copied with bpf_probe_read_kernel' },
	'ctx-array': { zh: '逐个元素直接读 ctx（CTX_COPY_n）', en: 'loaded from ctx element by element (CTX_COPY_n)' },
	'loc-string': { zh: '按 __data_loc 偏移读记录里的字符串', en: 'string inside the record, via its __data_loc offset' },
	'loc-bytes': { zh: '按 __data_loc 偏移读记录里的数组', en: 'array inside the record, via its __data_loc offset' },
	'user-string': { zh: 'bpf_probe_read_user_str 读用户态字符串', en: 'user string, bpf_probe_read_user_str' },
	'kernel-string': { zh: 'bpf_probe_read_kernel_str 读内核字符串', en: 'kernel string, bpf_probe_read_kernel_str' },
	sockaddr: { zh: 'bpf_probe_read_user 读地址结构', en: 'address struct, bpf_probe_read_user' },
	argv: { zh: '逐个读 argv 指针和字符串', en: 'argv pointers, then their strings' },
	'user-buffer': { zh: 'bpf_probe_read_user 读长度参数给出的字节数（不超过上限）', en: 'as many bytes as its length argument says (up to a cap), bpf_probe_read_user' },
	'out-buffer': { zh: '内核在调用中写入：进入时保存指针，退出时按返回值读', en: 'written by the kernel during the call: pointer saved at entry, bytes read at exit' },
	'out-sockaddr': { zh: '内核在调用中写入：进入时保存指针，退出时按写回的长度读地址', en: 'written by the kernel during the call: pointer saved at entry, address read at exit' },
	'out-int': { zh: '内核在调用中写回：退出时读这个 int', en: 'written back by the kernel: the int, read at exit' },
	'out-struct': { zh: '内核在调用中填写：进入时保存指针，调用成功后在退出时读结构体', en: 'filled by the kernel during the call: pointer saved at entry, struct read at exit once the call succeeded' },
};

function fieldTable(p: EventPlan, lang: Language): string[] {
	const header = lang === 'zh' ? ['| 字段 | format 里的声明 | 怎么读 | 怎么显示 |', '| --- | --- | --- | --- |'] : ['| Field | Declared in format | Read | Shown as |', '| --- | --- | --- | --- |'];
	const rows = p.fields.map((f) => `| ${code(f.field.name)} | ${code(f.field.declaration)} | ${READ_AS[f.read][lang]} | ${SHOWN_AS[f.show][lang]} |`);
	if (p.exit) rows.push(`| ${code('ret')} | ${code('long ret')} (${code(p.exit.event.name)}) | ${lang === 'zh' ? '退出时直接读 ctx' : 'loaded from ctx at exit'} | ${SHOWN_AS.errno[lang]} |`);
	return [...header, ...rows];
}

/** The shape of an output line; COMM is the traced task's command, here the suggested trigger's. */
export function sampleLine(p: EventPlan): string {
	const fields = p.fields.map((f) => `${f.field.name}=…`);
	if (p.exit) fields.push('ret=…');
	const comm = trigger(p.event)?.split(' ')[0] ?? '…';
	return `12:00:00 1234    ${comm.padEnd(16)} ${p.event.name} ${fields.join(' ')}`.trimEnd();
}

export function emitReadme(plan: ProgramPlan): string {
	const lang = plan.options.language;
	const zh = lang === 'zh';
	const name = plan.name;
	const events = plan.events.flatMap((p) => [p.event, ...(p.exit ? [p.exit.event] : [])]);
	const eventList = plan.events.map((p) => `${code(`${p.event.category}:${p.event.name}`)}${p.exit ? (zh ? `（配对 ${code(p.exit.event.name)}）` : ` (paired with ${code(p.exit.event.name)})`) : ''}`).join(zh ? '、' : ', ');
	const flags = [plan.options.filterPid ? '[-p PID]' : '', plan.options.filterComm ? '[-c COMM]' : ''].filter(Boolean).join(' ');
	const triggers = [...new Set(events.map(trigger).filter((t): t is string => t !== null))];
	const out: string[] = [];
	const step = (n: number, zhTitle: string, enTitle: string) => out.push('', `## ${zh ? `第 ${n} 步：${zhTitle}` : `Step ${n}: ${enTitle}`}`, '');

	out.push(
		`# ${name}`,
		'',
		zh
			? `跟踪 ${eventList}。由 Tracepoint Atlas 根据内核 ${code(describeKernel(plan.kernel))} 的 format 文件生成。`
			: `Traces ${eventList}. Generated by Tracepoint Atlas from the format files of kernel ${code(describeKernel(plan.kernel))}.`,
		'',
		zh
			? `内核态的 ${code(`${name}.bpf.c`)} 在 tracepoint 触发时读取字段，填进 ${code(`${name}.h`)} 定义的记录；用户态的 ${code(`${name}.c`)} 用 libbpf 加载、附加它，再把每条记录打印成一行。`
			: `The kernel side, ${code(`${name}.bpf.c`)}, reads the fields when the tracepoint fires and fills in the record defined in ${code(`${name}.h`)}; the user side, ${code(`${name}.c`)}, loads and attaches it with libbpf and prints each record as one line.`,
	);

	step(1, '安装工具', 'Install the tools');
	out.push(
		zh
			? `${requirementsSentence(plan, lang)}这些版本号是主线内核的；发行版可能把功能回移植到更老的版本号上。`
			: `${requirementsSentence(plan, lang)} These are mainline releases; distributions may backport features to older version numbers.`,
		'',
		zh ? 'Debian 或 Ubuntu 上：' : 'On Debian or Ubuntu:',
		'',
		'```sh',
		'sudo apt install clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool make gcc pkg-config',
		'```',
		'',
		zh
			? `Ubuntu 的 bpftool 在 ${code('linux-tools-$(uname -r)')} 包里。需要 clang 11 以上、libbpf 1.0 以上；${code('make')} 会检查并说明缺什么。`
			: `On Ubuntu bpftool comes in ${code('linux-tools-$(uname -r)')}. clang 11 or newer and libbpf 1.0 or newer are needed; ${code('make')} checks and says what is missing.`,
	);

	step(2, '确认你的内核有这个 tracepoint', 'Check that your kernel has the tracepoint');
	out.push('```sh', ...events.map((e) => `sudo cat ${shellWord(`/sys/kernel/tracing/events/${tracefsNameFromData(e.category)}/${tracefsNameFromData(e.name)}/format`)}`));
	if (plan.usesVmlinux) out.push('ls /sys/kernel/btf/vmlinux');
	out.push('```', '');
	out.push(
		zh
			? `format 文件里的字段就是能读到的信息。文件不存在说明这个内核没有这个事件${plan.usesVmlinux ? `；没有 ${code('/sys/kernel/btf/vmlinux')} 说明内核没有 BTF，请改用 portable 上下文重新生成` : ''}。`
			: `The fields in the format file are what the program can read. If the file is missing, this kernel lacks the event${plan.usesVmlinux ? `; without ${code('/sys/kernel/btf/vmlinux')} the kernel has no BTF: generate again with the portable context` : ''}.`,
	);

	step(3, '编译', 'Build');
	out.push('```sh', 'make', '```', '');
	out.push(
		zh
			? `${plan.usesVmlinux ? `${code('make')} 先用 bpftool 从本机内核的 BTF 导出 ${code('.output/vmlinux.h')}，然后` : `${code('make')} `}用 clang 把 ${code(`${name}.bpf.c`)} 编译成 ${code(`.output/${name}.bpf.o`)}，用 ${code('bpftool gen skeleton')} 生成 ${code(`.output/${name}.skel.h`)}，最后编译、链接出 ${code(`./${name}`)}。${code('make V=1')} 显示每条命令。`
			: `${plan.usesVmlinux ? `${code('make')} dumps ${code('.output/vmlinux.h')} from this machine's kernel BTF with bpftool, then ` : `${code('make')} `}compiles ${code(`${name}.bpf.c`)} into ${code(`.output/${name}.bpf.o`)} with clang, turns that into ${code(`.output/${name}.skel.h`)} with ${code('bpftool gen skeleton')}, and builds ${code(`./${name}`)}. ${code('make V=1')} shows each command.`,
	);

	step(4, '运行', 'Run');
	out.push('```sh', `sudo ./${name}${flags ? ` ${flags}` : ''}`, '```', '');
	const filterText = zh
		? [plan.options.filterPid ? `${code('-p PID')} 只看这个进程` : '', plan.options.filterComm ? `${code('-c COMM')} 只看这个命令名` : ''].filter(Boolean).join('，')
		: [plan.options.filterPid ? `${code('-p PID')} keeps one process` : '', plan.options.filterComm ? `${code('-c COMM')} keeps one command name` : ''].filter(Boolean).join(', ');
	out.push(
		zh
			? `${filterText ? `${filterText}（在内核里通过只读全局变量过滤）；` : ''}${code('-v')} 显示 libbpf 的调试输出，加载失败时能看到 verifier 日志。按 Ctrl-C 退出。`
			: `${filterText ? `${filterText} (filtered in the kernel through read-only globals); ` : ''}${code('-v')} shows libbpf's debug output, including the verifier's log when loading fails. Ctrl-C stops it.`,
	);

	step(5, '触发事件', 'Make the event happen');
	if (triggers.length > 0) {
		out.push(zh ? '在另一个终端里运行：' : 'In another terminal:', '', '```sh', ...triggers, '```');
	} else {
		out.push(
			zh ? '让内核做这个事件报告的事。不知道什么会触发它时，可以先用 bpftrace 看看是哪些进程：' : 'Make the kernel do what the event reports. To see which processes hit it, bpftrace helps:',
			'',
			'```sh',
			...events.map((e) => `sudo bpftrace -e ${shellQuoted(`tracepoint:${tracefsNameFromData(e.category)}:${tracefsNameFromData(e.name)} { @[comm] = count(); }`)}`),
			'```',
		);
	}

	out.push('', zh ? '## 输出' : '## Output', '');
	if (plan.transport === 'printk') {
		out.push(
			zh
				? `程序用 ${code('bpf_printk')} 输出。加载器在自己的 tracefs 实例里读这些行，只打印本程序事件的行，所以别的程序读 ${code('/sys/kernel/tracing/trace_pipe')} 时不会丢行（你也可以自己 ${code('sudo cat')} 这个文件看到它们）。每行以事件名开头，字段太多时分成几行。`
				: `The program writes with ${code('bpf_printk')}. The loader reads those lines from a tracefs instance of its own and prints only its events' lines, so other programs reading ${code('/sys/kernel/tracing/trace_pipe')} lose nothing (you can also ${code('sudo cat')} that file to see them). Each line starts with the event's name; many fields take several lines.`,
		);
	} else {
		out.push(
			zh ? '每个事件一行：时间、进程号、命令名、事件名，然后是字段：' : 'One line per event: time, process id, command name, event, then the fields:',
			'',
			'```',
			'TIME     PID     COMM             EVENT AND FIELDS',
			...plan.events.map(sampleLine),
			'```',
		);
	}
	for (const p of plan.events) {
		out.push('', `### ${code(`${p.event.category}:${p.event.name}`)}`, '', ...fieldTable(p, lang));
		const ctx = p.ctx;
		out.push(
			'',
			ctx.kind === 'vmlinux'
				? zh
					? `ctx 的类型是 vmlinux.h 里的 ${code(`struct ${ctx.struct}`)}${ctx.match === 'syscall' ? `：系统调用的参数在 ${code('args[]')} 里，按 format 的顺序排列` : ''}。`
					: `ctx is ${code(`struct ${ctx.struct}`)} from vmlinux.h${ctx.match === 'syscall' ? `: the syscall's arguments are in ${code('args[]')}, in the order of the format file` : ''}.`
				: zh
					? `ctx 的类型是按 format 文件的偏移手写的 ${code(`struct ${ctx.struct}`)}，不需要 vmlinux.h；布局相同的内核：${ctx.sameLayoutOn.join(', ')}。`
					: `ctx is ${code(`struct ${ctx.struct}`)}, declared from the format file's offsets, so no vmlinux.h is needed; kernels with the same layout: ${ctx.sameLayoutOn.join(', ')}.`,
		);
	}
	if (plan.notes.length > 0) out.push('', zh ? '## 说明' : '## Notes', '', ...plan.notes.map((n) => `- ${n}`));

	out.push(
		'',
		zh ? '## 出错时' : '## When something fails',
		'',
		zh ? '| 看到的提示 | 怎么办 |' : '| Message | What to do |',
		'| --- | --- |',
		...(zh
			? [
					'| `Run this program as root` | 用 `sudo` 运行。 |',
					'| `tracefs is not mounted` | `sudo mount -t tracefs nodev /sys/kernel/tracing` |',
					'| `This kernel (…) has no tracepoint …` | 这个内核没有该事件：换一个列出的内核，或先 `modprobe` 提供它的模块。 |',
					'| `has no BTF` | 内核没开 CONFIG_DEBUG_INFO_BTF：用 portable 上下文重新生成。 |',
					'| `clang … is too old` / `libbpf … is too old` | 升级 clang（11+）或 libbpf（1.0+），或用 `CLANG=clang-NN make` 指定版本。 |',
					'| `the kernel refused to load the BPF program` | 加 `-v` 看 verifier 日志。 |',
				]
			: [
					'| `Run this program as root` | Run it with `sudo`. |',
					'| `tracefs is not mounted` | `sudo mount -t tracefs nodev /sys/kernel/tracing` |',
					'| `This kernel (…) has no tracepoint …` | This kernel lacks the event: use one of the kernels listed, or `modprobe` the module that defines it. |',
					'| `has no BTF` | The kernel lacks CONFIG_DEBUG_INFO_BTF: generate again with the portable context. |',
					'| `clang … is too old` / `libbpf … is too old` | Upgrade clang (11+) or libbpf (1.0+), or pick a version with `CLANG=clang-NN make`. |',
					'| `the kernel refused to load the BPF program` | Add `-v` to see the verifier\'s log. |',
				]),
		'',
		zh ? '## 文件' : '## Files',
		'',
		`- ${code(`${name}.bpf.c`)}: ${zh ? '内核态程序' : 'the kernel side'}`,
		`- ${code(`${name}.c`)}: ${zh ? '用户态加载器（libbpf）' : 'the loader (libbpf)'}`,
		`- ${code(`${name}.h`)}: ${zh ? '两边共用的记录结构' : 'the records both sides share'}`,
		`- ${code('tp_helpers.h')}: ${zh ? '加载器共用的检查和打印函数' : 'checks and printing shared by loaders'}`,
		`- ${code('Makefile')}: ${zh ? '编译本目录下所有 *.bpf.c' : 'builds every *.bpf.c here'}`,
		'',
	);
	return out.join('\n');
}
