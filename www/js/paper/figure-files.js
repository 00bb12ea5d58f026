// The figure files, read off the main thread: loadFigure() of figure-data.js runs in a worker
// of its own (figure-worker.js), shared by every view of the page, and its result (pictures
// as Float32Arrays) is handed over without copying. Where no module worker can start, the
// file is read here, as before.

import { loadFigure, FigureDataError } from './figure-data.js';

/**
 * A request the figure worker owes: how to settle it, and what to read here if the worker fails.
 * @typedef {{resolve: (figure: unknown) => void, reject: (error: Error) => void,
 *   base: string, figure: number, kind: import('./figure-data.js').Kind}} Pending
 */

/**
 * The worker and its open requests, made with the first request.
 * @type {{worker: Worker | null, pending: Map<number, Pending>, next: number} | null}
 */
let reader = null;

/** The worker, started once; null where it cannot start. */
function worker() {
  if (reader !== null) return reader.worker ? reader : null;
  reader = { worker: null, pending: new Map(), next: 0 };
  try {
    reader.worker = new Worker(new URL('./figure-worker.js', import.meta.url), { type: 'module', name: 'figure files' });
  } catch {
    return null;
  }
  reader.worker.addEventListener('message', ({ data }) => {
    const request = reader.pending.get(data.id);
    if (!request) return;
    reader.pending.delete(data.id);
    if (data.error) request.reject(data.error.shape ? new FigureDataError(data.error.message) : new Error(data.error.message));
    else request.resolve(data.figure);
  });
  // A worker that fails to load (or dies): what it owed is read here, and so is what comes.
  reader.worker.addEventListener('error', (event) => {
    event.preventDefault();
    const owed = [...reader.pending.values()];
    reader.pending.clear();
    reader.worker.terminate();
    reader.worker = null;
    for (const request of owed) loadFigure(request.base, request.figure, request.kind).then(request.resolve, request.reject);
  });
  return reader;
}

/**
 * Fetches and reads `figN.json` under `base` in the figure worker (here where it cannot run).
 * @param {URL | string} base the folder of the figure files (ends in "/")
 * @param {number} figure
 * @template {import('./figure-data.js').Kind} K
 * @param {K} kind the kind of data expected
 * @returns {Promise<import('./figure-data.js').FigureOf<K>>}
 * @throws {FigureDataError} with the file's name: missing, not JSON or of another shape
 */
export function readFigure(base, figure, kind) {
  const files = worker();
  if (!files) return loadFigure(base, figure, kind);
  const id = files.next++;
  const href = String(new URL(base, document.baseURI));
  return new Promise((resolve, reject) => {
    files.pending.set(id, { resolve, reject, base: href, figure, kind });
    files.worker.postMessage({ id, base: href, figure, kind });
  });
}
