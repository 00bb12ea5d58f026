// The network worker: loads the wasm module (identity-wasm) and runs every training step and
// every prediction, so that the page never blocks. It answers the requests of protocol.js.
//
// Calls on one wasm Session must not overlap (a second call while one awaits is refused as
// "busy"), so each session has a queue; training runs one `advance()` at a time and yields to
// the event loop between them, so that "stop" and "predict" requests get through.
//
// Every WebGPU device the worker makes (through wgpu) is watched: when the browser loses it,
// the page is told at once (identity-wasm also stops using it, and answers its networks'
// calls with a GpuLostError).

import {
  BUNDLED_DIGITS, REQUEST, REPLY, PROGRESS_INTERVAL_MS, transferables,
} from './protocol.js';

/** Where `cargo xtask build` writes the wasm-bindgen module and its wasm, relative to this file. */
const PACKAGE_URL = new URL('../pkg/identity_wasm.js', import.meta.url);
const WASM_URL = new URL('../pkg/identity_wasm_bg.wasm', import.meta.url);

/** Gives the event loop a turn (messages are macrotasks; promise callbacks alone starve them). */
const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));
/** While paused, training looks again this often (a stop or a resume is seen within it). */
const PAUSED_POLL_MS = 100;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @typedef {import('./protocol.js').Request} Request */

/**
 * What this file uses of its global scope, a DedicatedWorkerGlobalScope (the checker's lib.dom
 * types `self` as a Window, whose postMessage takes a target origin; lib.webworker cannot be
 * loaded beside lib.dom). `gpuDevices`: the watched WebGPU devices, read by the browser tests
 * (GPUDevice: WebGPU's types are not in lib.dom).
 * @typedef {{
 *   postMessage: (message: unknown, transfer?: Transferable[]) => void,
 *   gpuDevices: any[],
 * }} WorkerScope
 */
const scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));

/** Runs calls one after another: each starts once every call queued before it has settled. */
class Queue {
  constructor() {
    this.tail = Promise.resolve();
  }

  /**
   * @template T
   * @param {() => Promise<T> | T} call
   * @returns {Promise<T>} settles as `call` does; a failure does not block later calls
   */
  run(call) {
    const done = this.tail.then(call);
    this.tail = done.catch(() => undefined);
    return done;
  }
}

/** One network: the wasm Session and the queue that keeps its calls from overlapping. */
class Entry extends Queue {
  /** @param {object} session a wasm-bindgen `Session` */
  constructor(session) {
    super();
    this.session = session;
    this.stopping = false;
    this.disposed = false;
  }
}

/** The worker's state: the wasm module once loaded, and the sessions by id. */
class NetworkWorker {
  constructor() {
    this.loading = null;
    // Sessions are created one at a time, so that the size checks and the memory they take
    // follow the order of the requests (identity-wasm also shares one WebGPU set-up between
    // overlapping first requests).
    this.creating = new Queue();
    this.entries = new Map();
    this.nextId = 1;
    this.dead = null;
    this.lastConsoleError = '';
    /** The wasm instance's memory, once loaded. */
    this.memory = null;
  }

