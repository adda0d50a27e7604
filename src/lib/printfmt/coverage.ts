/** Decoding coverage of one kernel's events: what `npm run report:decode` prints and the every-kernel test checks. */
import type { Event } from '../../schemas/snapshot.ts';
import { decodeEvent, DECODER_KINDS, type DecoderKind, type RawReason, type Unread, type UnreadCategory } from './decode.ts';

export interface KernelCoverage {
	events: number;
	fields: number;
	/** Fields with a decoder, by kind. */
	decoded: Record<DecoderKind, number>;
	/** Conditional texts decoded as part of the field they test (openat's `O_RDONLY|`, sched_switch's `+`). */
	affixes: number;
	/** Fields without one, by why. */
	raw: Record<RawReason['why'], number>;
	/** Every expression not read, with its event. */
	unread: (Unread & { event: string })[];
	byCategory: Partial<Record<UnreadCategory, number>>;
}

export function kernelCoverage(events: readonly Event[]): KernelCoverage {
	const coverage: KernelCoverage = {
		events: events.length,
		fields: 0,
		decoded: Object.fromEntries(DECODER_KINDS.map((k) => [k, 0])) as Record<DecoderKind, number>,
		affixes: 0,
		raw: { plain: 0, 'not-printed': 0, unread: 0 },
		unread: [],
		byCategory: {},
	};
	for (const event of events) {
		const decoding = decodeEvent(event.format);
		// A few formats list a name twice; a field is counted once, as the decoding keys it.
		coverage.fields += new Set(event.format.fields.map((f) => f.name)).size;
		for (const d of decoding.decoders.values()) {
			coverage.decoded[d.kind]++;
			if (d.kind === 'flags' || d.kind === 'symbolic') coverage.affixes += (d.before?.length ?? 0) + (d.after?.length ?? 0);
		}
		for (const r of decoding.raw.values()) coverage.raw[r.why]++;
		for (const u of decoding.unread) {
			coverage.unread.push({ ...u, event: `${event.category}:${event.name}` });
			coverage.byCategory[u.category] = (coverage.byCategory[u.category] ?? 0) + 1;
		}
	}
	return coverage;
}
