// Starts the page: the paper's figures (paper/paper.js) and the lab (lab/): the lab's parts,
// its worker, the events that drive it, and the order things load in. What the lab does
// lives in lab/, one concern a module, around the one object lab/lab.js describes.

import { REQUEST } from './protocol.js';
import { WorkerClient } from './worker-client.js';
import { defaults, namesPlace } from './state.js';
import { TrainingForm } from './form.js';
import { DrawingPad, BRUSHES } from './pad.js';
import { LossChart } from './charts.js';
import { AnswerView, ComparePanel } from './answers.js';
import { Notices } from './notices.js';
import { flopsPerStep, SpeedBook, browserStorage } from './estimate.js';
import { mountPaper } from './paper/paper.js';
import { keepOffline } from './offline.js';
import { pauseWhenAway } from './polite.js';
import { reportHeight } from './embed-size.js';
import { PROBES_PER_RHO } from './rules.js';
import { imageAt } from './images.js';
import { $, emptyLab } from './lab/lab.js';
import {
  failed, notify, setBackend, setPageState, showMemory, showTimings, timings,
} from './lab/page-state.js';
import { linkChanged, readHash, readLabEmbed } from './lab/link.js';
import { configChanged, expectedSpeedOf, placeOf, showSize } from './lab/settings.js';
import { buildPickers, uploadImage, useDrawing } from './lab/training-image.js';
import { createPreview, keepCurrent, removeKept } from './lab/networks.js';
import { stopTraining, train } from './lab/training.js';
import { exportNetwork, importNetwork } from './lab/network-files.js';
import { gpuLost, workerDied } from './lab/lost-networks.js';
import { predictSoon, refreshHeatmap } from './lab/live-answers.js';

/** Networks kept side by side. */
const KEEP_LIMIT = 3;
/** What the page tells the paper's figures, where it shows none (an embed of the lab). */
const NO_FIGURES = Object.freeze({ workerDied: () => undefined, release: async () => false, drawn: Promise.resolve() });
/** The pad starts with this bundled test digit (a 2), if the reader has not drawn yet. */
const FIRST_PAD_DIGIT = 1;

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
const lab = emptyLab(defaults(), embed);
lab.client = new WorkerClient(new URL('./worker.js', import.meta.url), {
  onDied: (error) => workerDied(lab, error), onGpuLost: (info) => gpuLost(lab, info),
});
pauseWhenAway(lab.client, embed ? document.querySelector('main') : null);
lab.notices = new Notices(/** @type {HTMLUListElement} */ ($('notices')));
lab.speeds = new SpeedBook(browserStorage());
lab.pad = new DrawingPad(/** @type {HTMLCanvasElement} */ ($('pad')));
lab.chart = new LossChart(/** @type {HTMLCanvasElement} */ ($('loss-chart')));
const output = (id) => /** @type {HTMLOutputElement} */ ($(id));
lab.mainView = new AnswerView({
  output: /** @type {HTMLCanvasElement} */ ($('output')), identity: output('corr-identity'), constant: output('corr-constant'), verdict: output('verdict'),
});
lab.compare = new ComparePanel($('kept'), { limit: KEEP_LIMIT, onRemove: (id) => removeKept(lab, id) });
lab.form = new TrainingForm(/** @type {HTMLFormElement} */ ($('config')), lab.state);
/** The pad's version before the reader touched it. */
const untouchedPad = lab.pad.version;
/** The paper's figures, answered from the shipped data at once; they share the worker. */
lab.paper = embed ? NO_FIGURES : mountPaper($('paper'), {
  client: lab.client,
  base: new URL('../paper/', import.meta.url),
  training: {
    backend: () => lab.state.backend,
    estimate: (arch) => {
      const { backend, msPerStep, measured } = expectedSpeedOf(lab, arch, lab.state.backend);
      return { msPerStep, measured, where: placeOf(backend) };
    },
    record: (label, arch, msPerStep) => {
      lab.speeds.record(label, flopsPerStep(arch), msPerStep);
      showSize(lab);
    },
  },
  onFirstAnswer: () => {
    timings.firstPaperAnswer = performance.now();
    showTimings();
  },
});

window.addEventListener('unhandledrejection', (event) => notify(lab, `Unexpected error: ${event.reason?.message ?? event.reason}`, 'error'));
window.addEventListener('error', (event) => notify(lab, `Unexpected error: ${event.message}`, 'error'));

/** What the main thread sees of WebGPU, to choose defaults before the worker reports. */
async function probeAdapter() {
  try {
    const gpu = /** @type {any} */ (navigator).gpu; // WebGPU's types are not in TypeScript's DOM library
    const adapter = await Promise.race([
      gpu?.requestAdapter() ?? null,
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
  return lab.paper.drawn.then(() => new Promise((resolve) => {
    if (window.requestIdleCallback) requestIdleCallback(() => resolve(), { timeout: 500 });
    else setTimeout(resolve);
  }));
}

/** The file an `<input type="file">` holds, emptied so that the same file can come again. */
function takeFile(event) {
  const input = /** @type {HTMLInputElement} */ (event.target);
  const [file] = input.files;
  input.value = '';
  return file;
}

/** Wires the lab's controls, then loads the network code and puts a network on the pad. */
async function start() {
  $('probes-per-rho').textContent = String(PROBES_PER_RHO);
  lab.form.addEventListener('change', (event) => configChanged(lab, /** @type {CustomEvent} */ (event).detail.fields));
  window.addEventListener('hashchange', () => linkChanged(lab));
  $('train').addEventListener('click', () => train(lab));
  $('stop').addEventListener('click', () => stopTraining(lab));
  $('keep').addEventListener('click', () => keepCurrent(lab));
  $('export').addEventListener('click', () => exportNetwork(lab));
  $('import').addEventListener('click', () => $('import-file').click());
  $('import-file').addEventListener('change', (event) => importNetwork(lab, takeFile(event)));
  $('clear').addEventListener('click', () => lab.pad.clear());
  $('undo').addEventListener('click', () => lab.pad.undo());
  $('brush').addEventListener('change', (e) => (lab.pad.brush = BRUSHES[/** @type {HTMLSelectElement} */ (e.target).value]));
  // The heatmap row shows trained networks only ("Appears after training.").
  $('rho-sense').addEventListener('change', () => { if (lab.current?.trained) refreshHeatmap(lab); });
  $('use-drawing').addEventListener('click', () => useDrawing(lab));
  $('upload').addEventListener('change', (event) => {
    const file = takeFile(event);
    if (file) uploadImage(lab, file);
  });
  lab.pad.addEventListener('change', () => predictSoon(lab));
  lab.mainView.blank('waiting');

  lab.adapter = await probeAdapter();
  // The link's network is described by the worker: it waits too.
  await networkCodeWanted();
  readHash(lab);
  try {
    lab.data = await lab.client.request({ type: REQUEST.INIT });
  } catch (error) {
    failed(lab, 'The network code did not load', error);
    setBackend({ kind: 'none', label: 'No network', reason: 'the network code did not load' });
    setPageState(lab, 'error');
    return;
  }
  timings.workerReady = Math.round(performance.now());
  showTimings();
  buildPickers(lab);
  if (lab.pad.version === untouchedPad) lab.pad.load(imageAt(lab.data.digits, FIRST_PAD_DIGIT));
  setBackend({ kind: 'none', label: 'Backend: choosing', reason: 'building the first network' });
  setPageState(lab, 'ready');
  await createPreview(lab);
  showMemory(lab);
}

start().catch((error) => {
  notify(lab, `The page failed to start: ${error.message}`, 'error');
  setPageState(lab, 'error');
});
