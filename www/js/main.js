// Wires the page: the form and the link, the worker, the pad and its live answers, training,
// the comparison, the gallery and the heatmap. The page's mutable state lives here only.

import { REQUEST } from './protocol.js';
import { WorkerClient, WorkerDiedError } from './worker-client.js';
import { fromHash, toHash, defaults, archOf, trainOf } from './state.js';
import { TrainingForm } from './form.js';
import { DrawingPad, BRUSHES } from './pad.js';
import { LossChart, paintImage, imageCanvas } from './charts.js';
import { AnswerView, ComparePanel } from './answers.js';
import { renderGallery, renderHeatmap } from './gallery.js';
import { imageFromFile } from './images.js';
import { flopsPerStep, lossEvery, formatDuration, SpeedBook, GUESSES } from './estimate.js';

const $ = (id) => document.getElementById(id);
const PIXELS = 28 * 28;
/** Rho values of the heatmap row, and probe inputs per rho. */
const RHOS = [0, 0.25, 0.5, 0.75, 1];
const PROBES_PER_RHO = 8;
/** The pad's answers refresh at most this often while drawing, and while training. */
const PREDICT_INTERVAL_MS = 100;
const TRAINING_PREDICT_INTERVAL_MS = 1000;
/** Networks kept side by side. */
const KEEP_LIMIT = 3;
/** On a hardware GPU the paper's width fits: 128 channels. */
const GPU_DEFAULTS = { depth: 5, channels: 128 };
/** Bundled digits offered as training images (the paper's 7 comes first). */
const PICKER_DIGITS = 11;
/** The pad starts with this bundled test digit (a 2), if the reader has not drawn yet. */
const FIRST_PAD_DIGIT = 1;

const app = {
  state: defaults(),
  adapter: null, // what the main thread sees of WebGPU: {available, software}
  known: {}, // backend preference -> the backend info the worker reported for it
  data: null, // {digits, labels, defaultImage} once the worker is ready
  image: null, // the training image: {pixels, caption, index}
  described: null, // identity-wasm's describe() of the current form, or null if invalid
  describeSeq: 0,
  current: null, // the network the pad answers with: {id, name, backend, config, trained, report}
  training: null, // {id, stopRequested} while training
  live: { timer: null, inFlight: false, dirty: false, last: -Infinity },
};
window.__timings = {};

const client = new WorkerClient(new URL('./worker.js', import.meta.url), { onDied: workerDied });
const speeds = new SpeedBook(storage());
const pad = new DrawingPad($('pad'));
const chart = new LossChart($('loss-chart'));
const mainView = new AnswerView({ output: $('output'), identity: $('corr-identity'), constant: $('corr-constant'), verdict: $('verdict') });
const compare = new ComparePanel($('kept'), { limit: KEEP_LIMIT, onRemove: removeKept });
const form = new TrainingForm($('config'), app.state);
/** The pad's version before the reader touched it. */
const untouchedPad = pad.version;

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- messages and page state

/**
 * Shows a message under the status bar (deduplicated), dismissible.
 * @param {string} text
 * @param {"info" | "warn" | "error"} [kind]
 */
function notify(text, kind = 'info') {
  const list = $('notices');
  if ([...list.children].some((li) => li.dataset.text === text)) return;
  const li = document.createElement('li');
  li.className = `notice ${kind}`;
  li.dataset.text = text;
  if (kind === 'error') li.setAttribute('role', 'alert');
  const span = document.createElement('span');
  span.textContent = text;
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.className = 'quiet';
  dismiss.textContent = 'Dismiss';
  dismiss.setAttribute('aria-label', `Dismiss: ${text}`);
  dismiss.addEventListener('click', () => li.remove());
  li.append(span, dismiss);
  list.append(li);
}

/** Shows an error of an action, unless it is a dead worker (reported once by workerDied). */
function failed(what, error) {
  if (error instanceof WorkerDiedError) return;
  notify(`${what}: ${error?.message ?? error}`, 'error');
}

function setPageState(state) {
  document.body.dataset.state = state;
  updateButtons();
}

function updateButtons() {
  const loading = document.body.dataset.state === 'loading';
  $('train').disabled = loading || Boolean(app.training) || !form.valid || !app.described;
  $('stop').disabled = !app.training;
  const cur = app.current;
  $('keep').disabled = !cur?.trained || compare.full || compare.ids().includes(cur.id);
  $('compare-empty').hidden = compare.ids().length > 0;
}

