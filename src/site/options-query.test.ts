import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../lib/generate/options.ts';
import { defaultPageOptions, readOptions, toGeneratorOptions, writeOptions } from './options-query.ts';

describe('generator options in the URL', () => {
	const defaults = defaultPageOptions('zh');

	it('writes nothing for the defaults, so the plain event URL is the default view', () => {
		const params = new URLSearchParams('kernel=6.1-amd64');
		writeOptions(params, defaults, defaults);
		expect(params.toString()).toBe('kernel=6.1-amd64');
	});

	it('round-trips every changed option through the query', () => {
		const changed = {
			...defaults,
			section: 'tracepoint' as const,
			context: 'portable' as const,
			output: 'printk' as const,
			filterPid: !defaults.filterPid,
			pairExit: true,
			programName: 'connect_trace',
			stringSize: 128,
			argvCount: 2,
			language: 'en' as const,
			fields: ['fd', 'uservaddr'],
		};
		const params = new URLSearchParams();
		writeOptions(params, changed, defaults);
		expect(params.get('context')).toBe('portable');
		expect(params.get('fields')).toBe('fd,uservaddr');
		expect(readOptions(new URLSearchParams(params.toString()), defaults)).toEqual(changed);
	});

	it('falls back to the default for values the generator refuses', () => {
		const read = readOptions(new URLSearchParams('context=btf&strlen=99999&prog=Bad-Name&output=ringbuf'), defaults);
		expect(read).toEqual(defaults);
	});

	it('turns page options into generator options for one event', () => {
		expect(toGeneratorOptions(defaults, 'syscalls:sys_enter_connect')).toMatchObject({ fields: {}, context: DEFAULT_OPTIONS.context });
		expect(toGeneratorOptions({ ...defaults, fields: ['fd'] }, 'syscalls:sys_enter_connect').fields).toEqual({ 'syscalls:sys_enter_connect': ['fd'] });
	});
});
