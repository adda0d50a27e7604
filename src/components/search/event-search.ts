/** Browser side: fetches data/events.json once per page and builds the fuzzy search over it. */
import { unpackEventIndex, type EventIndex, type PackedEventIndex } from '../../site/event-index.ts';
import { createEventSearch, type EventSearch } from '../../site/search.ts';

export interface LoadedSearch {
	index: EventIndex;
	search: EventSearch;
}

let loading: Promise<LoadedSearch> | undefined;

export function loadEventSearch(url: string): Promise<LoadedSearch> {
	loading ??= fetch(url)
		.then((response) => {
			if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
			return response.json() as Promise<PackedEventIndex>;
		})
		.then((packed) => {
			const index = unpackEventIndex(packed);
			return { index, search: createEventSearch(index.entries, index) };
		});
	return loading;
}
