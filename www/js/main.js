// Wires the page: the paper's figures (paper/paper.js), the form and the link, the worker, the
// pad and its live answers, training, the comparison, the gallery and the heatmap. The page's
// mutable state lives here only.

import { REQUEST, ERROR_NAMES } from './protocol.js';
import { WorkerClient, WorkerDiedError } from './worker-client.js';
import {
  PROPS, fromHash, toHash, defaults, archOf, trainOf, summarizeProblems, namesPlace,
} from './state.js';
import { TrainingForm } from './form.js';
import { DrawingPad, BRUSHES } from './pad.js';
import { LossChart, paintImage, pictureTiles } from './charts.js';
import { AnswerView, ComparePanel } from './answers.js';
import { renderGallery, renderHeatmap } from './gallery.js';
import { imageFromFile } from './images.js';
import { Notices } from './notices.js';
import {
  flopsPerStep, lossEvery, formatDuration, formatMs, SpeedBook, GUESSES, browserStorage,
} from './estimate.js';
import { mountPaper } from './paper/paper.js';
import { keepOffline } from './offline.js';
import { pauseWhenAway } from './polite.js';
import { readEmbed } from './embed-options.js';
import { worthTiming, timeSteps, TIMED_STEPS } from './backend-choice.js';
import { reportHeight } from './embed-size.js';
import { grouped } from './numbers.js';
import {
  RHOS, PROBES_PER_RHO, TEST_ROW_DIGITS, TEST_ROW_FASHION,
} from './rules.js';

const $ = (id) => document.getElementById(id);
const PIXELS = 28 * 28;
/** The pad's answers refresh at most this often while drawing, and while training. */
const PREDICT_INTERVAL_MS = 100;
const TRAINING_PREDICT_INTERVAL_MS = 1000;
/** Networks kept side by side. */
const KEEP_LIMIT = 3;
/** On a hardware GPU the paper's width fits: 128 channels. */
const GPU_DEFAULTS = { depth: 5, channels: 128 };
/** An embed's defaults: the CPU (an embed never takes a reader's GPU unless its keys ask). */
const EMBED_DEFAULTS = defaults({ backend: 'cpu' });
/** What the page tells the paper's figures, where it shows none (an embed of the lab). */
const NO_FIGURES = Object.freeze({ workerDied: () => undefined, release: async () => false, drawn: Promise.resolve() });
/** What the training image is: the paper's 7, a bundled digit (part of the link), or the
 * reader's own (an upload or the drawing, not part of the link). */
const IMAGE_KIND = Object.freeze({ PAPER: 'paper', BUNDLED: 'bundled', OWN: 'own' });
/** Bundled digits offered as training images (the paper's 7 comes first). */
const PICKER_DIGITS = 11;
/** The pad starts with this bundled test digit (a 2), if the reader has not drawn yet. */
const FIRST_PAD_DIGIT = 1;

const app = {
  state: defaults(),
  adapter: null, // what the main thread sees of WebGPU: {available, software}
  known: {}, // backend preference -> the backend info the worker reported for it
  data: null, // {digits, labels, defaultImage} once the worker is ready
  image: null, // the training image: {pixels, caption, index, kind}
  described: null, // identity-wasm's describe() of the current form, or null (invalid or checking)
  describeSeq: 0,
  describing: false,
  // The network the pad answers with: {id, name, backend, config, trained, report, image}
  // (`image`: the caption of the image it was trained on).
  current: null,
  // While training: {id, stopRequested, fallback}; `fallback` is the network that was on the
  // pad before, kept alive until the new one has trained, and back on the pad if it fails.
  training: null,
  live: { timer: null, inFlight: false, dirty: false, last: -Infinity },
  gpuLost: false, // the worker's GPU was lost, and not asked for again yet
};
window.__timings = {};

/** The link read as an embed of the lab's (the keys of js/embed-options.js beside the page's). */
function readLabEmbed() {
  return readEmbed(location.hash, EMBED_DEFAULTS, { lab: true });
}

/**
 * The page framed as an embed of the lab (`?embed`, from embed.html): its hash holds the
 * embed's keys (js/embed-options.js) beside the page's own; null on the page itself.
 */
const embed = new URLSearchParams(location.search).has('embed') ? readLabEmbed() : null;
if (embed) {
  document.body.classList.add('embedded', 'embedded-lab', `embed-${embed.view}`, ...embed.hidden.map((c) => `hide-${c}`));
  // The page's title and introduction, and the lab's, stay for screen readers only.
  for (const intro of document.querySelectorAll('.hero, .own > .wrap:first-child')) intro.classList.add('visually-hidden');
  reportHeight();
}

