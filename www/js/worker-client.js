// The page's side of the worker protocol: request(msg) returns a Promise settled by the reply
// with the same id. When the worker dies (a wasm trap, e.g. a lost GPU device) every pending
// request is rejected, the owner is told, and a fresh worker takes its place.

import { REQUEST, REPLY, transferables } from './protocol.js';

/** The error of a request whose worker died: the sessions it held are gone too. */
export class WorkerDiedError extends Error {
  constructor(message) {
    super(message);
    this.name = 'WorkerDiedError';
  }
}

/**
 * A module worker running worker.js, with requests settled by id. The worker starts with the
 * first request (a page that never asks never loads the network code), and can be retired
 * when it holds nothing (the next request starts a fresh one).
 */
export class WorkerClient {
  /**
   * @param {URL} url the worker module
   * @param {{onDied: (error: WorkerDiedError) => void, onGpuLost: (info: {reason: string, message: string}) => void}} hooks
   *   `onDied` is called once per dead worker, after every pending request was rejected and a
   *   fresh worker was started; `onGpuLost` when the worker's WebGPU device was lost
   */
  constructor(url, { onDied, onGpuLost }) {
    this.url = url;
    this.onDied = onDied;
    this.onGpuLost = onGpuLost;
    this.nextId = 1;
    this.pending = new Map();
    this.worker = null;
    this.replied = false;
    this.paused = false;
  }

  /** Whether a worker is running (it starts with the first request). */
  get running() {
    return this.worker !== null;
  }

  /**
   * Sets whether training waits (worker.js's "pause"); kept for a worker started later.
   * @param {boolean} paused
   */
  setPaused(paused) {
    this.paused = paused;
    if (this.worker) this.sendPause();
  }

  /** Tells the worker whether training waits. */
  sendPause() {
    this.request({ type: REQUEST.PAUSE, paused: this.paused }).catch(() => {
      // A worker that died takes its training with it: nothing is left to pause.
    });
  }

  /**
   * Ends the worker when no request waits on it (its owner knows it holds no network); the
   * next request starts a fresh one.
   * @returns {boolean} whether it was ended
   */
  retire() {
    if (!this.worker || this.pending.size > 0) return false;
    this.worker.terminate();
    this.worker = null;
    return true;
  }

  /** Starts the worker unless one runs (a request would start it anyway). */
  warm() {
    if (!this.worker) this.start();
  }

  /** Starts a fresh worker (it starts loading the wasm module at once). */
  start() {
    const worker = new Worker(this.url, { type: 'module' });
    this.replied = false;
    worker.addEventListener('message', (event) => {
      this.replied = true;
      this.receive(worker, event.data);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.died(worker, event.message || 'the worker failed to start or crashed');
    });
    worker.addEventListener('messageerror', () => this.died(worker, 'a message from the worker could not be read'));
    this.worker = worker;
    if (this.paused) this.sendPause();
  }

  /**
   * Sends a request; Float32Arrays in it are transferred (the caller must not use them after).
   * @param {import('./protocol.js').Request} msg a request of protocol.js (without id)
   * @param {(progress: object) => void} [onProgress] called for each progress report
   * @returns {Promise<object>} the result; rejects with the worker's error message
   */
  request(msg, onProgress) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      try {
        this.warm();
        this.worker.postMessage({ ...msg, id }, transferables(msg));
      } catch (error) {
        this.pending.delete(id);
        reject(error);
      }
    });
  }

  receive(worker, msg) {
    if (worker !== this.worker) return;
    if (msg.type === REPLY.GPU_LOST) {
      this.onGpuLost({ reason: msg.reason, message: msg.message });
      return;
    }
    if (msg.type === REPLY.ERROR && msg.fatal) {
      this.died(worker, msg.message);
      return;
    }
    const waiting = this.pending.get(msg.id);
    if (msg.type === REPLY.ERROR && !waiting) {
      // An error no request owns (an uncaught exception in the worker): it must still be seen.
      reportError(new Error(`network worker: ${msg.message}`));
      return;
    }
    if (!waiting) return;
    switch (msg.type) {
      case REPLY.PROGRESS:
        waiting.onProgress?.(msg.progress);
        break;
      case REPLY.RESULT:
        this.pending.delete(msg.id);
        waiting.resolve(msg.result);
        break;
      case REPLY.ERROR: {
        this.pending.delete(msg.id);
        const error = new Error(msg.message);
        error.name = msg.name ?? 'Error';
        waiting.reject(error);
        break;
      }
      default:
        this.pending.delete(msg.id);
        waiting.reject(new Error(`unknown reply type ${JSON.stringify(msg.type)} from the worker`));
    }
  }

  /**
   * Rejects every pending request, replaces the worker and tells the owner. A worker that
   * died before saying anything (its script failed) is replaced only by the next request, so
   * that a broken script does not restart forever.
   */
  died(worker, why) {
    if (worker !== this.worker) return;
    worker.terminate();
    this.worker = null;
    const error = new WorkerDiedError(`The network worker stopped (${why}). The networks it held are lost; the next training starts a fresh one.`);
    const pending = [...this.pending.values()];
    this.pending.clear();
    if (this.replied) this.start();
    pending.forEach(({ reject }) => reject(error));
    this.onDied(error);
  }
}
