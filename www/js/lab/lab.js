// The lab's one mutable object: what the reader chose, the network on the pad, training, the
// live answers, and the parts of the page they drive. main.js makes it; every module of
// lab/ reads and changes it through the functions of its concern.

/**
 * The network on the pad (or kept, or a training's fallback).
 * @typedef {object} PadNetwork
 * @property {number} id the worker's session
 * @property {string} name
 * @property {{kind: string, label: string, reason?: string}} backend what the worker reported
 * @property {object} config the worker's configuration of it
 * @property {boolean} trained
 * @property {object | null} report the last training report
 * @property {string} image the caption of the image it was trained on
 */

/**
 * A training in progress. `id` is null until the network is built; `fallback` is the network
 * that was on the pad before, kept alive until the new one has trained, and back on the pad
 * if it fails.
 * @typedef {{id: number | null, stopRequested: boolean, fallback: PadNetwork | null}} Training
 */

/**
 * The lab.
 * @typedef {object} Lab
 * @property {object} state the configuration (one field per PROPS entry of state.js)
 * @property {{available: boolean, software: boolean} | null} adapter what the main thread
 *   sees of WebGPU
 * @property {Record<string, {kind: string, label: string}>} known backend preference -> the
 *   backend the worker reported for it
 * @property {{digits: Float32Array, labels: number[], defaultImage: Float32Array,
 *   maxImportBytes: number} | null} data the worker's bundled data, once it is ready
 * @property {{pixels: Float32Array, caption: string, index: number | null, kind: string} | null} image
 *   the training image (kind: one of IMAGE_KIND of training-image.js)
 * @property {object | null} described identity-wasm's describe() of the form's network, or
 *   null (invalid or checking)
 * @property {number} describeSeq
 * @property {boolean} describing
 * @property {PadNetwork | null} current the network the pad answers with
 * @property {Training | null} training
 * @property {{timer: ReturnType<typeof setTimeout> | null, inFlight: boolean, dirty: boolean, last: number}} live
 *   the live answers' schedule (live-answers.js)
 * @property {boolean} gpuLost the worker's GPU was lost, and not asked for again yet
 * @property {object | null} embed the embed's options (embed-options.js) when the page is an
 *   embed of the lab, else null
 * @property {import('../worker-client.js').WorkerClient} client
 * @property {import('../notices.js').Notices} notices
 * @property {import('../estimate.js').SpeedBook} speeds
 * @property {import('../pad.js').DrawingPad} pad
 * @property {import('../charts.js').LossChart} chart
 * @property {import('../answers.js').AnswerView} mainView
 * @property {import('../answers.js').ComparePanel} compare
 * @property {import('../form.js').TrainingForm} form
 * @property {{workerDied: () => void, release: () => Promise<boolean>, drawn: Promise<void>}} paper
 *   the paper's figures (they share the worker)
 */

/** The element of the page with this id. */
export const $ = (id) => document.getElementById(id);

/**
 * The lab before anything is known: the given configuration and parts, no data, no network.
 * @param {object} state the configuration
 * @param {object | null} embed
 * @returns {Lab} its parts still to be set by the caller
 */
export function emptyLab(state, embed) {
  return /** @type {Lab} */ ({
    state,
    adapter: null,
    known: {},
    data: null,
    image: null,
    described: null,
    describeSeq: 0,
    describing: false,
    current: null,
    training: null,
    live: { timer: null, inFlight: false, dirty: false, last: -Infinity },
    gpuLost: false,
    embed,
  });
}
