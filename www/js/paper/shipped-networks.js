// The networks behind a view, alive in the worker: each row's shipped file
// (`models/<id>.bpk`, fetched with its bytes counted) imported when the view is shown, and the
// networks retrained here beside them. The worker holds only the networks of the view in use:
// a Keeper frees a view's networks when another view's come in, or when it has been out of
// sight a while, and they are imported again on return.

import { REQUEST } from '../protocol.js';
import { WorkerDiedError } from '../worker-client.js';

/** A view out of sight this long gives its networks back. */
export const IDLE_MS = 30_000;

/**
 * Where a row's shipped network stands.
 * - none: no file is shipped for it (the row has no id, or the server has no such file)
 * - waiting: shipped, not loaded (the view has not been shown, or its networks were freed)
 * - loading: the file is downloading (`loaded` of `total` bytes; total null when unknown)
 * - importing: the worker is reading it
 * - ready: it answers (`session`)
 * - failed: it could not be loaded, or was lost with the worker (`message`); the next load()
 *   tries again
 */
export const STATUS = Object.freeze({
  NONE: 'none', WAITING: 'waiting', LOADING: 'loading', IMPORTING: 'importing', READY: 'ready', FAILED: 'failed',
});

/**
 * Whether two architectures are the same network (`train_bottom_only` defaults to false).
 * @param {import('./figure-data.js').ArchConfig} a
 * @param {import('./figure-data.js').ArchConfig} b
 * @returns {boolean}
 */
function sameArch(a, b) {
  /** @param {{arch: string, depth?: number, channels?: number, kernel?: number, hidden?: number[], train_bottom_only?: boolean}} config any ArchConfig */
  const canonical = ({ arch, depth, channels, kernel, hidden, train_bottom_only: bottom }) => JSON.stringify(
    arch === 'conv' ? [arch, depth, channels, kernel] : [arch, hidden, arch === 'relu' && Boolean(bottom)],
  );
  return canonical(a) === canonical(b);
}

/** The list of shipped networks (ids) that `cargo xtask models` writes beside their files. */
const SHIPPED_LIST = 'models/shipped.json';

/** base URL -> the promise of its Set of shipped ids. */
const shippedLists = new Map();

/**
 * The ids of the networks the site ships under `base`: a row whose id is not listed has no
 * file, and none is fetched for it. A site with no list ships none.
 * @param {URL} base the folder of the figure files
 * @returns {Promise<Set<string>>} rejects with a message when the list cannot be read
 */
function shippedIds(base) {
  const key = base.href;
  if (!shippedLists.has(key)) {
    const read = (async () => {
      const response = await fetch(new URL(SHIPPED_LIST, base));
      if (response.status === 404) return new Set();
      if (!response.ok) throw new Error(`the server answered ${response.status} for ${SHIPPED_LIST}`);
      const ids = await response.json().catch(() => null);
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
        throw new Error(`${SHIPPED_LIST} is not a list of network ids`);
      }
      return new Set(ids);
    })();
    // A failed read is tried again next time.
    read.catch(() => shippedLists.delete(key));
    shippedLists.set(key, read);
  }
  return shippedLists.get(key);
}

