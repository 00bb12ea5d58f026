// The form's network before it is built: checked by the worker (Train waits for it), its
// size and expected training time on the backend it will get, and the link kept in step.

import { REQUEST } from '../protocol.js';
import { archOf } from '../state.js';
import { flopsPerStep, formatDuration, formatMs, GUESSES } from '../estimate.js';
import { grouped } from '../numbers.js';
import { $ } from './lab.js';
import { updateButtons } from './page-state.js';
import { writeHash } from './link.js';

/** @typedef {import('./lab.js').Lab} Lab */

/**
 * Takes the form's (or the link's) new values.
 * @param {Lab} lab
 * @param {object} fields changed configuration keys
 */
export function configChanged(lab, fields) {
  lab.state = { ...lab.state, ...fields };
  writeHash(lab, { reader: Object.keys(fields).length > 0 });
  describeConfig(lab);
  updateButtons(lab);
}

/**
 * The backend a preference will get: as reported once known, else as the adapter suggests.
 * @param {Lab} lab
 * @param {string} preference "auto", "webgpu" or "cpu"
 */
function expectedBackend(lab, preference) {
  if (lab.known[preference]) return lab.known[preference];
  const gpu = lab.adapter?.available && preference !== 'cpu' && !(preference === 'auto' && lab.adapter.software);
  return gpu ? { kind: 'webgpu', label: 'WebGPU' } : { kind: 'cpu', label: 'CPU' };
}

/**
 * Expected ms per step for a network on the backend a preference will get.
 * @param {Lab} lab
 * @param {object} arch an ArchConfig
 * @param {string} preference "auto", "webgpu" or "cpu"
 * @returns {{backend: {kind: string, label: string}, msPerStep: number, measured: boolean, exact: boolean}}
 *   `exact`: measured at about this size (estimate.js)
 */
export function expectedSpeedOf(lab, arch, preference) {
  const backend = expectedBackend(lab, preference);
  const model = backend.kind === 'cpu' ? GUESSES.cpu : lab.adapter?.software ? GUESSES.software : GUESSES.gpu;
  return { backend, ...lab.speeds.msPerStep(backend.label, flopsPerStep(arch), model) };
}

/**
 * Expected ms per step for the configuration's network on its backend.
 * @param {Lab} lab
 * @param {object} state the configuration
 */
export function expectedSpeed(lab, state) {
  return expectedSpeedOf(lab, archOf(state), state.backend);
}

/**
 * Where a backend runs, in words: "the CPU", "WebGPU".
 * @param {{kind: string, label: string}} backend
 */
export function placeOf(backend) {
  return backend.kind === 'cpu' ? 'the CPU' : backend.label;
}

/** How an expected speed is known, in words. @param {boolean} measured */
export function knownHow(measured) {
  return measured ? 'as measured here' : 'a guess until measured';
}

/** Checks the form's network in the worker; Train stays disabled until it is known good. @param {Lab} lab */
async function describeConfig(lab) {
  const seq = ++lab.describeSeq;
  const state = lab.state;
  lab.described = null;
  lab.describing = true;
  showSize(lab);
  updateButtons(lab);
  let described = null;
  let problem = null;
  try {
    described = await lab.client.request({ type: REQUEST.DESCRIBE, arch: archOf(state) });
  } catch (error) {
    problem = error;
  }
  if (seq !== lab.describeSeq) return;
  lab.describing = false;
  lab.described = described;
  lab.form.showDefaults(described?.train ?? null);
  if (problem) {
    $('size').textContent = `This network cannot be built: ${problem.message}`;
    $('size').classList.add('bad');
  } else {
    showSize(lab);
  }
  updateButtons(lab);
}

/** Shows the form's network's size and expected training time. @param {Lab} lab */
export function showSize(lab) {
  const size = $('size');
  size.classList.remove('bad');
  const d = lab.described;
  const { backend, msPerStep, measured } = expectedSpeed(lab, lab.state);
  const perStep = `${formatMs(msPerStep)} a step on ${placeOf(backend)}, ${knownHow(measured)}`;
  if (!d) {
    size.textContent = lab.describing ? 'Checking this network\u2026' : `About ${perStep}.`;
    return;
  }
  const steps = lab.state.steps ?? d.train.steps;
  const mib = d.memory_bytes / 2 ** 20;
  size.textContent = `${d.name}: ${grouped(d.params)} parameters, about ${mib < 10 ? mib.toFixed(1) : Math.round(mib)} MiB to train. `
    + `Training ${grouped(steps)} steps: ${formatDuration(msPerStep * steps)} (${perStep}).`;
}
