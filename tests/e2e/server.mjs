// The site for the tests, served by the project's own server (`cargo xtask serve`: tower-http
// on 127.0.0.1, a secure context, so WebGPU is allowed) on a free port, so that the tests see
// exactly what a reader of `cargo xtask serve` sees: its MIME types, its Content-Security-
// Policy header, its caching. `cargo xtask test` passes its own binary in XTASK; run alone,
// the tests call `cargo xtask`.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The site served by default: the repository's `www/`. */
export const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../www');

/** How long the server may take to say its address (a first `cargo xtask` compiles it). */
const START_TIMEOUT_MS = 300_000;

/**
 * Starts serving `root` on 127.0.0.1 with a free port.
 * @param {string} [root] directory to serve (default: the repository's `www/`)
 * @returns {Promise<{url: string, close: () => Promise<void>}>} the base URL (ending in "/")
 *   and a function that stops the server
 */
export async function serve(root = WWW) {
  const [command, first] = process.env.XTASK ? [process.env.XTASK, []] : ['cargo', ['xtask']];
  // stderr is piped, not inherited: a server left behind must not hold the caller's output.
  const child = spawn(command, [...first, 'serve', '--no-build', '--port', '0', '--root', root], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // However the tests end, the server ends with them.
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${START_TIMEOUT_MS / 1000} s: ${seen}`)), START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const found = seen.match(/serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${command}: ${e.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before serving: ${seen}`));
    });
  });
  return {
    url,
    close: async () => {
      process.off('exit', stop);
      child.kill('SIGTERM');
      await exited;
    },
  };
}
