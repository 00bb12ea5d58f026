// The worker that fetches and reads the figure files (figure-files.js asks): a figure's JSON
// is up to 1.6 MB of numbers and base64 pictures, whose parsing and checking would hold the
// page's main thread for a tenth of a second and more.

import { loadFigure, FigureDataError } from './figure-data.js';

/** The buffers of every Float32Array in `value` (the decoded pictures), to transfer. */
function buffers(value, found = []) {
  if (value instanceof Float32Array) found.push(value.buffer);
  else if (Array.isArray(value)) value.forEach((v) => buffers(v, found));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => buffers(v, found));
  return found;
}

/**
 * This worker's global scope as far as it is used here: the checker's lib.dom types `self` as a
 * Window, whose postMessage takes a target origin, not a DedicatedWorkerGlobalScope.
 * @typedef {{postMessage: (message: unknown, transfer?: Transferable[]) => void}} WorkerScope
 */
const scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));

self.addEventListener('message', async ({ data: { id, base, figure, kind } }) => {
  try {
    const read = await loadFigure(base, figure, kind);
    scope.postMessage({ id, figure: read }, buffers(read));
  } catch (error) {
    scope.postMessage({ id, error: { message: String(error?.message ?? error), shape: error instanceof FigureDataError } });
  }
});
