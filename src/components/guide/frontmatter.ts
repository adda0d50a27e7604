/**
 * The frontmatter every guide in content/<lang>/<slug>.mdx carries. Pure zod, so the content
 * collection (src/content.config.ts) and the tests validate with the same schema.
 */
import { z } from 'zod';
import { LANGS } from '../../site/i18n.ts';

/** `category:name`, as available_events lists an event. */
export const EventRefSchema = z.string().regex(/^[\w.-]+:[\w.-]+$/, 'an event is written category:name, e.g. syscalls:sys_enter_connect');

export const GuideFrontmatterSchema = z.strictObject({
	/** The page title. */
	title: z.string().min(1),
	/** One or two sentences for the guide list, search results and the meta description. */
	description: z.string().min(1),
	/** The language of this version; it must match the folder (content/zh/ or content/en/). */
	lang: z.enum(LANGS),
	/** Position in the guide list, 1 first; both language versions of a guide share it. */
	order: z.number().int().positive(),
	/** The events the guide teaches, `category:name`; each must exist in data/ and is linked to its event page. */
	events: z.array(EventRefSchema).min(1),
});
export type GuideFrontmatter = z.output<typeof GuideFrontmatterSchema>;

/** A parsed event reference. */
export function parseEventRef(ref: string): { category: string; name: string } {
	const [category, name] = EventRefSchema.parse(ref).split(':') as [string, string];
	return { category, name };
}
