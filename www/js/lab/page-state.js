// What the lab tells the reader about itself: messages, the page's state word (tests and
// styles read it from <body data-state>), the buttons it allows, the backend badge, the
// status line, the start-up timings and the worker's memory.

import { ERROR_NAMES, REQUEST } from '../protocol.js';
import { WorkerDiedError } from '../worker-client.js';
import { $ } from './lab.js';
import { gpuLost } from './lost-networks.js';

/** @typedef {import('./lab.js').Lab} Lab */

/**
 * Shows a message under the status bar, dismissible.
 * @param {Lab} lab
 * @param {string} text
 * @param {"info" | "warn" | "error"} [kind]
 * @param {{key?: string, action?: {label: string, run: () => void}}} [options] see Notices
 */
export function notify(lab, text, kind = 'info', options = {}) {
  lab.notices.show(text, kind, options);
}

/**
 * Shows an error of an action, unless it is a dead worker (reported once by workerDied) or a
 * lost GPU (reported once by gpuLost, which this calls if the browser did not say so first).
 * @param {Lab} lab
 * @param {string} what the action, in words
 * @param {any} error
 */
export function failed(lab, what, error) {
  if (error instanceof WorkerDiedError) return;
  if (error?.name === ERROR_NAMES.GPU_LOST) {
    if (!lab.gpuLost) gpuLost(lab, { reason: 'unknown', message: error.message });
    return;
  }
  notify(lab, `${what}: ${error?.message ?? error}`, 'error');
}

/**
 * The lab's phases, each with the phases it may go to: the page loads the network code
 * ("loading"), then holds an untrained network or none ("ready") or a trained one
 * ("trained"), trains ("training": Train is the only way in), or has lost its worker or never
 * got it ("error"; after a lost worker, Train and Import start a fresh one). Nothing goes
 * back to "loading". The phase is
 * the page's state word, `<body data-state>`, which tests and styles read.
 */
export const PHASES = Object.freeze({
  loading: Object.freeze(['ready', 'error']),
  ready: Object.freeze(['ready', 'training', 'trained', 'error']),
  training: Object.freeze(['ready', 'trained', 'error']),
  trained: Object.freeze(['ready', 'training', 'trained', 'error']),
  error: Object.freeze(['ready', 'training', 'trained', 'error']),
});

/**
 * Moves the lab to `state` (one of PHASES). A move the table does not allow is a bug of the
 * page: it is made (the reader is not left with a stuck page) and reported on the console,
 * where the browser tests see it.
 * @param {Lab} lab
 * @param {keyof typeof PHASES} state
 */
export function setPageState(lab, state) {
  const from = document.body.dataset.state;
  if (!PHASES[from]?.includes(state)) console.error(`the lab cannot go from "${from}" to "${state}"`);
  document.body.dataset.state = state;
  updateButtons(lab);
}

/**
 * The phase for the network on the pad, when nothing is under way.
 * @param {Lab} lab
 * @returns {"trained" | "ready"}
 */
export function restingState(lab) {
  return lab.current?.trained ? 'trained' : 'ready';
}

/** Enables the buttons that can act now. @param {Lab} lab */
export function updateButtons(lab) {
  const loading = document.body.dataset.state === 'loading';
  const button = (id) => /** @type {HTMLButtonElement} */ ($(id));
  button('train').disabled = loading || Boolean(lab.training) || !lab.form.valid || !lab.described || lab.describing;
  button('stop').disabled = !lab.training;
  const cur = lab.current;
  button('keep').disabled = !cur?.trained || lab.compare.full || lab.compare.ids().includes(cur.id);
  button('export').disabled = !cur?.trained || Boolean(lab.training);
  button('import').disabled = loading || Boolean(lab.training);
  $('compare-empty').hidden = lab.compare.ids().length > 0;
}

/**
 * Shows the backend the pad's network runs on, and why.
 * @param {{kind: string, label: string, reason?: string}} info
 */
export function setBackend(info) {
  const badge = $('backend');
  badge.textContent = info.label;
  badge.dataset.kind = info.kind;
  $('backend-reason').textContent = info.reason;
  $('backend-reason').title = info.reason; // whole, where a phone's status bar cuts it short
}

/** Writes the status line. @param {string} text */
export function setStatus(text) {
  $('status-text').textContent = text;
}

/**
 * When the page became able to do what, in ms after navigation (tests read it too).
 * @type {{workerReady?: number, firstPaperAnswer?: number, firstPrediction?: number}}
 */
export const timings = {};
/** @type {any} */ (window).__timings = timings;

/** Shows the start-up timings in the footer. */
export function showTimings() {
  const parts = [];
  if (timings.workerReady !== undefined) parts.push(`network code ready ${timings.workerReady} ms after navigation`);
  if (timings.firstPaperAnswer !== undefined) parts.push(`the paper's first figure answered after ${Math.round(timings.firstPaperAnswer)} ms`);
  if (timings.firstPrediction !== undefined) parts.push(`first prediction after ${timings.firstPrediction} ms`);
  $('timings').textContent = parts.length ? `${parts.join('; ')}.` : 'Measuring\u2026';
}

/** Shows the worker's memory (wasm heap, networks alive) in the footer; tests read it too. @param {Lab} lab */
export async function showMemory(lab) {
  try {
    const m = await lab.client.request({ type: REQUEST.MEMORY });
    const el = $('memory');
    el.dataset.wasmBytes = String(m.wasm_bytes);
    el.dataset.networks = String(m.networks);
    const mib = (b) => `${Math.round(b / 2 ** 20)} MiB`;
    el.textContent = `Network worker: wasm memory ${mib(m.wasm_bytes)}; ${m.networks} network${m.networks === 1 ? '' : 's'} alive, `
      + `estimated ${mib(m.cpu_bytes)} of ${mib(m.cpu_limit)} on the CPU and ${mib(m.gpu_bytes)} of ${mib(m.gpu_limit)} on the GPU.`;
  } catch (error) {
    failed(lab, 'Could not read the memory in use', error);
  }
}
