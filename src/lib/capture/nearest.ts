/**
 * A reader without an archive pastes `uname -r` (or all of `uname -a`); this finds the captured
 * kernel nearest to theirs: the same major.minor series first, then the fewest releases away, the
 * older one on a tie (an event an older kernel has, a newer one almost always keeps). Pure.
 */

export interface KernelVersion {
	major: number;
	minor: number;
	/** The third number, when the release has one (`6.8.0-45-generic` → 0). */
	patch: number | null;
}

/** The captured kernels to choose from: what provenance says about each. */
export interface CapturedKernel {
	id: string;
	release: string;
	arch: string;
}

export type Nearest =
	| {
			ok: true;
			/** The version read from the pasted text. */
			yours: KernelVersion;
			/** The release as pasted, trimmed to the version's token. */
			release: string;
			kernel: CapturedKernel;
			/** `same-release`: this very kernel is captured; `same-series`: same major.minor; otherwise theirs is older/newer than yours. */
			relation: 'same-release' | 'same-series' | 'older' | 'newer';
			/** How many major.minor releases apart (0 in the same series). */
			releasesApart: number;
	  }
	| { ok: false; problem: 'no-version' | 'no-kernels' };

const VERSION = /^(\d{1,2})\.(\d{1,3})(?:\.(\d{1,5}))?(?![\d])/;

/** The version at the start of a `uname -r`, or in the first token of `uname -a` that starts with one. */
export function parseRelease(pasted: string): { release: string; version: KernelVersion } | null {
	for (const token of pasted.slice(0, 500).trim().split(/\s+/)) {
		const m = VERSION.exec(token);
		if (!m) continue;
		return { release: token, version: { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? null : Number(m[3]) } };
	}
	return null;
}

// The last minor of each major series (2.6 is the last 2.x line); a series not listed is taken to end at .19.
const LAST_MINOR: Record<number, number> = { 2: 6, 3: 19, 4: 20, 5: 19 };

/** A version's place in the sequence of major.minor releases (3.19 then 4.0: one step apart). */
function seriesIndex({ major, minor }: KernelVersion): number {
	let index = minor;
	for (let m = 2; m < major; m++) index += (LAST_MINOR[m] ?? 19) + 1;
	return index;
}

/**
 * The machine (`uname -m`) a pasted text names, or null: `uname -a` ends in it, and Debian, Fedora and
 * RHEL releases carry it (`6.12.48+deb13-cloud-arm64`, `5.14.0-362.el9.x86_64`).
 */
function pastedMachine(pasted: string): string | null {
	const text = pasted.slice(0, 500);
	if (/(?:^|[\s.+_-])(?:aarch64|arm64)(?=$|[\s.+_-])/.test(text)) return 'aarch64';
	if (/(?:^|[\s.+_-])(?:x86_64|amd64)(?=$|[\s.+_-])/.test(text)) return 'x86_64';
	return null;
}

/** The captured kernel nearest to a pasted `uname -r`: in the same series, one of the pasted architecture first. */
export function nearestKernel(pasted: string, kernels: readonly CapturedKernel[]): Nearest {
	const parsed = parseRelease(pasted);
	if (!parsed) return { ok: false, problem: 'no-version' };
	const machine = pastedMachine(pasted);
	const candidates = kernels.flatMap((kernel) => {
		const theirs = parseRelease(kernel.release);
		return theirs ? [{ kernel, version: theirs.version }] : [];
	});
	if (candidates.length === 0) return { ok: false, problem: 'no-kernels' };
	const yours = parsed.version;
	const at = seriesIndex(yours);
	const ranked = candidates
		.map((c) => ({
			...c,
			sameRelease: c.kernel.release === parsed.release,
			apart: Math.abs(seriesIndex(c.version) - at),
			otherArch: machine !== null && c.kernel.arch !== machine,
			older: seriesIndex(c.version) < at || (seriesIndex(c.version) === at && (c.version.patch ?? 0) <= (yours.patch ?? 0)),
			patchApart: Math.abs((c.version.patch ?? 0) - (yours.patch ?? 0)),
		}))
		.sort((a, b) => Number(b.sameRelease) - Number(a.sameRelease) || a.apart - b.apart || Number(a.otherArch) - Number(b.otherArch) || Number(b.older) - Number(a.older) || a.patchApart - b.patchApart || (a.kernel.id < b.kernel.id ? -1 : 1));
	const best = ranked[0]!;
	const relation = best.sameRelease ? 'same-release' : best.apart === 0 ? 'same-series' : best.older ? 'older' : 'newer';
	return { ok: true, yours, release: parsed.release, kernel: best.kernel, relation, releasesApart: best.apart };
}
