// Training the form's network on the training image: the backend `auto` chooses, the
// progress and loss curve, stopping, and the way back to the network that was on the pad
// when training fails, diverges or stops before its first step.

import { ERROR_NAMES, REQUEST } from '../protocol.js';
import { WorkerDiedError } from '../worker-client.js';
import { archOf, trainOf } from '../state.js';
import { flopsPerStep, lossEvery, formatDuration, formatMs } from '../estimate.js';
import { worthTiming, timeSteps, TIMED_STEPS } from '../backend-choice.js';
import { grouped } from '../numbers.js';
import { $ } from './lab.js';
import {
  failed, notify, restingState, setBackend, setPageState, setStatus, showMemory, updateButtons,
} from './page-state.js';
import { expectedSpeed, expectedSpeedOf, knownHow, placeOf, showSize } from './settings.js';
import { adopt, createNetwork, createPreview, release } from './networks.js';
import { predictSoon, refreshGallery, refreshHeatmap, TRAINING_PREDICT_INTERVAL_MS } from './live-answers.js';

/** @typedef {import('./lab.js').Lab} Lab */

/** The progress bar under the loss curve. */
const progressBar = () => /** @type {HTMLProgressElement} */ ($('progress'));

/**
 * Puts the network that was on the pad before a failed or empty training back, and frees the
 * new one.
 * @param {Lab} lab
 * @param {number} id the new network
 * @param {string} what what happened, for the status line and (if `kind`) a message
 * @param {"warn" | "error" | null} kind
 */
function fallBack(lab, id, what, kind) {
  const fallback = lab.training?.fallback ?? null;
  if (lab.current?.id === id) lab.current = fallback;
  release(lab, id);
  const back = fallback ? ` The previous network, ${fallback.name}, is back on the pad.` : '';
  setStatus(`${what}${back}`);
  if (kind) notify(lab, `${what}${back}`, kind, { key: 'training' });
  if (fallback) {
    setBackend(fallback.backend);
    predictSoon(lab);
    refreshGallery(lab);
    refreshHeatmap(lab);
  } else {
    lab.mainView.blank('no network');
  }
  setPageState(lab, restingState(lab));
}

/**
 * The backend `auto` trains a network on: the faster of the CPU and WebGPU by this browser's
 * measured speeds, timing a few steps of the network on each first when those do not settle
 * it (backend-choice.js). Says which and both numbers.
 * @param {Lab} lab
 * @param {object} state the configuration (its backend "auto")
 * @returns {Promise<"cpu" | "webgpu">}
 */
async function chooseBackend(lab, state) {
  if (!lab.adapter?.available || lab.gpuLost) return 'cpu';
  const arch = archOf(state);
  const speedsOf = () => ({ cpu: expectedSpeedOf(lab, arch, 'cpu'), webgpu: expectedSpeedOf(lab, arch, 'webgpu') });
  let expected = speedsOf();
  /** @type {("cpu" | "webgpu")[]} */
  const timed = [];
  if (worthTiming(expected.cpu, expected.webgpu)) {
    const create = { arch, train: trainOf(state, 1), image: lab.image.pixels };
    for (const backend of /** @type {const} */ (['webgpu', 'cpu'])) {
      if (lab.training?.stopRequested) break;
      setStatus(`Choosing the backend: timing ${TIMED_STEPS} steps of ${lab.described?.name ?? 'the network'} on ${placeOf(expected[backend].backend)}\u2026`);
      const result = await timeSteps(lab.client, create, backend, () => Boolean(lab.training?.stopRequested));
      if (!result) continue;
      lab.known[backend] = result.backend;
      lab.speeds.record(result.backend.label, flopsPerStep(arch), result.msPerStep);
      timed.push(backend);
    }
    expected = speedsOf();
  }
  if (lab.gpuLost) return 'cpu'; // lost while timing
  const winner = expected.webgpu.msPerStep < expected.cpu.msPerStep ? 'webgpu' : 'cpu';
  const loser = winner === 'cpu' ? 'webgpu' : 'cpu';
  const ms = (b) => formatMs(expected[b].msPerStep);
  const how = timed.length === 2 ? 'timed on this network just now'
    : timed.length === 1 ? `${placeOf(expected[timed[0]].backend)} timed on this network just now, the other could not run it`
      : knownHow(expected[winner].measured);
  notify(lab, `auto: training on ${placeOf(expected[winner].backend)}, ${ms(winner)} a step against ${ms(loser)} on ${placeOf(expected[loser].backend)} (${how}).`, 'info', { key: 'auto' });
  return winner;
}

