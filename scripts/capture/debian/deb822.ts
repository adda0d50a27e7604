/**
 * Reading apt's text formats: deb822 stanzas (`*.sources` files, `apt-cache show` output) and the
 * one-line `sources.list` format, and picking the Debian archive the system already uses.
 *
 * Pure functions on text, so the capture never needs a mirror host written into the project: it
 * reads the one the machine is configured with.
 */

/** One deb822 stanza: field name → value (continuation lines joined with `\n`). */
export type Stanza = Map<string, string>;

/** Splits deb822 text into stanzas. Comment lines (`#`) are dropped; field names keep their case. */
export function parseDeb822(text: string): Stanza[] {
	const stanzas: Stanza[] = [];
	let current: Stanza | null = null;
	let lastField: string | null = null;
	for (const line of text.split('\n')) {
		if (line.startsWith('#')) continue;
		if (line.trim() === '') {
			current = null;
			lastField = null;
			continue;
		}
		if (/^\s/.test(line)) {
			if (current && lastField) current.set(lastField, `${current.get(lastField)}\n${line.trim()}`);
			continue;
		}
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		if (!current) {
			current = new Map();
			stanzas.push(current);
		}
		lastField = line.slice(0, colon);
		current.set(lastField, line.slice(colon + 1).trim());
	}
	return stanzas;
}

/** One `deb` source: where the archive is and which key signs it. */
export interface AptSource {
	uri: string;
	suites: string[];
	/** A keyring file named by `Signed-By`/`signed-by=`, or null when the entry relies on apt's default keyrings. */
	keyring: string | null;
	/** The file it came from, for messages. */
	file: string;
}

/** `deb` entries of a deb822 `*.sources` file (disabled stanzas left out). */
export function sourcesFromDeb822(text: string, file: string): AptSource[] {
	return parseDeb822(text).flatMap((stanza) => {
		const types = (stanza.get('Types') ?? '').split(/\s+/);
		if (!types.includes('deb') || stanza.get('Enabled') === 'no') return [];
		const suites = (stanza.get('Suites') ?? '').split(/\s+/).filter(Boolean);
		const signedBy = stanza.get('Signed-By') ?? null;
		// Signed-By may hold an inline key block instead of a file name; only a file name is usable here.
		const keyring = signedBy && signedBy.startsWith('/') && !signedBy.includes('\n') ? signedBy : null;
		return (stanza.get('URIs') ?? '').split(/\s+/).filter(Boolean).map((uri) => ({ uri, suites, keyring, file }));
	});
}

/** `deb` lines of a one-line-format `sources.list`. */
export function sourcesFromOneLine(text: string, file: string): AptSource[] {
	const sources: AptSource[] = [];
	for (const raw of text.split('\n')) {
		const line = raw.replace(/#.*/, '').trim();
		const match = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(line);
		if (!match) continue;
		const keyring = /(?:^|\s)signed-by=(\S+)/.exec(match[1] ?? '')?.[1] ?? null;
		sources.push({ uri: match[2]!, suites: [match[3]!], keyring, file });
	}
	return sources;
}

/** Suites that only carry updates on top of a release; the release itself lives elsewhere. */
const UPDATE_SUITE = /-(security|updates|backports|backports-sloppy|proposed-updates)$|\/updates$/;

/**
 * The Debian archive among the configured sources: the first `deb` entry that carries a release
 * suite (not only `-security`/`-updates`/`-backports`). Null when there is none.
 */
export function pickDebianArchive(sources: AptSource[]): AptSource | null {
	return sources.find((s) => s.suites.some((suite) => !UPDATE_SUITE.test(suite))) ?? null;
}