  /**
   * Answers one request.
   * @param {Request} msg the request (see protocol.js)
   * @param {(progress: object) => void} onProgress reports progress of long requests
   * @returns {Promise<object>} the result
   */
  async handle(msg, onProgress) {
    if (this.dead) throw new WebAssembly.RuntimeError(this.dead);
    switch (msg.type) {
      case REQUEST.INIT: return this.init();
      case REQUEST.DESCRIBE: return (await this.module()).describe(msg.arch);
      case REQUEST.CREATE: return this.create(msg);
      case REQUEST.TRAIN: return this.train(this.entry(msg.session), onProgress);
      case REQUEST.STOP: return this.stop(msg.session);
      case REQUEST.PREDICT: return this.queued(msg.session, (s) => s.predict(msg.pixels, msg.side));
      case REQUEST.PREDICT_UPPER: return this.queued(msg.session, (s) => s.predictUpper(msg.pixels, msg.side, msg.firstLayer));
      case REQUEST.HEATMAP: return this.queued(msg.session, (s) => s.heatmap(msg.rhos, msg.perRho, msg.probes));
      case REQUEST.GALLERY: return this.queued(msg.session, (s) => s.gallery(msg.digits, msg.fashion));
      case REQUEST.LAYERS: return this.queued(msg.session, (s) => s.layers(msg.pixels, msg.side, Boolean(msg.initial)));
      case REQUEST.WEIGHT_CHANGE: return this.queued(msg.session, (s) => s.weightChange());
      case REQUEST.EXPORT: return this.queued(msg.session, async (s) => ({ bytes: await s.export() }));
      case REQUEST.IMPORT: return this.importNetwork(msg);
      case REQUEST.DISPOSE: return this.dispose(msg.session);
      case REQUEST.MEMORY: return this.memoryInUse();
      case REQUEST.PAUSE:
        this.paused = Boolean(msg.paused);
        return {};
      case REQUEST.RESET_GPU: return { fresh: (await this.module()).resetGpu() };
      default: throw new Error(`unknown request type ${JSON.stringify(msg.type)}`);
    }
  }

  /**
   * The wasm module, loaded and compiled (streaming) once; the worker starts this at once so
   * that compiling overlaps the page's own start-up.
   * @returns {Promise<object>} the module's exports
   */
  module() {
    this.loading ??= (async () => {
      let wasm;
      try {
        wasm = await import(PACKAGE_URL.href);
      } catch (e) {
        throw new Error(`could not load the network code (${PACKAGE_URL.pathname}): ${e.message}. Build it with "cargo xtask build".`);
      }
      // Served as application/wasm, this compiles while downloading (instantiateStreaming).
      const exports = await wasm.default({ module_or_path: WASM_URL });
      this.memory = exports.memory;
      return wasm;
    })();
    return this.loading;
  }

  /** Hands the page its bundled data once the module is ready. */
  async init() {
    const wasm = await this.module();
    const { pixels, labels } = wasm.bundledDigits(BUNDLED_DIGITS);
    return {
      digits: pixels, labels, defaultImage: wasm.defaultTrainingImage(), maxImportBytes: wasm.maxImportBytes(),
    };
  }

  entry(id) {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`no network with id ${id} (it was removed)`);
    return entry;
  }

  /** Runs `call(session)` in the session's queue. */
  queued(id, call) {
    const entry = this.entry(id);
    return entry.run(() => call(entry.session));
  }

  /** @param {Request} request a "create" request */
  async create({ arch, train, backend, image, preview }) {
    const wasm = await this.module();
    const make = preview ? wasm.createPreview : wasm.createSession;
    const session = await this.creating.run(() => make(arch, train, backend, image));
    const id = this.nextId++;
    this.entries.set(id, new Entry(session));
    return { session: id, backend: session.backend(), config: session.config() };
  }

  /**
   * A trained network from a file's bytes, answered like "create" plus its training report.
   * @param {Request} request an "import" request
   */
  async importNetwork({ bytes, backend }) {
    const wasm = await this.module();
    const session = await this.creating.run(() => wasm.importNetwork(bytes, backend));
    const id = this.nextId++;
    const entry = new Entry(session);
    this.entries.set(id, entry);
    // A trained network's advance() reports how its training ended, at once.
    const report = await entry.run(() => session.advance());
    return { session: id, backend: session.backend(), config: session.config(), report };
  }

  /** Trains until the session stops (converged, budget, stop request or removal). */
  async train(entry, onProgress) {
    let lastPost = -Infinity;
    for (;;) {
      while (this.paused && !entry.stopping && !entry.disposed) await sleep(PAUSED_POLL_MS);
      if (entry.disposed) return { stop: 'cancelled' };
      if (entry.stopping) await entry.run(() => entry.session.cancel());
      const report = await entry.run(() => entry.session.advance());
      if (report.stop) return report;
      const now = performance.now();
      if (now - lastPost >= PROGRESS_INTERVAL_MS) {
        onProgress(report);
        lastPost = now;
      }
      await yieldToEvents();
    }
  }

  /** Asks a training loop to stop after its current chunk; the "train" request then settles. */
  stop(id) {
    this.entry(id).stopping = true;
    return {};
  }

  async dispose(id) {
    const entry = this.entries.get(id);
    if (!entry) return {}; // freed already
    entry.stopping = true;
    entry.disposed = true;
    this.entries.delete(id);
    await entry.run(() => entry.session.free());
    return {};
  }

  /** The wasm heap's size and what the networks alive take by the budget's estimates. */
  async memoryInUse() {
    const wasm = await this.module();
    return { wasm_bytes: this.memory.buffer.byteLength, networks: this.entries.size, ...wasm.memoryInUse() };
  }

  /** Marks the wasm instance dead after a trap: every later request fails as fatal. */
  died(error) {
    const panic = this.lastConsoleError ? ` (${this.lastConsoleError})` : '';
    this.dead = `${error?.message || error}${panic}`;
    return this.dead;
  }
}

