/** `companion/<path>`: the companion repository's files as plain text, linked from step 6 of every event page. */
import { COMPANION_FILES } from '../../lib/generate/companion.ts';

export function getStaticPaths() {
	return COMPANION_FILES.map((file) => ({ params: { path: file.path }, props: { content: file.content } }));
}

export function GET({ props }: { props: { content: string } }): Response {
	return new Response(props.content, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
