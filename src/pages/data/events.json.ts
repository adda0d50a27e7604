/** `data/events.json`: every event of every kernel, for the fuzzy search (see src/site/event-index.ts). */
import { loadCatalog } from '../../site/data.ts';
import { packEventIndex } from '../../site/event-index.ts';

export function GET(): Response {
	return new Response(JSON.stringify(packEventIndex(loadCatalog())), { headers: { 'content-type': 'application/json' } });
}