/** Trains the form's network; the pad shows it as it trains. @param {Lab} lab */
export async function train(lab) {
  if (lab.training || !lab.form.valid || !lab.described) return;
  // The network on the pad stays alive until the new one has trained: training that
  // diverges, or stops before its first step, gives it back.
  lab.training = { id: null, stopRequested: false, fallback: lab.current };
  lab.notices.remove('training');
  setPageState(lab, 'training');
  const asked = { ...lab.state };
  let state = asked;
  let created;
  try {
    if (asked.backend === 'auto') state = { ...asked, backend: await chooseBackend(lab, asked) };
    if (lab.training.stopRequested) {
      setStatus('Stopped before training started: nothing was trained.');
      lab.training = null;
      setPageState(lab, restingState(lab));
      updateButtons(lab);
      return;
    }
    setStatus('Building the network\u2026');
    created = await createNetwork(lab, state, { lossEvery: lossEvery(expectedSpeed(lab, state).msPerStep) });
  } catch (error) {
    failed(lab, 'Could not build the network', error);
    setStatus(`Could not build the network: ${error.message}`);
    lab.training = null;
    setPageState(lab, error instanceof WorkerDiedError ? 'error' : restingState(lab));
    if (!lab.current && !(error instanceof WorkerDiedError)) createPreview(lab);
    return;
  }
  try {
    if (lab.training.stopRequested) {
      fallBack(lab, created.session, 'Stopped before training started: nothing was trained.', null);
      return;
    }
    adopt(lab, created, state.backend, { keepPrevious: true });
    if (asked.backend === 'auto') lab.known.auto = created.backend; // what auto runs on now
    lab.training.id = created.session;
    const { steps } = created.config.train;
    lab.chart.reset(steps);
    progressBar().max = steps;
    progressBar().value = 0;
    $('loss-caption').textContent = 'Training loss (mean squared error), log scale.';
    predictSoon(lab);
    const report = await lab.client.request({ type: REQUEST.TRAIN, session: created.session }, (p) => showProgress(lab, p, created));
    if (!(report.step > 0)) {
      fallBack(lab, created.session, 'Stopped before the first step: nothing was trained.', null);
      return;
    }
    showProgress(lab, report, created);
    if (lab.current?.id === created.session) {
      lab.current.trained = true;
      lab.current.report = report;
    }
    const { fallback } = lab.training;
    lab.training.fallback = null;
    release(lab, fallback?.id);
    if (report.ms_per_step > 0) lab.speeds.record(created.backend.label, flopsPerStep(created.config.arch), report.ms_per_step);
    showSize(lab);
    const why = { converged: 'the loss fell below the tolerance', budget: 'the step budget is used', cancelled: 'stopped' }[report.stop] ?? report.stop;
    setStatus(`Trained ${created.config.name}: ${report.step} steps, loss ${report.loss.toExponential(2)} (${why}).`);
    setPageState(lab, 'trained');
    predictSoon(lab);
    refreshGallery(lab);
    refreshHeatmap(lab);
  } catch (error) {
    if (error instanceof WorkerDiedError) return; // workerDied() reported it and reset the page
    const what = error.name === ERROR_NAMES.DIVERGED ? `Training ${created.config.name} failed: ${error.message}.` : `Training failed: ${error.message}`;
    fallBack(lab, created.session, what, 'error');
  } finally {
    lab.training = null;
    updateButtons(lab);
    showMemory(lab);
    // Training failed or stopped with nothing to fall back to (a lost GPU, a network freed to
    // make room): the pad answers again with the form's untrained network.
    if (!lab.current && document.body.dataset.state !== 'error') createPreview(lab);
  }
}

/**
 * Shows a training report: the loss curve, the progress bar and the status line.
 * @param {Lab} lab
 * @param {{step: number, steps: number, loss: number, ms_per_step: number}} p
 * @param {object} created the worker's "create" result for the network training
 */
function showProgress(lab, p, created) {
  try {
    lab.chart.addPoint(p.step, p.loss);
  } catch (error) {
    notify(lab, `The loss curve skipped a point: ${error.message}`, 'warn', { key: 'chart' });
  }
  const span = lab.chart.span();
  if (span) $('loss-caption').textContent = `Training loss (mean squared error), log scale: ${span.first.toExponential(2)} \u2192 ${span.last.toExponential(2)}.`;
  progressBar().value = p.step;
  const left = (p.steps - p.step) * p.ms_per_step;
  setStatus(`Training ${created.config.name}: step ${grouped(p.step)} of ${grouped(p.steps)}, `
    + `loss ${p.loss.toExponential(2)}, ${p.ms_per_step.toFixed(1)} ms a step, ${formatDuration(left)} left.`);
  predictSoon(lab, TRAINING_PREDICT_INTERVAL_MS);
}

/** Stops the training under way (before its network is built: as soon as it is). @param {Lab} lab */
export async function stopTraining(lab) {
  const training = lab.training;
  if (!training) return;
  if (training.id === null) {
    training.stopRequested = true;
    return;
  }
  try {
    await lab.client.request({ type: REQUEST.STOP, session: training.id });
  } catch (error) {
    failed(lab, 'Could not stop training', error);
  }
}
