/**
 * A guide's outline read straight from its MDX source: frontmatter, steps, and the data components
 * each step uses with their props — what the structure tests compare between languages and check
 * against data/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { GuideFrontmatterSchema, type GuideFrontmatter } from '../../src/components/guide/frontmatter.ts';

export const CONTENT_DIR = 'content';

/** One JSX component use, e.g. `<FormatFile event="syscalls:sys_enter_connect" />`. */
export interface ComponentUse {
	name: string;
	/** Attribute source text, whitespace collapsed: `event="syscalls:sys_enter_connect"`. */
	props: string;
}

export interface Step {
	n: number;
	title: string;
	components: ComponentUse[];
	/** Whether the step shows a command: a shell code fence or a component that prints one. */
	hasCommand: boolean;
}

export interface Outline {
	file: string;
	lang: string;
	slug: string;
	frontmatter: GuideFrontmatter;
	steps: Step[];
	/** Relative links to other guides, e.g. `../find-events/` → `find-events`. */
	guideLinks: string[];
	/** Every `category:name` the body passes to a component (event=, events=). */
	eventRefs: string[];
	/** Every snippet file the body shows. */
	snippets: string[];
}

/** Components that print a command (and, from data or the test suite, its output). */
export const COMMAND_COMPONENTS = new Set([
	'AvailableEvents',
	'BpftraceList',
	'FormatFile',
	'BpftraceFields',
	'ContextStruct',
	'CategoryCounts',
	'BtfTypedef',
	'LayoutChange',
	'ModuleEvents',
	'SnippetLoad',
	'MeasuredFamilies',
	'BuildCommands',
	'RunConnect',
	'RunOpenat',
	'OldLayoutRun',
	'QuickLook',
	'ConnectOutcome',
	'Trouble',
	'ProbeRun',
	'ProbeBuild',
	'ProbeMissing',
	'LibcLookup',
	'DirectSyscall',
	'CapsOnly',
	'LockdownRun',
]);

const FRONTMATTER = /^---\n([\s\S]*?)\n---\n/;
const STEP = /<Step n=\{(\d+)\} title="([^"]*)">([\s\S]*?)<\/Step>/g;
const COMPONENT = /<([A-Z]\w*)((?:\s+[\w-]+(?:=(?:"[^"]*"|\{[^}]*\}))?)*)\s*\/?>/g;

export function readOutline(lang: string, slug: string): Outline {
	const file = join(CONTENT_DIR, lang, `${slug}.mdx`);
	const source = readFileSync(file, 'utf8');
	const fm = FRONTMATTER.exec(source);
	if (!fm) throw new Error(`${file}: no --- frontmatter --- block at the top`);
	const parsed = GuideFrontmatterSchema.safeParse(load(fm[1]!));
	if (!parsed.success) throw new Error(`${file}: frontmatter does not match the schema: ${parsed.error.message}`);
	const body = source.slice(fm[0].length);
	const components = (text: string): ComponentUse[] =>
		[...text.matchAll(COMPONENT)].filter(([, name]) => name !== 'Step').map(([, name, props]) => ({ name: name!, props: props!.trim().replace(/\s+/g, ' ') }));
	const steps = [...body.matchAll(STEP)].map(([, n, title, inner]) => {
		const used = components(inner!);
		return { n: Number(n), title: title!, components: used, hasCommand: /```(sh|shell|bash)\n/.test(inner!) || used.some((c) => COMMAND_COMPONENTS.has(c.name)) };
	});
	const all = components(body);
	const propValues = (key: string) =>
		all.flatMap((c) => {
			const m = new RegExp(`\\b${key}=(?:"([^"]*)"|\\{(\\[[^\\]]*\\])\\})`).exec(c.props);
			if (!m) return [];
			return m[1] !== undefined ? [m[1]] : (JSON.parse(m[2]!) as string[]);
		});
	return {
		file,
		lang,
		slug,
		frontmatter: parsed.data,
		steps,
		guideLinks: [...body.matchAll(/\]\(\.\.\/([\w-]+)\/\)/g)].map((m) => m[1]!),
		eventRefs: [...propValues('event'), ...propValues('events')],
		snippets: propValues('file').filter((f) => f.endsWith('.c')),
	};
}

/** Guide slugs per language folder. */
export function guideSlugs(lang: string): string[] {
	return readdirSync(join(CONTENT_DIR, lang))
		.filter((f) => f.endsWith('.mdx') && !f.startsWith('_'))
		.map((f) => f.slice(0, -'.mdx'.length))
		.sort();
}
