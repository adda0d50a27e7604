/**
 * A static file server for a built site, as a static host would serve it: files under `base`,
 * `index.html` for folders, 404.html for anything missing, gzip when the client asks. Used by the
 * browser tests and `npm run bench`; listens on 127.0.0.1 only.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { createGzip } from 'node:zlib';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json',
	'.svg': 'image/svg+xml',
	'.wasm': 'application/wasm',
	'.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt']);

export interface StaticServer {
	/** The site's root URL, base included, with a trailing slash. */
	url: string;
	close(): Promise<void>;
}

export async function serveStatic(dir: string, base = '/'): Promise<StaticServer> {
	const root = base.endsWith('/') ? base : `${base}/`;
	const server: Server = createServer((req, res) => {
		const raw = new URL(req.url ?? '/', 'http://x').pathname;
		let path: string | null = null;
		try {
			path = decodeURIComponent(raw);
		} catch {
			// A malformed escape (`%E0%A4%A`) names no file: the 404 page, as a static host answers.
		}
		let file: string | null = null;
		if (path !== null && (path.startsWith(root) || `${path}/` === root)) {
			const rel = normalize(path.slice(root.length)).replace(/^(\.\.(\/|$))+/, '');
			const candidate = join(dir, rel);
			if (existsSync(candidate) && statSync(candidate).isDirectory()) {
				if (!path.endsWith('/')) {
					res.writeHead(301, { location: `${path}/` }).end();
					return;
				}
				file = join(candidate, 'index.html');
			} else file = candidate;
		}
		let status = 200;
		if (!file || !existsSync(file) || !statSync(file).isFile()) {
			status = 404;
			file = join(dir, '404.html');
		}
		const ext = extname(file);
		const gzip = COMPRESSIBLE.has(ext) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
		res.writeHead(status, {
			'content-type': TYPES[ext] ?? 'application/octet-stream',
			'cache-control': 'no-cache',
			...(gzip ? { 'content-encoding': 'gzip' } : {}),
		});
		const stream = createReadStream(file);
		(gzip ? stream.pipe(createGzip()) : stream).pipe(res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}${root}`,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
