/**
 * Line breaking the browser cannot know about. Chinese text must not start a line with 的 (the
 * space before it, next to a Latin word, is a break opportunity) and "第 1 步" is one word: both
 * get no-break spaces in titles. The guides' prose writes 第 N 步 with no-break spaces itself
 * (typography.test.ts checks content/).
 */

const NBSP = '\u00a0';

/** `text` with no-break spaces where a line must not break. */
export function keepPhrases(text: string): string {
	return text.replace(/第 (\d+) 步/g, `第${NBSP}$1${NBSP}步`).replace(/ 的/g, `${NBSP}的`);
}
