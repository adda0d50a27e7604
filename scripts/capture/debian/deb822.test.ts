/**
 * apt's formats, read from this machine's own files (a Debian system is what the capture runs on):
 * dpkg's status database for deb822 in general, the apt sources for picking the Debian archive.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeb822, pickDebianArchive, sourcesFromDeb822, sourcesFromOneLine } from './deb822.ts';

describe('parseDeb822', () => {
	it('reads dpkg status stanzas, fields and continuation lines as dpkg-query sees them', () => {
		const stanzas = parseDeb822(readFileSync('/var/lib/dpkg/status', 'utf8'));
		const dpkg = stanzas.find((s) => s.get('Package') === 'dpkg');
		expect(dpkg).toBeDefined();
		expect(dpkg!.get('Version')).toBe(execFileSync('dpkg-query', ['-W', '-f=${Version}', 'dpkg'], { encoding: 'utf8' }));
		// Description spans several lines: the first is the synopsis, the rest are joined with \n.
		const description = execFileSync('dpkg-query', ['-W', '-f=${Description}', 'dpkg'], { encoding: 'utf8' });
		expect(dpkg!.get('Description')!.split('\n')[0]).toBe(description.split('\n')[0]);
		expect(dpkg!.get('Description')!.split('\n').length).toBe(description.trimEnd().split('\n').length);
		const installed = execFileSync('dpkg-query', ['-W', '-f=${Package}\n'], { encoding: 'utf8' }).trim().split('\n');
		expect(new Set(stanzas.map((s) => s.get('Package')))).toEqual(new Set(installed));
	});
});

describe('picking the Debian archive from the apt sources', () => {
	const dir = '/etc/apt/sources.list.d';
	const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sources') || f.endsWith('.list')) : [];
	const sources = files.flatMap((f) => {
		const text = readFileSync(join(dir, f), 'utf8');
		return f.endsWith('.sources') ? sourcesFromDeb822(text, f) : sourcesFromOneLine(text, f);
	});
	if (existsSync('/etc/apt/sources.list')) sources.push(...sourcesFromOneLine(readFileSync('/etc/apt/sources.list', 'utf8'), 'sources.list'));

	it('finds a release suite of this machine, the one apt itself installs from', () => {
		const archive = pickDebianArchive(sources);
		expect(archive, `no Debian archive in ${dir}`).not.toBeNull();
		const codename = readFileSync('/etc/os-release', 'utf8').match(/^VERSION_CODENAME=(\S+)$/m)?.[1];
		expect(archive!.suites).toContain(codename);
		// apt's own view of the same configuration lists that URI as a source of that suite.
		const policy = execFileSync('apt-cache', ['policy'], { encoding: 'utf8' });
		expect(policy).toContain(`${archive!.uri.replace(/\/$/, '')} ${codename}/main`);
	});

	it('never picks a security or updates suite, which holds no full release', () => {
		const updatesOnly = sources.filter((s) => s.suites.every((suite) => /-(security|updates)$/.test(suite)));
		expect(updatesOnly.length, 'this machine should list a -security or -updates suite').toBeGreaterThan(0);
		expect(pickDebianArchive(updatesOnly)).toBeNull();
	});
});