const worker = new NetworkWorker();

/**
 * The live WebGPU devices this worker has made (wgpu asks the browser for them), watched: an
 * uncaught WebGPU error ends the device (identity-wasm stops using it anyway; destroying it
 * frees its memory and tells everyone), and a lost device is reported to the page. The
 * browser tests destroy one to play a lost GPU.
 */
scope.gpuDevices = [];
// WebGPU's types (GPUAdapter, GPUDevice) are not in TypeScript's lib.dom: untyped here.
const GpuAdapter = /** @type {any} */ (self).GPUAdapter;
if (GpuAdapter?.prototype.requestDevice) {
  const requestDevice = GpuAdapter.prototype.requestDevice;
  GpuAdapter.prototype.requestDevice = async function watchedRequestDevice(...args) {
    const device = await requestDevice.apply(this, args);
    scope.gpuDevices.push(device);
    device.addEventListener('uncapturederror', () => device.destroy());
    device.lost.then((info) => {
      scope.gpuDevices = scope.gpuDevices.filter((d) => d !== device);
      scope.postMessage({ type: REPLY.GPU_LOST, reason: String(info.reason), message: String(info.message) });
    });
    return device;
  };
}
worker.module().catch(() => undefined); // start compiling now; a failure is reported per request
const post = (message, transfer = []) => scope.postMessage(message, transfer);
const isTrap = (error) => error instanceof WebAssembly.RuntimeError;

// A Rust panic prints its message (console_error_panic_hook) just before the trap: keep the
// last line so that the page can say what happened, not just "unreachable".
const consoleError = console.error.bind(console);
console.error = (...args) => {
  worker.lastConsoleError = args.map(String).join(' ').split('\n')[0].slice(0, 300);
  consoleError(...args);
};

self.addEventListener('message', async ({ data: msg }) => {
  try {
    const result = await worker.handle(msg, (progress) => post({ type: REPLY.PROGRESS, id: msg.id, progress }));
    post({ type: REPLY.RESULT, id: msg.id, result }, transferables(result));
  } catch (error) {
    const fatal = isTrap(error) || Boolean(worker.dead);
    const message = fatal ? worker.died(error) : String(error?.message ?? error);
    post({ type: REPLY.ERROR, id: msg.id, message, name: String(error?.name ?? 'Error'), fatal });
  }
});

// A panic inside a wasm future traps outside any awaited call: report it as fatal.
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  const fatal = isTrap(event.reason);
  const message = fatal ? worker.died(event.reason) : String(event.reason?.message ?? event.reason);
  post({ type: REPLY.ERROR, id: null, message, fatal });
});
self.addEventListener('error', (event) => {
  event.preventDefault();
  const fatal = isTrap(event.error);
  const message = fatal ? worker.died(event.error) : String(event.message);
  post({ type: REPLY.ERROR, id: null, message, fatal });
});
