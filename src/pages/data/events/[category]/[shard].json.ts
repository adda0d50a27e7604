/** `data/events/<category>/<shard>.json`: a share of one category's events on every kernel, for the event page's island (see src/site/event-data.ts). */
import { loadCatalog } from '../../../../site/data.ts';
import { eventShards } from '../../../../site/event-data.ts';

export function getStaticPaths() {
	return eventShards(loadCatalog()).map(({ category, shard, data }) => ({ params: { category, shard: String(shard) }, props: { data } }));
}

export function GET({ props }: { props: { data: unknown } }): Response {
	return new Response(JSON.stringify(props.data), { headers: { 'content-type': 'application/json' } });
}
