/** `data/events/<category>/<name>.json`: one event on every kernel, with its partner, for the event page's island (see src/site/event-data.ts). */
import { loadCatalog } from '../../../../site/data.ts';
import { packEventData, partnerOf } from '../../../../site/event-data.ts';

export function getStaticPaths() {
	return loadCatalog().events.map((e) => ({ params: { category: e.category, name: e.name } }));
}

export function GET({ params }: { params: { category: string; name: string } }): Response {
	const catalog = loadCatalog();
	const { category, name } = params;
	const partner = partnerOf(name);
	const byName = { [name]: catalog.versions(category, name), ...(partner ? { [partner]: catalog.versions(category, partner) } : {}) };
	return new Response(JSON.stringify(packEventData(category, byName)), { headers: { 'content-type': 'application/json' } });
}