/** Reads a response's body, reporting the bytes received so far. */
async function readCounting(response, onBytes) {
  const total = Number(response.headers.get('content-length')) || null;
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onBytes(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * One row's networks: the shipped one and the one retrained here.
 * @typedef {{net: import('./figure-data.js').Net, status: string, loaded: number, total: number | null,
 *   session: number | null, message: string, trained: {session: number | null, report: object} | null}} Slot
 */

/**
 * The networks of one view's rows. Dispatches "change" (detail: the row index) whenever a
 * row's networks change.
 */
export class NetworkSet extends EventTarget {
  /**
   * @param {{client: import('../worker-client.js').WorkerClient, base: URL, nets: import('./figure-data.js').Net[]}} options
   *   `base`: the folder of the figure files (the models are under `models/` there)
   */
  constructor({ client, base, nets }) {
    super();
    this.client = client;
    this.base = base;
    /** @type {Slot[]} */
    this.slots = nets.map((net) => ({
      net, status: net.id ? STATUS.WAITING : STATUS.NONE, loaded: 0, total: null, session: null, message: '', trained: null,
    }));
    /** Bumped by every free(): work of an older generation lets go of what it got. */
    this.generation = 0;
    this.abort = new AbortController();
    /** The network training here now (its worker id), if any: the set is not freed for
     * being out of sight while it trains, and freeing the set ends its training. */
    this.training = null;
  }

  changed(index) {
    this.dispatchEvent(new CustomEvent('change', { detail: index }));
  }

  /** The sessions alive (shipped and retrained), for the live answers. */
  sessions() {
    return this.slots.flatMap((slot, index) => [
      slot.session !== null ? { index, session: slot.session, kind: 'shipped' } : null,
      slot.trained?.session ? { index, session: slot.trained.session, kind: 'trained' } : null,
    ].filter(Boolean));
  }

  /**
   * Loads every shipped network not loaded yet (or that failed): its file, then the worker
   * imports it.
   * @returns {Promise<unknown>} settles when every row is ready, missing or failed (its value
   *   is nothing to read)
   */
  load() {
    const due = (slot) => slot.status === STATUS.WAITING || slot.status === STATUS.FAILED;
    return Promise.all(this.slots.map((slot, index) => (due(slot) ? this.loadSlot(slot, index) : null)));
  }

  async loadSlot(slot, index) {
    const generation = this.generation;
    const { signal } = this.abort;
    const name = `models/${slot.net.id}.bpk`;
    const stale = () => generation !== this.generation;
    const set = (fields) => {
      if (stale()) return;
      Object.assign(slot, fields);
      this.changed(index);
    };
    set({ status: STATUS.LOADING, loaded: 0, total: null });
    try {
      if (!(await shippedIds(this.base)).has(slot.net.id)) {
        set({ status: STATUS.NONE, message: `${name} is not on this site` });
        return;
      }
      const response = await fetch(new URL(name, this.base), { signal });
      if (!response.ok) throw new Error(`the server answered ${response.status} for ${name}`);
      const bytes = await readCounting(response, (loaded, total) => set({ loaded, total }));
      if (stale()) return;
      set({ status: STATUS.IMPORTING });
      const imported = await this.client.request({ type: REQUEST.IMPORT, bytes, backend: 'cpu' });
      if (stale() || !sameArch(imported.config.arch, slot.net.arch)) {
        this.dispose(imported.session);
        if (!stale()) set({ status: STATUS.FAILED, message: `${name} holds ${imported.config.name}, not this row's network` });
        return;
      }
      set({ status: STATUS.READY, session: imported.session });
    } catch (error) {
      if (stale()) return;
      const why = error instanceof WorkerDiedError ? 'the network worker stopped' : error.message;
      set({ status: STATUS.FAILED, message: `could not load ${name}: ${why}` });
    }
  }

  /**
   * Keeps a network retrained here beside the row's shipped one (it is freed with the set).
   * @param {number} index the row
   * @param {number} session the worker's id of it
   * @param {object} report how its training ended
   */
  adopt(index, session, report) {
    const slot = this.slots[index];
    if (slot.trained?.session) this.dispose(slot.trained.session);
    slot.trained = { session, report };
    this.changed(index);
  }

  /**
   * Frees a network in the worker.
   * @param {number} session
   * @returns {Promise<void>} settles once it is freed (a dead worker freed it already)
   */
  dispose(session) {
    return this.client.request({ type: REQUEST.DISPOSE, session }).then(() => undefined, () => undefined);
  }

  /**
   * Frees every network of the set in the worker (a download under way is cancelled); the
   * shipped ones load again with the next load(), the retrained ones keep their report.
   * @param {{gone?: boolean, why?: string}} [options] `gone`: the worker died and its
   *   networks with it; `why`: what the rows say until they load again
   * @returns {Promise<void>} settles once the worker has freed them
   */
  free({ gone = false, why = '' } = {}) {
    this.generation += 1;
    this.abort.abort();
    this.abort = new AbortController();
    const sessions = [this.training, ...this.slots.flatMap((slot) => [slot.session, slot.trained?.session])]
      .filter((session) => session !== null && session !== undefined);
    this.training = null;
    this.slots.forEach((slot, index) => {
      if (slot.trained) slot.trained.session = null;
      if (slot.status !== STATUS.NONE) {
        const lost = gone && slot.status !== STATUS.WAITING;
        Object.assign(slot, lost
          ? { status: STATUS.FAILED, message: 'lost when the network worker stopped; it loads again when this view is shown again' }
          : { status: STATUS.WAITING, message: why });
      }
      Object.assign(slot, { session: null, loaded: 0, total: null });
      this.changed(index);
    });
    return gone ? Promise.resolve() : Promise.all(sessions.map((s) => this.dispose(s))).then(() => undefined);
  }
}

/**
 * Keeps the networks of one view alive at a time: a set comes in with use(), the one before
 * it is freed; a set out of sight is freed after IDLE_MS (unless networks train in it).
 */
export class Keeper {
  constructor() {
    /** @type {NetworkSet | null} */
    this.active = null;
    this.timer = null;
  }

  /**
   * Makes `set` the set alive and loads its shipped networks (unless `load` is false: a view
   * that only retrains its networks here).
   * @param {NetworkSet} set
   * @param {{load?: boolean}} [options]
   * @returns {Promise<unknown>} as set.load()
   */
  use(set, { load = true } = {}) {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.active && this.active !== set) this.active.free();
    this.active = set;
    return load ? set.load() : Promise.resolve();
  }

  /**
   * The set's view went out of sight: free it after IDLE_MS unless it comes back first.
   * @param {NetworkSet} set
   */
  idle(set) {
    if (this.active !== set) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.active !== set) return;
      if (set.training !== null) {
        this.idle(set);
        return;
      }
      set.free();
      this.active = null;
    }, IDLE_MS);
  }

  /**
   * Frees the networks of the set alive, to make room for others (they load again when
   * their view is shown again).
   * @returns {Promise<boolean>} whether any set was alive, once the worker has freed it
   */
  async release() {
    const set = this.active;
    if (!set) return false;
    clearTimeout(this.timer);
    this.active = null;
    await set.free({ why: 'given back to make room for your own network; loads again when this view is shown again' });
    return true;
  }

  /**
   * The worker died, and every network with it: the set alive forgets them, and loads them
   * again the next time its view is shown (not at once: a file that stops the worker must
   * not do so in a loop).
   */
  workerDied() {
    this.active?.free({ gone: true });
    this.active = null;
  }
}
