/** A raw capture directory on disk (its layout and checks: src/lib/capture/raw.ts). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseRawCapture, RawCaptureError, type RawCapture } from '../../src/lib/capture/raw.ts';

export { formatPath, RAW_FILES, RawCaptureError, type RawCapture, type RawEvent } from '../../src/lib/capture/raw.ts';

/** Reads a raw capture directory; throws RawCaptureError naming the first missing or malformed file. */
export function readRawCapture(dir: string): RawCapture {
	if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RawCaptureError(dir, 'not a directory; expected a raw capture directory');
	return parseRawCapture({
		where: dir,
		read: (path) => {
			const file = join(dir, path);
			return existsSync(file) && statSync(file).isFile() ? readFileSync(file) : undefined;
		},
		list: (path) => {
			const sub = join(dir, path);
			return existsSync(sub) && statSync(sub).isDirectory() ? readdirSync(sub).sort() : [];
		},
	});
}
