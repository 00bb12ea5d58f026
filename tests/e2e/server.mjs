// A tiny static server for the tests: serves `www/` on 127.0.0.1 (a secure context, so
// WebGPU is allowed) on an ephemeral port, with the MIME types the page relies on
// (`application/wasm` lets `WebAssembly.instantiateStreaming` compile while downloading).

import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The site served by default: the repository's `www/`. */
export const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../www');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/**
 * Starts serving `root` on 127.0.0.1 with an ephemeral port.
 * @param {string} [root] directory to serve (default: the repository's `www/`)
 * @returns {Promise<{url: string, close: () => Promise<void>}>} the base URL (ending in "/")
 *   and a function that stops the server
 */
export async function serve(root = WWW) {
  const base = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let file = path.resolve(base, '.' + decodeURIComponent(url.pathname));
      if (file !== base && !file.startsWith(base + path.sep)) {
        res.writeHead(403).end('outside the site');
        return;
      }
      if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await fs.readFile(file);
      const headers = {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        // The generated module changes only on a rebuild; everything else is revalidated.
        'Cache-Control': file.includes(`${path.sep}pkg${path.sep}`) ? 'public, max-age=3600' : 'no-cache',
      };
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' ? 404 : 500, { 'Content-Type': 'text/plain' }).end(String(e.message));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
