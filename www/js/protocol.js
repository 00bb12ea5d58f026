// The messages between the page (main thread) and the network worker (worker.js).
// Every request carries an `id`; the worker answers it with exactly one "result" or "error"
// message with the same id, and any number of "progress" messages before that.
// Float32Arrays and Uint8Arrays travel as transferred buffers, never as JSON.

/**
 * Page -> worker requests.
 * - init     {}                                  -> {digits: Float32Array, labels: number[], defaultImage: Float32Array, maxImportBytes: number}
 * - describe {arch}                              -> {name, params, memory_bytes, train}
 * - create   {arch, train, backend, image?, preview?} -> {session, backend: {kind, label, reason}, config}
 *                                                   (preview: the untrained network alone, no optimiser)
 * - train    {session}   (progress: report)      -> report {step, steps, loss, elapsed_ms, ms_per_step, stop}
 * - stop     {session}                           -> {}  (the "train" request then settles with stop "cancelled")
 * - predict  {session, pixels: Float32Array, side} -> {outputs: Float32Array, identity: (number|null)[], constant: (number|null)[]} (null: a flat image)
 * - heatmap  {session, rhos: number[], perRho, probes: 'pearson'|'cosine'} -> {identity: [], constant: [], edges: [], mse_identity: [], mse_constant: []}
 * - gallery  {session, digits, fashion}          -> {names, inputs: Float32Array, outputs: Float32Array, identity, constant}
 * - layers   {session, pixels: Float32Array, side, initial} -> Layer[] (Fig. 8's views of every layer of a ConvNet
 *                                                   for one image, as the figure files hold them; initial: the network as initialised)
 * - export   {session}                           -> {bytes: Uint8Array} (the trained network as a file)
 * - import   {bytes: Uint8Array, backend}        -> {session, backend, config, report} (a trained network from a file)
 * - dispose  {session}                           -> {}
 * - memory   {}                                  -> {wasm_bytes, cpu_bytes, cpu_limit, gpu_bytes, gpu_limit, networks}
 * - resetGpu {}                                  -> {fresh: boolean} (the next WebGPU network sets up a new device)
 * - pause    {paused: boolean}                   -> {} (training waits between chunks while paused: the tab is
 *                                                   hidden, or an embed is out of sight; stop still ends it)
 */
/**
 * A page -> worker request as the code passes it: its `type` (one of REQUEST) and that
 * request's own fields, listed above (`id` is added by WorkerClient).
 * @typedef {{type: string} & Record<string, any>} Request
 */

/** How many bundled MNIST test digits the worker's "init" sends (the link's `image=N` range). */
export const BUNDLED_DIGITS = 100;

export const REQUEST = Object.freeze({
  INIT: 'init',
  DESCRIBE: 'describe',
  CREATE: 'create',
  TRAIN: 'train',
  STOP: 'stop',
  PREDICT: 'predict',
  PREDICT_UPPER: 'predictUpper',
  HEATMAP: 'heatmap',
  GALLERY: 'gallery',
  LAYERS: 'layers',
  WEIGHT_CHANGE: 'weightChange',
  EXPORT: 'export',
  IMPORT: 'import',
  DISPOSE: 'dispose',
  MEMORY: 'memory',
  RESET_GPU: 'resetGpu',
  PAUSE: 'pause',
});

/**
 * The names of the errors the page acts on, as identity-wasm sets them (`MEMORY_ERROR`,
 * `GPU_LOST_ERROR`, `DIVERGED_ERROR` in crates/identity-wasm/src/errors.rs).
 */
export const ERROR_NAMES = Object.freeze({
  /** A network that does not fit beside the networks alive; the message names them. */
  MEMORY: 'MemoryBudgetError',
  /** A call on a network whose GPU device was lost. */
  GPU_LOST: 'GpuLostError',
  /** Training whose loss became NaN or infinite; the network is gone. */
  DIVERGED: 'DivergedError',
});

/**
 * Worker -> page replies.
 * - progress {id, progress}           zero or more, before the reply that settles `id`
 * - result   {id, result}             settles `id`
 * - error    {id, message, name, fatal}  settles `id`; `name` is one of ERROR_NAMES or
 *                                     "Error"; `fatal` (also with `id: null`, for an uncaught
 *                                     trap) means the worker's wasm instance is dead
 * - gpuLost  {reason, message}        unasked: the worker's WebGPU device was lost
 */
export const REPLY = Object.freeze({
  PROGRESS: 'progress',
  RESULT: 'result',
  ERROR: 'error',
  GPU_LOST: 'gpuLost',
});

/** Training progress reaches the page at most this often (milliseconds between reports). */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * The buffers of the Float32Arrays and Uint8Arrays among `value`'s own fields (or `value` itself), to transfer
 * rather than copy. Only arrays that own their whole buffer are listed (never a view into
 * someone else's memory, such as the wasm heap), each buffer once.
 * @param {unknown} value a message payload
 * @returns {ArrayBuffer[]}
 */
export function transferables(value) {
  const found = new Set();
  const visit = (v) => {
    if ((v instanceof Float32Array || v instanceof Uint8Array) && v.buffer instanceof ArrayBuffer
        && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.byteLength > 0) {
      found.add(v.buffer);
    }
  };
  visit(value);
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    Object.values(value).forEach(visit);
  }
  return [...found];
}