keepOffline();
const client = new WorkerClient(new URL('./worker.js', import.meta.url), { onDied: workerDied, onGpuLost: gpuLost });
pauseWhenAway(client, embed ? document.querySelector('main') : null);
const notices = new Notices($('notices'));
const speeds = new SpeedBook(browserStorage());
const pad = new DrawingPad($('pad'));
const chart = new LossChart($('loss-chart'));
const mainView = new AnswerView({ output: $('output'), identity: $('corr-identity'), constant: $('corr-constant'), verdict: $('verdict') });
const compare = new ComparePanel($('kept'), { limit: KEEP_LIMIT, onRemove: removeKept });
const form = new TrainingForm($('config'), app.state);
/** The pad's version before the reader touched it. */
const untouchedPad = pad.version;
/** The paper's figures, answered from the shipped data at once; they share the worker. */
const paper = embed ? NO_FIGURES : mountPaper($('paper'), {
  client,
  base: new URL('../paper/', import.meta.url),
  training: {
    backend: () => app.state.backend,
    estimate: (arch) => {
      const { backend, msPerStep, measured } = expectedSpeedOf(arch, app.state.backend);
      return { msPerStep, measured, where: placeOf(backend) };
    },
    record: (label, arch, msPerStep) => {
      speeds.record(label, flopsPerStep(arch), msPerStep);
      showSize();
    },
  },
  onFirstAnswer: () => {
    window.__timings.firstPaperAnswer = performance.now();
    showTimings();
  },
});

// ---------------------------------------------------------------- messages and page state

/**
 * Shows a message under the status bar, dismissible.
 * @param {string} text
 * @param {"info" | "warn" | "error"} [kind]
 * @param {{key?: string, action?: {label: string, run: () => void}}} [options] see Notices
 */
function notify(text, kind = 'info', options = {}) {
  notices.show(text, kind, options);
}

/**
 * Shows an error of an action, unless it is a dead worker (reported once by workerDied) or a
 * lost GPU (reported once by gpuLost, which this calls if the browser did not say so first).
 */
function failed(what, error) {
  if (error instanceof WorkerDiedError) return;
  if (error?.name === ERROR_NAMES.GPU_LOST) {
    if (!app.gpuLost) gpuLost({ reason: 'unknown', message: error.message });
    return;
  }
  notify(`${what}: ${error?.message ?? error}`, 'error');
}

function setPageState(state) {
  document.body.dataset.state = state;
  updateButtons();
}

function updateButtons() {
  const loading = document.body.dataset.state === 'loading';
  $('train').disabled = loading || Boolean(app.training) || !form.valid || !app.described || app.describing;
  $('stop').disabled = !app.training;
  const cur = app.current;
  $('keep').disabled = !cur?.trained || compare.full || compare.ids().includes(cur.id);
  $('export').disabled = !cur?.trained || Boolean(app.training);
  $('import').disabled = loading || Boolean(app.training);
  $('compare-empty').hidden = compare.ids().length > 0;
}

function setBackend(info) {
  const badge = $('backend');
  badge.textContent = info.label;
  badge.dataset.kind = info.kind;
  $('backend-reason').textContent = info.reason;
  $('backend-reason').title = info.reason; // whole, where a phone's status bar cuts it short
}

function setStatus(text) {
  $('status-text').textContent = text;
}

window.addEventListener('unhandledrejection', (event) => notify(`Unexpected error: ${event.reason?.message ?? event.reason}`, 'error'));
window.addEventListener('error', (event) => notify(`Unexpected error: ${event.message}`, 'error'));

// ---------------------------------------------------------------- configuration and link

/**
 * Writes the lab's settings into the link.
 * @param {{reader?: boolean}} [options] `reader`: the reader changed them (a link to a place on
 *   the page, `#fig-15`, stays one until the reader changes the lab)
 */
function writeHash({ reader = false } = {}) {
  if (embed) return; // an embed's hash holds its own keys too, and its reader never sees it
  if (!reader && namesPlace(location.hash)) return;
  const hash = toHash(app.state);
  if (location.hash !== hash) history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
}

/** The defaults for this browser: the paper's 128 channels where a hardware GPU will run. */
function browserDefaults(backend) {
  const gpu = app.adapter?.available && !app.adapter.software && backend !== 'cpu';
  return defaults(gpu ? GPU_DEFAULTS : {});
}

/**
 * Reads the link into the form. Its problems make one message, which replaces the last
 * link's (a link with thousands of bad keys must not flood the page).
 */
function readHash() {
  const { state, given, problem } = readLink();
  if (problem) notify(problem, 'warn', { key: 'link' });
  else notices.remove('link');
  app.state = state;
  form.set(state);
  if (app.data) pickLinkedImage(given.has('image'));
  configChanged({});
}

/**
 * The configuration the link sets.
 * @returns {{state: object, given: Set<string>, problem: string | null}} the state (one field
 *   per PROPS entry), the keys the link set, and its problems in one message
 */