function setBackend(info) {
  const badge = $('backend');
  badge.textContent = info.label;
  badge.dataset.kind = info.kind;
  $('backend-reason').textContent = info.reason;
}

function setStatus(text) {
  $('status-text').textContent = text;
}

window.addEventListener('unhandledrejection', (event) => notify(`Unexpected error: ${event.reason?.message ?? event.reason}`, 'error'));
window.addEventListener('error', (event) => notify(`Unexpected error: ${event.message}`, 'error'));

// ---------------------------------------------------------------- configuration and link

function writeHash() {
  const hash = toHash(app.state);
  if (location.hash !== hash) history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
}

/** The defaults for this browser: the paper's 128 channels where a hardware GPU will run. */
function browserDefaults(backend) {
  const gpu = app.adapter?.available && !app.adapter.software && backend !== 'cpu';
  return defaults(gpu ? GPU_DEFAULTS : {});
}

/** Reads the link into the form, with a message for each ignored key. */
function readHash() {
  const first = fromHash(location.hash);
  const { state, problems } = fromHash(location.hash, browserDefaults(first.state.backend));
  problems.forEach((p) => notify(p, 'warn'));
  app.state = state;
  form.set(state);
  if (app.data) pickLinkedImage();
  configChanged({});
}

/**
 * Takes the form's (or the link's) new values.
 * @param {object} fields changed configuration keys
 */
function configChanged(fields) {
  app.state = { ...app.state, ...fields };
  writeHash();
  describeConfig();
  updateButtons();
}

/** The backend a preference will get: as reported once known, else as the adapter suggests. */
function expectedBackend(preference) {
  if (app.known[preference]) return app.known[preference];
  const gpu = app.adapter?.available && preference !== 'cpu' && !(preference === 'auto' && app.adapter.software);
  return gpu ? { kind: 'webgpu', label: 'WebGPU' } : { kind: 'cpu', label: 'CPU' };
}

/** Expected ms per step for the form's network on its backend. */
function expectedSpeed(state) {
  const backend = expectedBackend(state.backend);
  const model = backend.kind === 'cpu' ? GUESSES.cpu : app.adapter?.software ? GUESSES.software : GUESSES.gpu;
  return { backend, ...speeds.msPerStep(backend.label, flopsPerStep(archOf(state)), model) };
}

async function describeConfig() {
  const seq = ++app.describeSeq;
  const state = app.state;
  showSize();
  try {
    const described = await client.request({ type: REQUEST.DESCRIBE, arch: archOf(state) });
    if (seq !== app.describeSeq) return;
    app.described = described;
    form.showDefaults(described.train);
  } catch (error) {
    if (seq !== app.describeSeq) return;
    app.described = null;
    form.showDefaults(null);
    $('size').textContent = `This network cannot be built: ${error.message}`;
    $('size').classList.add('bad');
    updateButtons();
    return;
  }
  showSize();
  updateButtons();
}

function showSize() {
  const size = $('size');
  size.classList.remove('bad');
  const d = app.described;
  const { backend, msPerStep, measured } = expectedSpeed(app.state);
  const where = backend.kind === 'cpu' ? 'the CPU' : backend.label;
  const perStep = `${msPerStep < 10 ? msPerStep.toFixed(1) : Math.round(msPerStep)} ms a step on ${where}${measured ? ', as measured here' : ', a guess until measured'}`;
  if (!d) {
    size.textContent = `About ${perStep}.`;
    return;
  }
  const steps = app.state.steps ?? d.train.steps;
  const mib = d.memory_bytes / 2 ** 20;
  size.textContent = `${d.name}: ${d.params.toLocaleString('en-US')} parameters, about ${mib < 10 ? mib.toFixed(1) : Math.round(mib)} MiB to train. `
    + `Training ${steps.toLocaleString('en-US')} steps: ${formatDuration(msPerStep * steps)} (${perStep}).`;
}

// ---------------------------------------------------------------- training image

/**
 * Chooses the training image.
 * @param {Float32Array} pixels 28 x 28 values in [0, 1]
 * @param {string} caption what it is, in words
 * @param {number | null} index its bundled-digit index (part of the link), or null
 * @param {HTMLElement | null} button the picker button to mark as chosen
 */
