import { describe, expect, it } from 'vitest';
import { committedCatalog } from '../../tests/site/data.ts';
import { eventSearchRecords } from './search-records.ts';

describe('Pagefind records for event pages', () => {
	it('gives every event one record per language, under the base, with its field names', () => {
		const catalog = committedCatalog();
		const records = eventSearchRecords(catalog, '/atlas/');
		expect(records).toHaveLength(catalog.events.length * 2);
		const accept = records.filter((r) => r.url.endsWith('/events/syscalls/sys_enter_accept/'));
		expect(accept.map((r) => [r.url, r.language])).toEqual([
			['/atlas/events/syscalls/sys_enter_accept/', 'zh-CN'],
			['/atlas/en/events/syscalls/sys_enter_accept/', 'en'],
		]);
		expect(accept[0]!.content).toContain('upeer_sockaddr');
		expect(accept[0]!.meta.title).toBe('syscalls:sys_enter_accept');
	});
});