function readLink() {
  if (embed) {
    const { state, given, problem } = readLabEmbed();
    return { state: Object.fromEntries(PROPS.map((p) => [p.name, state[p.name]])), given, problem };
  }
  const link = namesPlace(location.hash) ? '' : location.hash;
  const first = fromHash(link);
  const { state, problems, given } = fromHash(link, browserDefaults(first.state.backend));
  return { state, given, problem: summarizeProblems(problems) };
}

/**
 * Takes the form's (or the link's) new values.
 * @param {object} fields changed configuration keys
 */
function configChanged(fields) {
  app.state = { ...app.state, ...fields };
  writeHash({ reader: Object.keys(fields).length > 0 });
  describeConfig();
  updateButtons();
}

/** The backend a preference will get: as reported once known, else as the adapter suggests. */
function expectedBackend(preference) {
  if (app.known[preference]) return app.known[preference];
  const gpu = app.adapter?.available && preference !== 'cpu' && !(preference === 'auto' && app.adapter.software);
  return gpu ? { kind: 'webgpu', label: 'WebGPU' } : { kind: 'cpu', label: 'CPU' };
}

/**
 * Expected ms per step for a network on the backend a preference will get.
 * @param {object} arch an ArchConfig
 * @param {string} preference "auto", "webgpu" or "cpu"
 * @returns {{backend: object, msPerStep: number, measured: boolean}}
 */
function expectedSpeedOf(arch, preference) {
  const backend = expectedBackend(preference);
  const model = backend.kind === 'cpu' ? GUESSES.cpu : app.adapter?.software ? GUESSES.software : GUESSES.gpu;
  return { backend, ...speeds.msPerStep(backend.label, flopsPerStep(arch), model) };
}

/** Expected ms per step for the form's network on its backend. */
function expectedSpeed(state) {
  return expectedSpeedOf(archOf(state), state.backend);
}

/** Where a backend runs, in words: "the CPU", "WebGPU". */
function placeOf(backend) {
  return backend.kind === 'cpu' ? 'the CPU' : backend.label;
}

/** Checks the form's network in the worker; Train stays disabled until it is known good. */
async function describeConfig() {
  const seq = ++app.describeSeq;
  const state = app.state;
  app.described = null;
  app.describing = true;
  showSize();
  updateButtons();
  let described = null;
  let problem = null;
  try {
    described = await client.request({ type: REQUEST.DESCRIBE, arch: archOf(state) });
  } catch (error) {
    problem = error;
  }
  if (seq !== app.describeSeq) return;
  app.describing = false;
  app.described = described;
  form.showDefaults(described?.train ?? null);
  if (problem) {
    $('size').textContent = `This network cannot be built: ${problem.message}`;
    $('size').classList.add('bad');
  } else {
    showSize();
  }
  updateButtons();
}

/** How an expected speed is known, in words. */
function knownHow(measured) {
  return measured ? 'as measured here' : 'a guess until measured';
}

function showSize() {
  const size = $('size');
  size.classList.remove('bad');
  const d = app.described;
  const { backend, msPerStep, measured } = expectedSpeed(app.state);
  const where = placeOf(backend);
  const perStep = `${formatMs(msPerStep)} a step on ${where}, ${knownHow(measured)}`;
  if (!d) {
    size.textContent = app.describing ? 'Checking this network\u2026' : `About ${perStep}.`;
    return;
  }
  const steps = app.state.steps ?? d.train.steps;
  const mib = d.memory_bytes / 2 ** 20;
  size.textContent = `${d.name}: ${grouped(d.params)} parameters, about ${mib < 10 ? mib.toFixed(1) : Math.round(mib)} MiB to train. `
    + `Training ${grouped(steps)} steps: ${formatDuration(msPerStep * steps)} (${perStep}).`;
}

// ---------------------------------------------------------------- training image

/** The paper's 7 as a training-image choice. */
const PAPER_CAPTION = "the paper's 7";

/**
 * Chooses the training image.
 * @param {Float32Array} pixels 28 x 28 values in [0, 1]
 * @param {string} caption what it is, in words
 * @param {{index?: number | null, kind: string, button?: HTMLElement | null}} how `index`:
 *   its bundled-digit index (part of the link); `kind`: one of IMAGE_KIND; `button`: the
 *   picker button to mark as chosen
 */
