// The answers that follow the pad: the network on the pad and the kept ones answer the
// drawing as it changes (at most one round in flight, at most one per interval), and the
// network on the pad answers the test row (Fig. 1) and the heatmap row (Fig. 2).

import { REQUEST } from '../protocol.js';
import { renderGallery, renderHeatmap } from '../gallery.js';
import { RHOS, PROBES_PER_RHO, TEST_ROW_DIGITS, TEST_ROW_FASHION } from '../rules.js';
import { $ } from './lab.js';
import { failed, showTimings, timings } from './page-state.js';

/** @typedef {import('./lab.js').Lab} Lab */

/** The pad's answers refresh at most this often while drawing, and while training. */
const PREDICT_INTERVAL_MS = 100;
export const TRAINING_PREDICT_INTERVAL_MS = 1000;

/**
 * Asks for fresh answers to the pad soon: at most one round in flight, at most one round per
 * `interval`.
 * @param {Lab} lab
 * @param {number} [interval]
 */
export function predictSoon(lab, interval = PREDICT_INTERVAL_MS) {
  const live = lab.live;
  live.dirty = true;
  if (live.inFlight || live.timer) return;
  live.timer = setTimeout(() => predictNow(lab), Math.max(0, live.last + interval - performance.now()));
}

/** One round of answers to the pad. @param {Lab} lab */
async function predictNow(lab) {
  const live = lab.live;
  live.timer = null;
  const ids = [...new Set([lab.current?.id, ...lab.compare.ids()])].filter((id) => id !== undefined);
  if (ids.length === 0) return;
  live.dirty = false;
  live.inFlight = true;
  const version = lab.pad.version;
  const pixels = lab.pad.pixels();
  try {
    // `catch` after `then`: an error while showing an answer is reported like a failed run,
    // and never leaves `inFlight` set (which would stop the live answers for good).
    await Promise.all(ids.map((id) => lab.client.request({ type: REQUEST.PREDICT, session: id, pixels: pixels.slice(), side: lab.pad.side })
      .then((answer) => showAnswer(lab, id, answer, version))
      .catch((error) => {
        if (id === lab.current?.id || lab.compare.ids().includes(id)) failed(lab, 'Could not run the network on the drawing', error);
      })));
  } finally {
    live.inFlight = false;
    live.last = performance.now();
    if (live.dirty) predictSoon(lab);
  }
}

/**
 * Shows one network's answer to the pad's drawing of `version`.
 * @param {Lab} lab
 * @param {number} id
 * @param {object} answer the worker's "predict" result
 * @param {number} version the pad's version it answers
 */
function showAnswer(lab, id, answer, version) {
  lab.compare.show(id, answer, version);
  if (id !== lab.current?.id) return;
  lab.mainView.show(answer, version);
  if (timings.firstPrediction === undefined) {
    timings.firstPrediction = Math.round(performance.now());
    showTimings();
  }
}

/** The pad's network answers the test row. @param {Lab} lab */
export async function refreshGallery(lab) {
  const id = lab.current?.id;
  if (id === undefined) return;
  try {
    const row = await lab.client.request({ type: REQUEST.GALLERY, session: id, digits: TEST_ROW_DIGITS, fashion: TEST_ROW_FASHION });
    if (id !== lab.current?.id) return;
    renderGallery($('gallery'), row, (pixels) => lab.pad.load(pixels));
    $('gallery-note').textContent = `Inputs (top; click one to load it into the pad) and the answers of ${lab.current.trained ? 'the trained' : 'the untrained'} ${lab.current.name} (below), as in the paper's Fig. 1.`;
  } catch (error) {
    failed(lab, 'Could not draw the test row', error);
  }
}

/** The pad's network answers the heatmap row. @param {Lab} lab */
export async function refreshHeatmap(lab) {
  const id = lab.current?.id;
  if (id === undefined) return;
  const sense = /** @type {HTMLSelectElement} */ ($('rho-sense'));
  try {
    const probes = sense.value;
    const result = await lab.client.request({ type: REQUEST.HEATMAP, session: id, rhos: RHOS, perRho: PROBES_PER_RHO, probes });
    // A newer request (another network, or the other sense of rho) draws its own answer.
    if (id === lab.current?.id && probes === sense.value) renderHeatmap(/** @type {HTMLTableElement} */ ($('heatmap')), RHOS, result);
  } catch (error) {
    failed(lab, 'Could not compute the heatmap', error);
  }
}