function chooseImage(pixels, caption, index, button) {
  app.image = { pixels, caption, index };
  paintImage($('training-image'), pixels);
  $('training-caption').textContent = caption + (index === null && caption !== "the paper's 7" ? ' (not part of the link)' : '');
  document.querySelectorAll('#digit-picker button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
  app.state = { ...app.state, image: index };
  writeHash();
}

function thumbButton(pixels, offset, label, onClick) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'thumb';
  button.title = label;
  button.setAttribute('aria-label', label);
  button.append(imageCanvas(pixels, offset));
  button.addEventListener('click', onClick);
  return button;
}

function buildPickers({ digits, labels, defaultImage }) {
  const picker = $('digit-picker');
  const paper = thumbButton(defaultImage, 0, "Train on the paper's 7", () => chooseImage(defaultImage, "the paper's 7", null, paper));
  const buttons = [paper];
  for (let i = 0; i < PICKER_DIGITS; i++) {
    const pixels = digits.slice(i * PIXELS, (i + 1) * PIXELS);
    const caption = `MNIST test digit ${i} (a ${labels[i]})`;
    const b = thumbButton(digits, i * PIXELS, `Train on ${caption}`, () => chooseImage(pixels, caption, i, b));
    buttons.push(b);
  }
  picker.replaceChildren(...buttons);

  const loaders = [thumbButton(defaultImage, 0, 'Load the training image into the drawing pad', () => pad.load(app.image.pixels))];
  for (let digit = 0; digit <= 9; digit++) {
    const i = labels.indexOf(digit);
    if (i < 0) continue;
    loaders.push(thumbButton(digits, i * PIXELS, `Load digit ${digit} into the drawing pad`, () => pad.load(digits.slice(i * PIXELS, (i + 1) * PIXELS))));
  }
  $('pad-digits').replaceChildren(...loaders);
  pickLinkedImage();
}

/** Chooses the training image the link names (`image=N`: bundled test digit N). */
function pickLinkedImage() {
  const { digits, labels, defaultImage } = app.data;
  const index = app.state.image;
  const buttons = $('digit-picker').querySelectorAll('button');
  if (index === null || index >= labels.length) {
    chooseImage(defaultImage, "the paper's 7", null, buttons[0]);
    return;
  }
  const pixels = digits.slice(index * PIXELS, (index + 1) * PIXELS);
  chooseImage(pixels, `MNIST test digit ${index} (a ${labels[index]})`, index, buttons[index + 1] ?? null);
}

async function uploadImage(file) {
  try {
    const pixels = await imageFromFile(file);
    chooseImage(pixels, `your image ${file.name}`, null, null);
  } catch (error) {
    notify(`Could not use the uploaded file: ${error.message}`, 'error');
  }
}

function useDrawing() {
  const pixels = pad.pixels();
  if (!pixels.some((v) => v > 0.05)) {
    notify('The drawing pad is empty: draw something first to train on it.', 'warn');
    return;
  }
  chooseImage(pixels, 'your drawing', null, null);
}

// ---------------------------------------------------------------- networks

/** Frees a network in the worker unless the pad or the comparison still shows it. */
function release(id) {
  if (id === undefined || id === null || id === app.current?.id || compare.ids().includes(id)) return;
  client.request({ type: REQUEST.DISPOSE, session: id }).catch((error) => failed('Could not free a network', error));
}

/** Makes a newly created network the one the pad answers with. */
function adopt(created, preference) {
  const previous = app.current?.id;
  app.current = { id: created.session, name: created.config.name, backend: created.backend, config: created.config, trained: false, report: null };
  app.known[preference] = created.backend;
  release(previous);
  setBackend(created.backend);
  showSize();
  updateButtons();
}

/** The untrained network of the form, so that the pad answers before any training. */
async function createPreview() {
  const state = app.state;
  try {
    const created = await client.request({
      type: REQUEST.CREATE, arch: archOf(state), train: trainOf(state, 1), backend: state.backend, image: app.image.pixels.slice(),
    });
    if (app.current || app.training) {
      release(created.session);
      return;
    }
    adopt(created, state.backend);
    setStatus(`Untrained ${created.config.name}: press Train.`);
    predictSoon();
    refreshGallery();
  } catch (error) {
    failed('Could not build the network', error);
    if (!app.current) setBackend({ kind: 'none', label: 'No network', reason: 'this configuration cannot be built here; change it' });
  }
}

