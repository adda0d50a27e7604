/**
 * Finding and fetching a suite's kernel package with apt, without touching the system's apt state.
 *
 * Each (suite, architecture) gets its own apt root under the cache: a sources list naming only that
 * suite on the system's Debian mirror (or `--mirror`), its own package lists and no dpkg status, so
 * `apt-cache` answers for that suite alone and nothing is installed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ArchProfile } from './arch.ts';
import { parseDeb822, pickDebianArchive, sourcesFromDeb822, sourcesFromOneLine, type AptSource } from './deb822.ts';

const run = promisify(execFile);

const APT_SOURCES_DIR = '/etc/apt/sources.list.d';
const APT_SOURCES_LIST = '/etc/apt/sources.list';
const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** Where to download from and which keyring verifies it. */
export interface Archive {
	uri: string;
	keyring: string;
}

/**
 * A suite name as Debian spells them (bookworm, sid, stable, bookworm-backports, …). It becomes a
 * folder of the cache and a word of the sources list, so nothing else may pass: no `/`, `..`, space or newline.
 */
export function checkSuite(suite: string): string {
	if (!/^[a-z][a-z0-9-]{0,39}$/.test(suite)) throw new Error(`--debian ${JSON.stringify(suite)} is not a Debian suite name; use a codename or alias such as bookworm, trixie, sid or stable`);
	return suite;
}

/** A mirror URL, which becomes a word of the sources list: http(s) or file, with nothing apt would read as another word or option. */
export function checkMirror(mirror: string): string {
	let url: URL | null = null;
	try {
		url = new URL(mirror);
	} catch {}
	if (!url || !['http:', 'https:', 'file:'].includes(url.protocol) || /[\s\[\]"']/.test(mirror)) {
		throw new Error(`--mirror ${JSON.stringify(mirror)} is not a mirror URL; give one like http://<host>/debian (http, https or file, no spaces)`);
	}
	return mirror;
}

/** The archive to use: `mirror` when given, else the Debian archive in the system's apt sources. */
export function findArchive(mirror?: string): Archive {
	if (mirror) return { uri: checkMirror(mirror), keyring: requireKeyring(DEFAULT_KEYRING, '--mirror') };
	const sources: AptSource[] = [];
	const files: string[] = [];
	if (existsSync(APT_SOURCES_DIR)) {
		for (const name of readdirSync(APT_SOURCES_DIR).sort()) {
			const file = join(APT_SOURCES_DIR, name);
			if (name.endsWith('.sources')) sources.push(...sourcesFromDeb822(readFileSync(file, 'utf8'), file));
			else if (name.endsWith('.list')) sources.push(...sourcesFromOneLine(readFileSync(file, 'utf8'), file));
			else continue;
			files.push(file);
		}
	}
	if (existsSync(APT_SOURCES_LIST)) {
		sources.push(...sourcesFromOneLine(readFileSync(APT_SOURCES_LIST, 'utf8'), APT_SOURCES_LIST));
		files.push(APT_SOURCES_LIST);
	}
	const archive = pickDebianArchive(sources);
	if (!archive) {
		throw new Error(
			`no Debian archive found in the apt sources (${files.join(', ') || 'none exist'}); pass one with --mirror <url of a Debian mirror>`,
		);
	}
	return { uri: archive.uri, keyring: requireKeyring(archive.keyring ?? DEFAULT_KEYRING, archive.file) };
}

function requireKeyring(file: string, from: string): string {
	if (!existsSync(file)) throw new Error(`keyring ${file} (needed for ${from}) is missing; install it with: apt-get install debian-archive-keyring`);
	return file;
}

/** A private apt root for one suite and architecture. */
export interface AptRoot {
	suite: string;
	arch: ArchProfile;
	/** `-o` options that point apt-get/apt-cache at this root. */
	options: string[];
}

/** Creates (or reuses) the apt root and refreshes its package lists from the archive. */
export async function prepareAptRoot(cacheDir: string, suite: string, arch: ArchProfile, archive: Archive): Promise<AptRoot> {
	const dir = join(cacheDir, 'apt', `${checkSuite(suite)}-${arch.debian}`);
	for (const sub of ['lists/partial', 'archives/partial', 'parts']) mkdirSync(join(dir, sub), { recursive: true });
	const sourcesList = join(dir, 'sources.list');
	writeFileSync(sourcesList, `deb [arch=${arch.debian} signed-by=${archive.keyring}] ${archive.uri} ${suite} main\n`);
	const options = Object.entries({
		'Dir::Etc::SourceList': sourcesList,
		'Dir::Etc::SourceParts': join(dir, 'parts'),
		'Dir::Etc::PreferencesParts': join(dir, 'parts'),
		'Dir::Etc::Preferences': join(dir, 'preferences'),
		'Dir::State::Lists': join(dir, 'lists'),
		'Dir::State::status': '/dev/null',
		'Dir::Cache': dir,
		'APT::Architecture': arch.debian,
		'APT::Architectures': arch.debian,
		'Acquire::Languages': 'none',
		// apt-get download drops to the _apt user, which cannot write into a root-owned cache.
		'APT::Sandbox::User': 'root',
	}).flatMap(([key, value]) => ['-o', `${key}=${value}`]);
	const root = { suite, arch, options };
	try {
		// --error-on=any: an unreachable mirror is an error, not a warning over stale (or no) lists.
		await run('apt-get', [...options, '-q', 'update', '--error-on=any'], { maxBuffer: 16 << 20 });
	} catch (error) {
		throw new Error(`apt-get update for ${suite} (${arch.debian}) from ${archive.uri} failed:\n${errorText(error)}`);
	}
	return root;
}

/** A binary package at one version. */
export interface PackageRef {
	name: string;
	version: string;
}

/** The candidate version of `name` in the root's suite, or null when the suite has no such package. */
export async function candidate(root: AptRoot, name: string): Promise<(PackageRef & { depends: string }) | null> {
	let stdout: string;
	try {
		({ stdout } = await run('apt-cache', [...root.options, 'show', '--no-all-versions', name], { maxBuffer: 16 << 20 }));
	} catch {
		return null;
	}
	const stanza = parseDeb822(stdout)[0];
	const version = stanza?.get('Version');
	if (!stanza || !version) return null;
	return { name, version, depends: stanza.get('Depends') ?? '' };
}

/** `name (= version)` dependencies of a Depends field, by name (alternatives and unversioned ones left out). */
export function exactDependencies(depends: string): Map<string, string> {
	const deps = new Map<string, string>();
	for (const clause of depends.split(',')) {
		const m = /^\s*([a-z0-9][a-z0-9+.-]*)\s*\(=\s*([^)\s]+)\)\s*$/.exec(clause);
		if (m) deps.set(m[1]!, m[2]!);
	}
	return deps;
}