function chooseImage(pixels, caption, { index = null, kind, button = null }) {
  app.image = { pixels, caption, index, kind };
  paintImage($('training-image'), pixels);
  $('training-caption').textContent = caption + (kind === IMAGE_KIND.OWN ? ' (not part of the link)' : '');
  document.querySelectorAll('#digit-picker button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
  app.state = { ...app.state, image: index };
  writeHash();
}

/**
 * Fills a row of thumbnail buttons, each showing its picture (see pictureTiles).
 * @param {HTMLElement} row emptied first
 * @param {{pixels: Float32Array, offset: number, label: string, onClick: (button: HTMLButtonElement) => void}[]} thumbs
 *   `label`: what the button does; `onClick` is given the button clicked
 */
function thumbRow(row, thumbs) {
  const tiles = pictureTiles(thumbs);
  row.replaceChildren(...thumbs.map(({ label, onClick }, i) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'thumb';
    button.title = label;
    button.setAttribute('aria-label', label);
    button.append(tiles[i]);
    button.addEventListener('click', () => onClick(button));
    return button;
  }));
}

function buildPickers({ digits, labels, defaultImage }) {
  const thumbs = [{ pixels: defaultImage, offset: 0, label: "Train on the paper's 7", onClick: (button) => chooseImage(defaultImage, PAPER_CAPTION, { kind: IMAGE_KIND.PAPER, button }) }];
  for (let i = 0; i < PICKER_DIGITS; i++) {
    const caption = `MNIST test digit ${i} (a ${labels[i]})`;
    const pixels = digits.slice(i * PIXELS, (i + 1) * PIXELS);
    thumbs.push({ pixels: digits, offset: i * PIXELS, label: `Train on ${caption}`, onClick: (button) => chooseImage(pixels, caption, { index: i, kind: IMAGE_KIND.BUNDLED, button }) });
  }
  thumbRow($('digit-picker'), thumbs);

  const loaders = [{ pixels: defaultImage, offset: 0, label: 'Load the training image into the drawing pad', onClick: () => pad.load(app.image.pixels) }];
  for (let digit = 0; digit <= 9; digit++) {
    const i = labels.indexOf(digit);
    if (i < 0) continue;
    loaders.push({ pixels: digits, offset: i * PIXELS, label: `Load digit ${digit} into the drawing pad`, onClick: () => pad.load(digits.slice(i * PIXELS, (i + 1) * PIXELS)) });
  }
  thumbRow($('pad-digits'), loaders);
  pickLinkedImage(app.state.image !== null);
}

/**
 * Chooses the training image the link names (`image=N`: bundled test digit N; none: the
 * paper's 7). The reader's own image (an upload, the drawing) is not part of the link: a link
 * without `image=` keeps it, and one that names another image says that it replaced it.
 * @param {boolean} named whether the link has an `image=` key
 */
function pickLinkedImage(named) {
  const own = app.image?.kind === IMAGE_KIND.OWN ? app.image.caption : null;
  if (own && !named) {
    app.state = { ...app.state, image: null };
    writeHash();
    return;
  }
  const { digits, labels, defaultImage } = app.data;
  const index = app.state.image;
  const buttons = $('digit-picker').querySelectorAll('button');
  if (index === null || index >= labels.length) {
    chooseImage(defaultImage, PAPER_CAPTION, { kind: IMAGE_KIND.PAPER, button: buttons[0] });
  } else {
    const pixels = digits.slice(index * PIXELS, (index + 1) * PIXELS);
    chooseImage(pixels, `MNIST test digit ${index} (a ${labels[index]})`, { index, kind: IMAGE_KIND.BUNDLED, button: buttons[index + 1] ?? null });
  }
  if (own) notify(`The link chose ${app.image.caption} as the training image, in place of ${own}.`, 'info', { key: 'link-image' });
}

async function uploadImage(file) {
  try {
    const pixels = await imageFromFile(file);
    chooseImage(pixels, `your image ${String(file.name).slice(0, 80)}`, { kind: IMAGE_KIND.OWN });
  } catch (error) {
    notify(`Could not use the uploaded file: ${error.message}`, 'error', { key: 'upload' });
  }
}

function useDrawing() {
  const pixels = pad.pixels();
  if (!pixels.some((v) => v > 0.05)) {
    notify('The drawing pad is empty: draw something first to train on it.', 'warn');
    return;
  }
  chooseImage(pixels, 'your drawing', { kind: IMAGE_KIND.OWN });
}

// ---------------------------------------------------------------- networks

/** Whether the comparison keeps the network `id`. */
const isKept = (id) => compare.ids().includes(id);

/**
 * Frees a network in the worker unless the pad or the comparison still shows it, or training
 * may give it back.
 * @returns {Promise<void>} settles once the worker has freed it (or did not need to)
 */
function release(id) {
  if (id === undefined || id === null || id === app.current?.id || isKept(id) || id === app.training?.fallback?.id) {
    return Promise.resolve();
  }
  return client.request({ type: REQUEST.DISPOSE, session: id }).then(() => undefined, (error) => failed('Could not free a network', error));
}