async function train() {
  if (app.training || !form.valid) return;
  const state = { ...app.state };
  const { msPerStep } = expectedSpeed(state);
  app.training = { id: null, stopRequested: false };
  setPageState('training');
  setStatus('Building the network\u2026');
  try {
    const created = await client.request({
      type: REQUEST.CREATE, arch: archOf(state), train: trainOf(state, lossEvery(msPerStep)), backend: state.backend, image: app.image.pixels.slice(),
    });
    adopt(created, state.backend);
    app.training.id = created.session;
    if (app.training.stopRequested) await stopTraining();
    const { steps } = created.config.train;
    chart.reset(steps);
    $('progress').max = steps;
    $('progress').value = 0;
    $('loss-caption').textContent = 'Training loss (mean squared error), log scale.';
    predictSoon();
    const report = await client.request({ type: REQUEST.TRAIN, session: created.session }, (p) => showProgress(p, created));
    if (report.step !== undefined) showProgress(report, created);
    if (app.current?.id === created.session) {
      app.current.trained = true;
      app.current.report = report;
    }
    if (report.ms_per_step > 0) speeds.record(created.backend.label, flopsPerStep(created.config.arch), report.ms_per_step);
    showSize();
    const why = { converged: 'the loss fell below the tolerance', budget: 'the step budget is used', cancelled: 'stopped' }[report.stop] ?? report.stop;
    setStatus(`Trained ${created.config.name}: ${report.step ?? '?'} steps, loss ${report.loss?.toExponential(2) ?? '?'} (${why}).`);
    setPageState('trained');
    predictSoon();
    refreshGallery();
    refreshHeatmap();
  } catch (error) {
    failed('Training failed', error);
    setStatus(`Training failed: ${error.message}`);
    setPageState('error');
  } finally {
    app.training = null;
    updateButtons();
  }
}

function showProgress(p, created) {
  try {
    chart.addPoint(p.step, p.loss);
  } catch (error) {
    notify(`The loss curve skipped a point: ${error.message}`, 'warn');
  }
  const span = chart.span();
  if (span) $('loss-caption').textContent = `Training loss (mean squared error), log scale: ${span.first.toExponential(2)} \u2192 ${span.last.toExponential(2)}.`;
  $('progress').value = p.step;
  const left = (p.steps - p.step) * p.ms_per_step;
  setStatus(`Training ${created.config.name}: step ${p.step.toLocaleString('en-US')} of ${p.steps.toLocaleString('en-US')}, `
    + `loss ${p.loss.toExponential(2)}, ${p.ms_per_step.toFixed(1)} ms a step, ${formatDuration(left)} left.`);
  predictSoon(TRAINING_PREDICT_INTERVAL_MS);
}

async function stopTraining() {
  const training = app.training;
  if (!training) return;
  if (training.id === null) {
    training.stopRequested = true;
    return;
  }
  try {
    await client.request({ type: REQUEST.STOP, session: training.id });
  } catch (error) {
    failed('Could not stop training', error);
  }
}

function keepCurrent() {
  const cur = app.current;
  if (!cur?.trained || compare.full) return;
  const loss = cur.report?.loss;
  compare.add({
    id: cur.id,
    name: cur.name,
    about: `${cur.backend.label}, ${cur.report?.step ?? '?'} steps, loss ${loss === undefined ? '?' : loss.toExponential(2)}, trained on ${app.image.caption}`,
  });
  updateButtons();
  predictSoon();
}

function removeKept(id) {
  compare.remove(id);
  release(id);
  updateButtons();
}

function workerDied(error) {
  notify(error.message, 'error');
  app.current = null;
  compare.clear();
  app.known = {};
  mainView.blank('network lost');
  setBackend({ kind: 'none', label: 'No network', reason: 'the worker stopped; press Train to start again' });
  setStatus('');
  setPageState('error');
  showSize();
}

// ---------------------------------------------------------------- live answers

/**
 * Asks for fresh answers to the pad soon: at most one round in flight, at most one round per
 * `interval`.
 * @param {number} [interval]
 */
function predictSoon(interval = PREDICT_INTERVAL_MS) {
  const live = app.live;
  live.dirty = true;
  if (live.inFlight || live.timer) return;
  live.timer = setTimeout(predictNow, Math.max(0, live.last + interval - performance.now()));
}