/** The suite's newest kernel: the package whose kernel image is booted, and every package to unpack for it. */
export interface KernelPackages {
	image: PackageRef;
	unpack: PackageRef[];
}

/**
 * The newest kernel of the suite: the one the `linux-image-<arch>` metapackage depends on. Until
 * Debian 13 `linux-image-<release>` holds image and modules; from 7.x on it only depends on
 * `linux-binary-<release>` (the image), `linux-modules-<release>` and `linux-base-<release>`. The unsigned twin of the image
 * package is preferred when the suite has it at the same version (same kernel, no signature wrapper).
 */
export async function resolveKernelPackages(root: AptRoot): Promise<KernelPackages> {
	const metaName = `linux-image-${root.arch.debian}`;
	const meta = await candidate(root, metaName);
	if (!meta) throw new Error(`suite ${root.suite} has no ${metaName} package for ${root.arch.debian}; is "${root.suite}" a Debian suite?`);
	const imageDep = [...exactDependencies(meta.depends)].find(([name]) => name.startsWith('linux-image-'));
	if (!imageDep) throw new Error(`${metaName} ${meta.version} in ${root.suite} depends on no versioned linux-image package: "${meta.depends}"`);
	const [imageName, version] = imageDep;
	const image = await candidate(root, imageName);
	if (!image || image.version !== version) throw new Error(`${root.suite} lacks ${imageName} ${version}, which ${metaName} ${meta.version} depends on`);
	const release = imageName.slice('linux-image-'.length);
	const deps = exactDependencies(image.depends);
	const preferUnsigned = async (signed: string, unsigned: string): Promise<PackageRef> => {
		const twin = await candidate(root, unsigned);
		return twin && twin.version === version ? { name: twin.name, version } : { name: signed, version };
	};
	if (deps.get(`linux-binary-${release}`) === version && deps.get(`linux-modules-${release}`) === version) {
		const binary = await preferUnsigned(`linux-binary-${release}`, `linux-binary-unsigned-${release}`);
		// linux-base-<release> carries modules.builtin and the config.
		const base = deps.get(`linux-base-${release}`) === version ? [{ name: `linux-base-${release}`, version }] : [];
		return { image: binary, unpack: [binary, { name: `linux-modules-${release}`, version }, ...base] };
	}
	const single = await preferUnsigned(imageName, `${imageName}-unsigned`);
	return { image: single, unpack: [single] };
}

/** Downloads the package's .deb into `debDir` (kept as a cache) and returns its path. */
export async function downloadPackage(root: AptRoot, pkg: PackageRef, debDir: string): Promise<string> {
	mkdirSync(debDir, { recursive: true });
	// apt names it <name>_<version, ':' escaped>_<arch>.deb; arch-independent packages are `all`.
	const stem = `${pkg.name}_${pkg.version.replace(':', '%3a')}_`;
	const isIt = (f: string) => f === `${stem}${root.arch.debian}.deb` || f === `${stem}all.deb`;
	const cached = readdirSync(debDir).find(isIt);
	if (cached) return join(debDir, cached);
	// Download into a scratch dir first, so an interrupted download never looks like a cached one.
	const partial = join(debDir, '.partial');
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(partial);
	try {
		await run('apt-get', [...root.options, '-q', 'download', `${pkg.name}=${pkg.version}`], { cwd: partial, maxBuffer: 16 << 20 });
	} catch (error) {
		throw new Error(`downloading ${pkg.name} ${pkg.version} from ${root.suite} failed:\n${errorText(error)}`);
	}
	const file = readdirSync(partial).find(isIt);
	if (!file) throw new Error(`apt-get download ${pkg.name}=${pkg.version} left no .deb in ${partial}`);
	renameSync(join(partial, file), join(debDir, file));
	rmSync(partial, { recursive: true });
	return join(debDir, file);
}

/** Unpacks the .debs' files into one tree at `dir` (replacing what was there). */
export async function extractPackages(debs: string[], dir: string): Promise<void> {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	for (const deb of debs) {
		try {
			await run('dpkg-deb', ['-x', deb, dir]);
		} catch (error) {
			throw new Error(`cannot unpack ${deb} (delete it to download it again):\n${errorText(error)}`);
		}
	}
}

export function errorText(error: unknown): string {
	const e = error as { stderr?: string; message?: string };
	return (e.stderr?.trim() || e.message || String(error)).split('\n').slice(-20).join('\n');
}
