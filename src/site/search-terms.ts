/**
 * What a search query means: its words, lower-cased, without the filler words people type around an
 * event's name ("trace connect", "how to read a format"), and Chinese words turned into the names
 * the kernel uses (连接 → connect), so a Chinese reader reaches the same events as an English one.
 */

import { MAX_NEEDLE_LENGTH, MAX_TERMS } from './nearest.ts';

/** Words that say "I want to trace something" rather than what: dropped unless nothing else is left. */
const FILLER = new Set(['trace', 'tracing', 'tracepoint', 'tracepoints', 'event', 'events', 'ebpf', 'bpf', 'how', 'to', 'the', 'a', 'an', 'in', 'of', 'my', 'on', 'with', 'for', 'do', 'i', 'what', 'is', '跟踪', '追踪', '监控', '事件', '如何', '怎么', '怎样']);

/**
 * Chinese words and the kernel names they mean, longest first when they overlap. Only words with
 * one clear meaning: an event name the reader could have typed instead.
 */
const CHINESE: [string, string][] = [
	['打开文件', 'openat'],
	['打开', 'openat'],
	['接受连接', 'accept4'],
	['建立连接', 'connect'],
	['网络连接', 'connect'],
	['连接', 'connect'],
	['读取文件', 'read'],
	['读取', 'read'],
	['读文件', 'read'],
	['写入文件', 'write'],
	['写文件', 'write'],
	['写入', 'write'],
	['执行程序', 'execve'],
	['执行命令', 'execve'],
	['启动进程', 'execve'],
	['执行', 'execve'],
	['创建进程', 'sched_process_fork'],
	['进程退出', 'sched_process_exit'],
	['上下文切换', 'sched_switch'],
	['进程切换', 'sched_switch'],
	['调度', 'sched_switch'],
	['唤醒', 'sched_wakeup'],
	['重传', 'tcp_retransmit_skb'],
	['块设备', 'block_rq_issue'],
	['磁盘', 'block_rq_issue'],
	['关闭文件', 'close'],
	['删除文件', 'unlinkat'],
	['内存分配', 'kmalloc'],
	['缺页', 'page_fault_user'],
	['信号', 'signal_generate'],
	['系统调用', 'sys_enter'],
];

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export interface QueryTerms {
	/** The words to match against event names (`_` joins them into one name), Chinese already translated. */
	eventWords: string[];
	/** Per word of the query, the strings any of which counts as a match in a page's text. */
	pageTerms: string[][];
}

/** Splits a Chinese run into the dictionary's words (longest match first); the rest stays as typed. */
function translate(run: string): { word: string; meaning?: string }[] {
	const out: { word: string; meaning?: string }[] = [];
	let rest = run;
	let unknown = '';
	while (rest) {
		const hit = CHINESE.filter(([word]) => rest.startsWith(word)).sort((a, b) => b[0].length - a[0].length)[0];
		if (hit) {
			if (unknown) out.push({ word: unknown });
			unknown = '';
			out.push({ word: hit[0], meaning: hit[1] });
			rest = rest.slice(hit[0].length);
		} else {
			unknown += rest[0];
			rest = rest.slice(1);
		}
	}
	if (unknown) out.push({ word: unknown });
	return out;
}

/** The query's words, from at most MAX_NEEDLE_LENGTH characters, at most MAX_TERMS of them: uFuzzy compiles them into regular expressions, and a 20,000-character query threw a SyntaxError. */
export function queryTerms(query: string): QueryTerms {
	const raw = query.slice(0, MAX_NEEDLE_LENGTH).trim().toLowerCase().split(/[\s,，、。？?！!()（）"'“”]+/).filter(Boolean);
	const words: { word: string; meaning?: string }[] = [];
	for (const token of raw) {
		// "打开文件open" or "跟踪connect": split Chinese runs from Latin ones.
		for (const run of token.match(/[\u3400-\u9fff\uf900-\ufaff]+|[^\u3400-\u9fff\uf900-\ufaff]+/g) ?? []) {
			if (CJK.test(run)) words.push(...translate(run));
			else words.push({ word: run });
		}
	}
	const meaningful = words.filter((w) => !FILLER.has(w.word));
	const kept = (meaningful.length > 0 ? meaningful : words).slice(0, MAX_TERMS);
	return {
		eventWords: kept.flatMap((w) => (w.meaning ? [w.meaning] : CJK.test(w.word) ? [] : [w.word])),
		pageTerms: kept.map((w) => (w.meaning ? [w.word, w.meaning] : [w.word])),
	};
}
