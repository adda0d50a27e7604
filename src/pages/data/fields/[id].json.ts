/** `data/fields/<kernel>.json`: every event of one captured kernel with its fields, for the my-kernel page's comparison (src/site/my-kernel/compare.ts). */
import { loadCatalog } from '../../../site/data.ts';
import { packKernelFields } from '../../../site/my-kernel/compare.ts';

export function getStaticPaths() {
	return loadCatalog().kernels.map((k) => ({ params: { id: k.id } }));
}

export function GET({ params }: { params: { id: string } }): Response {
	const catalog = loadCatalog();
	const events = catalog.categories.flatMap((category) => catalog.inCategory(params.id, category));
	return new Response(JSON.stringify(packKernelFields(params.id, events)), { headers: { 'content-type': 'application/json' } });
}
