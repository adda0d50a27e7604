/**
 * Shell text made from names in data or from what a user typed, for the commands pages, READMEs and
 * error hints tell a reader to run. POSIX sh quoting: inside single quotes nothing is special, and a
 * single quote itself is written as '\''. A quoted line break is still part of the one argument, but it
 * would show as two lines a reader copies one by one, so text with control characters has no command.
 */

/** Characters that never need quoting in sh. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `text` as one sh argument in single quotes: `'a b'`, `'it'\''s'`. Throws on control characters. */
export function shellQuoted(text: string): string {
	if (CONTROL.test(text)) throw new Error(`cannot show ${JSON.stringify(text)} as a shell argument: it holds control characters`);
	return `'${text.replaceAll("'", "'\\''")}'`;
}

/** `text` as one sh argument: bare when nothing in it is special (`ext4`, `/sys/kernel/btf/vmlinux`), else single-quoted. */
export function shellWord(text: string): string {
	return PLAIN.test(text) && !text.startsWith('-') ? text : shellQuoted(text);
}

/** Whether `text` can be shown as a shell argument at all (not empty, no control characters). */
export function showableInShell(text: string): boolean {
	return text !== '' && !CONTROL.test(text);
}

/** Command-line arguments as a user typed them, each one sh word: options (`--out`, `--kernel=6.1-amd64`) stay bare. */
export function shellArguments(args: readonly string[]): string {
	return args.map((arg) => (/^--?[A-Za-z][A-Za-z0-9-]*(=[A-Za-z0-9_@%+=:,./-]*)?$/.test(arg) ? arg : shellWord(arg))).join(' ');
}