async function predictNow() {
  const live = app.live;
  live.timer = null;
  const ids = [...new Set([app.current?.id, ...compare.ids()])].filter((id) => id !== undefined);
  if (ids.length === 0) return;
  live.dirty = false;
  live.inFlight = true;
  const version = pad.version;
  const pixels = pad.pixels();
  try {
    // `catch` after `then`: an error while showing an answer is reported like a failed run,
    // and never leaves `inFlight` set (which would stop the live answers for good).
    await Promise.all(ids.map((id) => client.request({ type: REQUEST.PREDICT, session: id, pixels: pixels.slice(), side: pad.side })
      .then((answer) => showAnswer(id, answer, version))
      .catch((error) => {
        if (id === app.current?.id || compare.ids().includes(id)) failed('Could not run the network on the drawing', error);
      })));
  } finally {
    live.inFlight = false;
    live.last = performance.now();
    if (live.dirty) predictSoon();
  }
}

function showAnswer(id, answer, version) {
  compare.show(id, answer, version);
  if (id !== app.current?.id) return;
  mainView.show(answer, version);
  if (window.__timings.firstPrediction === undefined) {
    window.__timings.firstPrediction = Math.round(performance.now());
    showTimings();
  }
}

function showTimings() {
  const t = window.__timings;
  const parts = [];
  if (t.workerReady !== undefined) parts.push(`network code ready ${t.workerReady} ms after navigation`);
  if (t.firstPrediction !== undefined) parts.push(`first prediction after ${t.firstPrediction} ms`);
  $('timings').textContent = parts.length ? `${parts.join('; ')}.` : 'Measuring\u2026';
}

async function refreshGallery() {
  const id = app.current?.id;
  if (id === undefined) return;
  try {
    const row = await client.request({ type: REQUEST.GALLERY, session: id, digits: 4, fashion: 3 });
    if (id !== app.current?.id) return;
    renderGallery($('gallery'), row, (pixels) => pad.load(pixels));
    $('gallery-note').textContent = `Inputs (top; click one to load it into the pad) and the answers of ${app.current.trained ? 'the trained' : 'the untrained'} ${app.current.name} (below), as in the paper's Fig. 1.`;
  } catch (error) {
    failed('Could not draw the test row', error);
  }
}

async function refreshHeatmap() {
  const id = app.current?.id;
  if (id === undefined) return;
  try {
    const result = await client.request({ type: REQUEST.HEATMAP, session: id, rhos: RHOS, perRho: PROBES_PER_RHO });
    if (id === app.current?.id) renderHeatmap($('heatmap'), RHOS, result);
  } catch (error) {
    failed('Could not compute the heatmap', error);
  }
}

// ---------------------------------------------------------------- start-up

/** What the main thread sees of WebGPU, to choose defaults before the worker reports. */
async function probeAdapter() {
  try {
    const adapter = await Promise.race([
      navigator.gpu?.requestAdapter() ?? null,
      new Promise((resolve) => setTimeout(() => resolve(null), 2000)),
    ]);
    if (!adapter) return { available: false, software: false };
    return { available: true, software: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) };
  } catch {
    return { available: false, software: false };
  }
}

async function start() {
  form.addEventListener('change', (event) => configChanged(event.detail.fields));
  window.addEventListener('hashchange', () => {
    if (location.hash !== toHash(app.state)) readHash();
  });
  $('train').addEventListener('click', train);
  $('stop').addEventListener('click', stopTraining);
  $('keep').addEventListener('click', keepCurrent);
  $('clear').addEventListener('click', () => pad.clear());
  $('undo').addEventListener('click', () => pad.undo());
  $('brush').addEventListener('change', (e) => (pad.brush = BRUSHES[e.target.value]));
  $('use-drawing').addEventListener('click', useDrawing);
  $('upload').addEventListener('change', (e) => {
    const [file] = e.target.files;
    if (file) uploadImage(file);
    e.target.value = '';
  });
  pad.addEventListener('change', () => predictSoon());
  mainView.blank('waiting');

  app.adapter = await probeAdapter();
  readHash();
  try {
    app.data = await client.request({ type: REQUEST.INIT });
  } catch (error) {
    failed('The network code did not load', error);
    setBackend({ kind: 'none', label: 'No network', reason: 'the network code did not load' });
    setPageState('error');
    return;
  }
  window.__timings.workerReady = Math.round(performance.now());
  showTimings();
  buildPickers(app.data);
  if (pad.version === untouchedPad) pad.load(app.data.digits.slice(FIRST_PAD_DIGIT * PIXELS, (FIRST_PAD_DIGIT + 1) * PIXELS));
  setBackend({ kind: 'none', label: 'Backend: choosing', reason: 'building the first network' });
  setPageState('ready');
  await createPreview();
}

start().catch((error) => {
  notify(`The page failed to start: ${error.message}`, 'error');
  setPageState('error');
});