/**
 * Asks the worker for a network of `state` on the training image. When the networks alive
 * leave no room, the paper's figures give theirs back, then the one on the pad is freed (if
 * it is not kept), and the worker is asked again after each: the reader loses nothing they
 * chose to keep.
 * @param {object} state the configuration
 * @param {{preview?: boolean, lossEvery?: number}} [options] `preview`: the untrained network
 *   alone, for the pad
 * @returns {Promise<object>} the worker's "create" result
 */
async function createNetwork(state, { preview = false, lossEvery: every = 1 } = {}) {
  const ask = () => client.request({
    type: REQUEST.CREATE, arch: archOf(state), train: trainOf(state, every), backend: state.backend, image: app.image.pixels.slice(), preview,
  });
  /** The network, or the refusal when the networks alive leave no room (other errors throw). */
  const attempt = async () => {
    try {
      return { created: await ask() };
    } catch (error) {
      if (error.name !== ERROR_NAMES.MEMORY) throw error;
      return { refused: error };
    }
  };
  let { created, refused } = await attempt();
  // No room: the paper's figures give their networks back first (they load again when shown).
  if (refused && await paper.release()) ({ created, refused } = await attempt());
  if (created) return created;
  const cur = app.current;
  // A preview must not free what a training started meanwhile falls back to.
  if (!cur || isKept(cur.id) || (preview && app.training)) throw refused;
  await dropCurrent();
  if (cur.trained) notify(`Freed ${cur.name} (it was not kept for comparison) to make room for the new network.`, 'info');
  return ask();
}

/**
 * Takes the network off the pad and frees it (unless kept).
 * @returns {Promise<void>} settles once the worker has freed it
 */
function dropCurrent() {
  const id = app.current?.id;
  app.current = null;
  if (app.training?.fallback?.id === id) app.training.fallback = null;
  mainView.blank('no network');
  return release(id);
}

/**
 * Puts a network on the pad; the one there before is freed unless kept or still needed.
 * @param {object} created the worker's "create" result
 * @param {string} preference the backend asked for
 * @param {{keepPrevious?: boolean}} [options] keep the previous network alive (training
 *   falls back to it)
 */
function adopt(created, preference, { keepPrevious = false } = {}) {
  const previous = app.current?.id;
  app.current = {
    id: created.session, name: created.config.name, backend: created.backend, config: created.config, trained: false, report: null, image: app.image.caption,
  };
  app.known[preference] = created.backend;
  if (!keepPrevious) release(previous);
  setBackend(created.backend);
  showSize();
  updateButtons();
}

/**
 * Puts the form's untrained network on the pad (unless a trained one is there), so that the
 * pad answers before any training.
 */
