// The life of the networks the lab shows. A network is built untrained for the pad (a
// preview, so the pad answers before any training), replaced by the one a training builds
// (the one before stays alive until the new one has trained: training.js), kept beside
// others for comparison, imported, or lost with the worker or the GPU (lost-networks.js).
// Every network leaves the worker once neither the pad, the comparison nor a training's
// fallback shows it.

import { ERROR_NAMES, REQUEST } from '../protocol.js';
import { archOf, trainOf } from '../state.js';
import {
  failed, notify, restingState, setBackend, setPageState, setStatus, updateButtons,
} from './page-state.js';
import { showSize } from './settings.js';
import { predictSoon, refreshGallery } from './live-answers.js';

/** @typedef {import('./lab.js').Lab} Lab */

/** Whether the comparison keeps the network `id`. */
const isKept = (lab, id) => lab.compare.ids().includes(id);

/**
 * Frees a network in the worker unless the pad or the comparison still shows it, or training
 * may give it back.
 * @param {Lab} lab
 * @param {number | undefined | null} id
 * @returns {Promise<void>} settles once the worker has freed it (or did not need to)
 */
export function release(lab, id) {
  if (id === undefined || id === null || id === lab.current?.id || isKept(lab, id) || id === lab.training?.fallback?.id) {
    return Promise.resolve();
  }
  return lab.client.request({ type: REQUEST.DISPOSE, session: id }).then(() => undefined, (error) => failed(lab, 'Could not free a network', error));
}

/**
 * Asks the worker for a network of `state` on the training image. When the networks alive
 * leave no room, the paper's figures give theirs back, then the one on the pad is freed (if
 * it is not kept), and the worker is asked again after each: the reader loses nothing they
 * chose to keep.
 * @param {Lab} lab
 * @param {object} state the configuration
 * @param {{preview?: boolean, lossEvery?: number}} [options] `preview`: the untrained network
 *   alone, for the pad
 * @returns {Promise<object>} the worker's "create" result
 */
export async function createNetwork(lab, state, { preview = false, lossEvery: every = 1 } = {}) {
  const ask = () => lab.client.request({
    type: REQUEST.CREATE, arch: archOf(state), train: trainOf(state, every), backend: state.backend, image: lab.image.pixels.slice(), preview,
  });
  /** The network, or the refusal when the networks alive leave no room (other errors throw). */
  const attempt = async () => {
    try {
      return { created: await ask(), refused: null };
    } catch (error) {
      if (error.name !== ERROR_NAMES.MEMORY) throw error;
      return { created: null, refused: error };
    }
  };
  let { created, refused } = await attempt();
  // No room: the paper's figures give their networks back first (they load again when shown).
  if (refused && await lab.paper.release()) ({ created, refused } = await attempt());
  if (created) return created;
  const cur = lab.current;
  // A preview must not free a trained network (one imported meanwhile) nor what a training
  // started meanwhile falls back to.
  if (!cur || isKept(lab, cur.id) || (preview && (cur.trained || lab.training))) throw refused;
  await dropCurrent(lab);
  if (cur.trained) notify(lab, `Freed ${cur.name} (it was not kept for comparison) to make room for the new network.`, 'info');
  return ask();
}

/**
 * Empties the pad (the network is not freed here): the page no longer says it holds a
 * trained network when that one was it.
 * @param {Lab} lab
 */
export function leavePad(lab) {
  lab.current = null;
  lab.mainView.blank('no network');
  if (document.body.dataset.state === 'trained') setPageState(lab, restingState(lab));
  else updateButtons(lab);
}

/**
 * Takes the network off the pad and frees it (unless kept).
 * @param {Lab} lab
 * @returns {Promise<void>} settles once the worker has freed it
 */
export function dropCurrent(lab) {
  const id = lab.current?.id;
  if (lab.training?.fallback?.id === id) lab.training.fallback = null;
  leavePad(lab);
  return release(lab, id);
}

/**
 * Puts a network on the pad; the one there before is freed unless kept or still needed.
 * @param {Lab} lab
 * @param {object} created the worker's "create" result
 * @param {string} preference the backend asked for
 * @param {{keepPrevious?: boolean}} [options] keep the previous network alive (training
 *   falls back to it)
 */
export function adopt(lab, created, preference, { keepPrevious = false } = {}) {
  const previous = lab.current?.id;
  lab.current = {
    id: created.session, name: created.config.name, backend: created.backend, config: created.config, trained: false, report: null, image: lab.image.caption,
  };
  lab.known[preference] = created.backend;
  if (!keepPrevious) release(lab, previous);
  setBackend(created.backend);
  showSize(lab);
  updateButtons(lab);
}

/**
 * Puts the form's untrained network on the pad (unless a trained one is there), so that the
 * pad answers before any training.
 * @param {Lab} lab
 */
export async function createPreview(lab) {
  // No training image yet: the page is still loading, and start() puts the first one on.
  if (lab.current?.trained || lab.training || !lab.image) return;
  const state = lab.state;
  try {
    const created = await createNetwork(lab, state, { preview: true });
    if (lab.current?.trained || lab.training) {
      release(lab, created.session);
      return;
    }
    adopt(lab, created, state.backend);
    setStatus(`Untrained ${created.config.name}: press Train.`);
    predictSoon(lab);
    refreshGallery(lab);
  } catch (error) {
    // A trained network (imported) or a training took the pad meanwhile: no preview is needed.
    if (lab.current?.trained || lab.training) return;
    failed(lab, 'Could not build the network', error);
    if (!lab.current) setBackend({ kind: 'none', label: 'No network', reason: 'this configuration cannot be built here; change it' });
  }
}

/** Keeps the trained network on the pad beside the others, for comparison. @param {Lab} lab */
export function keepCurrent(lab) {
  const cur = lab.current;
  if (!cur?.trained || lab.compare.full) return;
  const loss = cur.report?.loss;
  lab.compare.add({
    id: cur.id,
    name: cur.name,
    backend: cur.backend,
    about: `${cur.backend.label}, ${cur.report?.step ?? '?'} steps, loss ${loss === undefined ? '?' : loss.toExponential(2)}, trained on ${cur.image}`,
  });
  updateButtons(lab);
  predictSoon(lab);
}

/** Takes a network out of the comparison (and frees it unless the pad shows it). */
export function removeKept(lab, id) {
  lab.compare.remove(id);
  release(lab, id);
  updateButtons(lab);
}
