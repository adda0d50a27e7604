/**
 * The event page's check of a typed program name, before the generator sees it: what is wrong in
 * the reader's language (the generator's own GenerateError is for the CLI, in English).
 */
import { PROGRAM_NAME, RESERVED_PROGRAM_NAMES } from '../lib/generate/names.ts';
import { strings, type Lang } from './i18n.ts';

/** Why `name` cannot name a program, in `lang`; null when it can (an empty name means the default). */
export function programNameProblem(name: string, lang: Lang): string | null {
	const t = strings(lang);
	if (name === '') return null;
	if (!PROGRAM_NAME.test(name)) return t.genNameInvalid(name);
	if (RESERVED_PROGRAM_NAMES.has(name)) return t.genNameReserved(name);
	return null;
}