async function createPreview() {
  if (app.current?.trained || app.training) return;
  const state = app.state;
  try {
    const created = await createNetwork(state, { preview: true });
    if (app.current?.trained || app.training) {
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

/** The page's state word for the network on the pad (tests and styles read it). */
function restingState() {
  return app.current?.trained ? 'trained' : 'ready';
}

/**
 * Puts the network that was on the pad before a failed or empty training back, and frees the
 * new one.
 * @param {number} id the new network
 * @param {string} what what happened, for the status line and (if `kind`) a message
 * @param {"warn" | "error" | null} kind
 */
function fallBack(id, what, kind) {
  const fallback = app.training?.fallback ?? null;
  if (app.current?.id === id) app.current = fallback;
  release(id);
  const back = fallback ? ` The previous network, ${fallback.name}, is back on the pad.` : '';
  setStatus(`${what}${back}`);
  if (kind) notify(`${what}${back}`, kind, { key: 'training' });
  if (fallback) {
    setBackend(fallback.backend);
    predictSoon();
    refreshGallery();
    refreshHeatmap();
  } else {
    mainView.blank('no network');
  }
  setPageState(restingState());
}

/**
 * The backend `auto` trains a network on: the faster of the CPU and WebGPU by this browser's
 * measured speeds, timing a few steps of the network on each first when those do not settle
 * it (backend-choice.js). Says which and both numbers.
 * @param {object} state the configuration (its backend "auto")
 * @returns {Promise<"cpu" | "webgpu">}
 */
async function chooseBackend(state) {
  if (!app.adapter?.available || app.gpuLost) return 'cpu';
  const arch = archOf(state);
  const speedsOf = () => ({ cpu: expectedSpeedOf(arch, 'cpu'), webgpu: expectedSpeedOf(arch, 'webgpu') });
  let expected = speedsOf();
  const timed = [];
  if (worthTiming(expected.cpu, expected.webgpu)) {
    const create = { arch, train: trainOf(state, 1), image: app.image.pixels };
    for (const backend of ['webgpu', 'cpu']) {
      if (app.training?.stopRequested) break;
      setStatus(`Choosing the backend: timing ${TIMED_STEPS} steps of ${app.described?.name ?? 'the network'} on ${placeOf(expected[backend].backend)}\u2026`);
      const result = await timeSteps(client, create, backend, () => Boolean(app.training?.stopRequested));
      if (!result) continue;
      app.known[backend] = result.backend;
      speeds.record(result.backend.label, flopsPerStep(arch), result.msPerStep);
      timed.push(backend);
    }
    expected = speedsOf();
  }
  if (app.gpuLost) return 'cpu'; // lost while timing
  const winner = expected.webgpu.msPerStep < expected.cpu.msPerStep ? 'webgpu' : 'cpu';
  const loser = winner === 'cpu' ? 'webgpu' : 'cpu';
  const ms = (b) => formatMs(expected[b].msPerStep);
  const how = timed.length === 2 ? 'timed on this network just now'
    : timed.length === 1 ? `${placeOf(expected[timed[0]].backend)} timed on this network just now, the other could not run it`
      : knownHow(expected[winner].measured);
  notify(`auto: training on ${placeOf(expected[winner].backend)}, ${ms(winner)} a step against ${ms(loser)} on ${placeOf(expected[loser].backend)} (${how}).`, 'info', { key: 'auto' });
  return winner;
}

async function train() {
  if (app.training || !form.valid || !app.described) return;
  // The network on the pad stays alive until the new one has trained: training that
  // diverges, or stops before its first step, gives it back.
  app.training = { id: null, stopRequested: false, fallback: app.current };
  notices.remove('training');
  setPageState('training');
  const asked = { ...app.state };
  let state = asked;
  let created;
  try {
    if (asked.backend === 'auto') state = { ...asked, backend: await chooseBackend(asked) };
    if (app.training.stopRequested) {
      setStatus('Stopped before training started: nothing was trained.');
      app.training = null;
      setPageState(restingState());
      updateButtons();
      return;
    }
    setStatus('Building the network\u2026');
    created = await createNetwork(state, { lossEvery: lossEvery(expectedSpeed(state).msPerStep) });
  } catch (error) {
    failed('Could not build the network', error);
    setStatus(`Could not build the network: ${error.message}`);
    app.training = null;
    setPageState(error instanceof WorkerDiedError ? 'error' : restingState());
    if (!app.current && !(error instanceof WorkerDiedError)) createPreview();
    return;
  }
  try {
    if (app.training.stopRequested) {
      fallBack(created.session, 'Stopped before training started: nothing was trained.', null);
      return;
    }
    adopt(created, state.backend, { keepPrevious: true });
    if (asked.backend === 'auto') app.known.auto = created.backend; // what auto runs on now
    app.training.id = created.session;
    const { steps } = created.config.train;
    chart.reset(steps);
    $('progress').max = steps;
    $('progress').value = 0;
    $('loss-caption').textContent = 'Training loss (mean squared error), log scale.';
    predictSoon();
    const report = await client.request({ type: REQUEST.TRAIN, session: created.session }, (p) => showProgress(p, created));
    if (!(report.step > 0)) {
      fallBack(created.session, 'Stopped before the first step: nothing was trained.', null);
      return;
    }
    showProgress(report, created);
    if (app.current?.id === created.session) {
      app.current.trained = true;
      app.current.report = report;
    }
    const { fallback } = app.training;
    app.training.fallback = null;
    release(fallback?.id);
    if (report.ms_per_step > 0) speeds.record(created.backend.label, flopsPerStep(created.config.arch), report.ms_per_step);
    showSize();
    const why = { converged: 'the loss fell below the tolerance', budget: 'the step budget is used', cancelled: 'stopped' }[report.stop] ?? report.stop;
    setStatus(`Trained ${created.config.name}: ${report.step} steps, loss ${report.loss.toExponential(2)} (${why}).`);
    setPageState('trained');
    predictSoon();
    refreshGallery();
    refreshHeatmap();
  } catch (error) {
    if (error instanceof WorkerDiedError) return; // workerDied() reported it and reset the page
    const what = error.name === ERROR_NAMES.DIVERGED ? `Training ${created.config.name} failed: ${error.message}.` : `Training failed: ${error.message}`;
    fallBack(created.session, what, 'error');
  } finally {
    app.training = null;
    updateButtons();
    showMemory();
    // Training failed or stopped with nothing to fall back to (a lost GPU, a network freed to
    // make room): the pad answers again with the form's untrained network.
    if (!app.current && document.body.dataset.state !== 'error') createPreview();
  }
}

function showProgress(p, created) {
  try {
    chart.addPoint(p.step, p.loss);
  } catch (error) {
    notify(`The loss curve skipped a point: ${error.message}`, 'warn', { key: 'chart' });
  }
  const span = chart.span();
  if (span) $('loss-caption').textContent = `Training loss (mean squared error), log scale: ${span.first.toExponential(2)} \u2192 ${span.last.toExponential(2)}.`;
  $('progress').value = p.step;
  const left = (p.steps - p.step) * p.ms_per_step;
  setStatus(`Training ${created.config.name}: step ${grouped(p.step)} of ${grouped(p.steps)}, `
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
    backend: cur.backend,
    about: `${cur.backend.label}, ${cur.report?.step ?? '?'} steps, loss ${loss === undefined ? '?' : loss.toExponential(2)}, trained on ${cur.image}`,
  });
  updateButtons();
  predictSoon();
}

/** A file name for a network: its name in lower case, words joined by dashes. */
function networkFileName(name) {
  const stem = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `identity-crisis-${stem || 'network'}.bpk`;
}

/** Downloads the network on the pad as a file (weights and how it was trained). */
async function exportNetwork() {
  const cur = app.current;
  if (!cur?.trained || app.training) return;
  try {
    const { bytes } = await client.request({ type: REQUEST.EXPORT, session: cur.id });
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = networkFileName(cur.name);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    notify(`Exported ${cur.name} as ${link.download} (${(bytes.byteLength / 1024).toFixed(0)} KB). Import it here later, or answer with it from the command line: identity-crisis predict --model ${link.download}`, 'info', { key: 'network-file' });
  } catch (error) {
    failed('Could not export the network', error);
  }
}

/**
 * Puts the network saved in `file` on the pad, trained; a file that does not fit is refused
 * with the worker's reason, and the network on the pad stays.
 * @param {File} file
 */
async function importNetwork(file) {
  if (!file || app.training) return;
  const limit = app.data?.maxImportBytes ?? 0;
  if (file.size > limit) {
    notify(`Could not import ${file.name}: a network file is at most ${(limit / 2 ** 20).toFixed(0)} MB here, this one is ${(file.size / 2 ** 20).toFixed(0)} MB.`, 'error', { key: 'network-file' });
    return;
  }
  const preference = app.state.backend;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const created = await client.request({ type: REQUEST.IMPORT, bytes, backend: preference });
    if (app.training) {
      release(created.session);
      return;
    }
    adopt(created, preference);
    Object.assign(app.current, { trained: true, report: created.report, image: `the training image in ${file.name}` });
    const { report } = created;
    notices.remove('network-file');
    setStatus(`Imported ${created.config.name} from ${file.name}: trained ${report.step} steps, loss ${report.loss.toExponential(2)}.`);
    setPageState('trained');
    predictSoon();
    refreshGallery();
    refreshHeatmap();
  } catch (error) {
    failed(`Could not import ${file.name}`, error);
  } finally {
    updateButtons();
    showMemory();
  }
}

function removeKept(id) {
  compare.remove(id);
  release(id);
  updateButtons();
}

function workerDied(error) {
  notify(error.message, 'error');
  paper.workerDied();
  app.current = null;
  compare.clear();
  app.known = {};
  mainView.blank('network lost');
  setBackend({ kind: 'none', label: 'No network', reason: 'the worker stopped; press Train to start again' });
  setStatus('');
  setPageState('error');
  showSize();
}

/**
 * The worker's WebGPU device is gone, and with it the networks on it: they leave the pad and
 * the comparison (and are freed), the CPU takes over, and a button offers the GPU again. A
 * network training on the GPU fails on its own, and training falls back.
 * @param {{reason: string, message: string}} info from the browser's GPUDeviceLostInfo
 */
function gpuLost({ reason, message }) {
  app.gpuLost = true;
  const onGpu = (net) => net?.backend?.kind === 'webgpu';
  // Each network once, though it may be kept, on the pad and the fallback at the same time.
  const gone = new Map();
  for (const net of compare.nets().filter(onGpu)) {
    gone.set(net.id, net.name);
    compare.remove(net.id);
  }
  if (onGpu(app.training?.fallback)) {
    gone.set(app.training.fallback.id, app.training.fallback.name);
    app.training.fallback = null;
  }
  if (onGpu(app.current) && app.current.id !== app.training?.id) {
    gone.set(app.current.id, app.current.name);
    app.current = null;
    mainView.blank('no network');
  }
  for (const id of gone.keys()) release(id);
  app.known = {};
  const lost = gone.size ? ` Lost with it: ${[...gone.values()].join(', ')}.` : '';
  notify(`The GPU was lost (${reason}${message ? `: ${message}` : ''}).${lost} Networks run on the CPU until you ask for the GPU again.`, 'error', {
    key: 'gpu', action: { label: 'Use the GPU again', run: retryGpu },
  });
  if (!app.current) {
    setBackend({ kind: 'cpu', label: 'CPU', reason: 'the GPU was lost' });
    createPreview();
  }
  updateButtons();
}

/** Lets the next network set up a fresh GPU device, and puts one on the pad if none is. */
async function retryGpu() {
  try {
    const { fresh } = await client.request({ type: REQUEST.RESET_GPU });
    app.known = {};
    app.gpuLost = false;
    if (!fresh) notify('The GPU was not lost, or cannot be asked for again here.', 'info', { key: 'gpu' });
    if (!app.current?.trained && !app.training) {
      await dropCurrent();
      await createPreview();
    } else {
      notify('The next network you train asks for the GPU again.', 'info', { key: 'gpu' });
    }
  } catch (error) {
    failed('Could not ask for the GPU again', error);
  }
}

/** Shows the worker's memory (wasm heap, networks alive) in the footer; tests read it too. */
async function showMemory() {
  try {
    const m = await client.request({ type: REQUEST.MEMORY });
    const el = $('memory');
    el.dataset.wasmBytes = String(m.wasm_bytes);
    el.dataset.networks = String(m.networks);
    const mib = (b) => `${Math.round(b / 2 ** 20)} MiB`;
    el.textContent = `Network worker: wasm memory ${mib(m.wasm_bytes)}; ${m.networks} network${m.networks === 1 ? '' : 's'} alive, `
      + `estimated ${mib(m.cpu_bytes)} of ${mib(m.cpu_limit)} on the CPU and ${mib(m.gpu_bytes)} of ${mib(m.gpu_limit)} on the GPU.`;
  } catch (error) {
    failed('Could not read the memory in use', error);
  }
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
  if (t.firstPaperAnswer !== undefined) parts.push(`the paper's first figure answered after ${Math.round(t.firstPaperAnswer)} ms`);
  if (t.firstPrediction !== undefined) parts.push(`first prediction after ${t.firstPrediction} ms`);
  $('timings').textContent = parts.length ? `${parts.join('; ')}.` : 'Measuring\u2026';
}

async function refreshGallery() {
  const id = app.current?.id;
  if (id === undefined) return;
  try {
    const row = await client.request({ type: REQUEST.GALLERY, session: id, digits: TEST_ROW_DIGITS, fashion: TEST_ROW_FASHION });
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
    const probes = $('rho-sense').value;
    const result = await client.request({ type: REQUEST.HEATMAP, session: id, rhos: RHOS, perRho: PROBES_PER_RHO, probes });
    // A newer request (another network, or the other sense of rho) draws its own answer.
    if (id === app.current?.id && probes === $('rho-sense').value) renderHeatmap($('heatmap'), RHOS, result);
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

/**
 * When the lab starts its worker (and with it the network code, 2.8 MB gzipped): at once in a
 * lab embed or for a link to the lab's settings; on the page, once its first figure has drawn
 * (or failed) and the browser is idle. The figures need none of it, and a phone fetching it
 * beside the first figure's data (0.2 MB) waits longer for both.
 * @returns {Promise<void>}
 */
function networkCodeWanted() {
  const labLink = location.hash.length > 1 && !namesPlace(location.hash);
  if (embed || labLink) return Promise.resolve();
  return paper.drawn.then(() => new Promise((resolve) => {
    if (window.requestIdleCallback) requestIdleCallback(() => resolve(), { timeout: 500 });
    else setTimeout(resolve);
  }));
}

async function start() {
  $('probes-per-rho').textContent = String(PROBES_PER_RHO);
  form.addEventListener('change', (event) => configChanged(event.detail.fields));
  window.addEventListener('hashchange', () => {
    // A link to a place on the page is the paper's (paper.js scrolls to it).
    if (location.hash !== toHash(app.state) && !namesPlace(location.hash)) readHash();
  });
  $('train').addEventListener('click', train);
  $('stop').addEventListener('click', stopTraining);
  $('keep').addEventListener('click', keepCurrent);
  $('export').addEventListener('click', exportNetwork);
  $('import').addEventListener('click', () => $('import-file').click());
  $('import-file').addEventListener('change', (event) => {
    const [file] = event.target.files;
    event.target.value = '';
    importNetwork(file);
  });
  $('clear').addEventListener('click', () => pad.clear());
  $('undo').addEventListener('click', () => pad.undo());
  $('brush').addEventListener('change', (e) => (pad.brush = BRUSHES[e.target.value]));
  // The heatmap row shows trained networks only ("Appears after training.").
  $('rho-sense').addEventListener('change', () => { if (app.current?.trained) refreshHeatmap(); });
  $('use-drawing').addEventListener('click', useDrawing);
  $('upload').addEventListener('change', (e) => {
    const [file] = e.target.files;
    if (file) uploadImage(file);
    e.target.value = '';
  });
  pad.addEventListener('change', () => predictSoon());
  mainView.blank('waiting');

  app.adapter = await probeAdapter();
  // The link's network is described by the worker: it waits too.
  await networkCodeWanted();
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
  showMemory();
}

start().catch((error) => {
  notify(`The page failed to start: ${error.message}`, 'error');
  setPageState('error');
});
