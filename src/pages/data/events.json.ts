/** `data/events.json`: every event of every kernel, for the fuzzy search (see src/site/event-index.ts). */
import { getCollection } from 'astro:content';
import { loadCatalog } from '../../site/data.ts';
import { packEventIndex } from '../../site/event-index.ts';
import { featuredEvents } from '../../site/featured.ts';

export async function GET(): Promise<Response> {
	const guides = (await getCollection('guides')).map((g) => g.data);
	return new Response(JSON.stringify(packEventIndex(loadCatalog(), featuredEvents(guides))), { headers: { 'content-type': 'application/json' } });
}
