// The "Your drawing" column of a view: a small pad whose drawing every network of the view
// answers live. Each row's cell shows its network's answer with the answer's correlations,
// or where its network stands (downloading, not shipped, failed); a network retrained here
// answers beside the shipped one. Answers are asked at most every PREDICT_INTERVAL_MS, one
// request in flight per network.

import { REQUEST } from '../protocol.js';
import { DrawingPad } from '../pad.js';
import { paintImage } from '../charts.js';
import { formatCorrelation } from '../verdict.js';
import {
  el, button, numberLine, correlations, inWords,
} from './parts.js';
import { STATUS } from './shipped-networks.js';
import { MNIST_SIDE } from '../rules.js';

/** The drawing's answers refresh at most this often while drawing. */
const PREDICT_INTERVAL_MS = 100;

/** Numbers the pads of a page, for their hints' ids. */
let pads = 0;

/** What a row's cell says while its shipped network does not answer. */
function statusText(slot, trainable) {
  const mb = (bytes) => (bytes / 1e6).toFixed(1);
  switch (slot.status) {
    case STATUS.NONE: return trainable && !slot.trained ? 'not shipped: Train it here' : 'not shipped';
    case STATUS.WAITING: return slot.message || 'loads when you draw';
    case STATUS.LOADING: return slot.total ? `loading ${mb(slot.loaded)} of ${mb(slot.total)} MB` : `loading ${mb(slot.loaded)} MB`;
    case STATUS.IMPORTING: return 'starting\u2026';
    case STATUS.FAILED: return slot.message;
    default: return '';
  }
}

/** The drawing pad of a view and the cells of its rows' live answers. */
export class DrawingColumn {
  /**
   * @param {{client: import('../worker-client.js').WorkerClient, figure: number, first: Float32Array,
   *   trainable: boolean, onWanted?: () => void, ask?: (index: number) => {type: string}}} options
   *   `figure`: the figure's number (its pad's name says it); `first`: the pad's picture
   *   before the reader draws (28 x 28); `trainable`: whether the view offers "Train it here"
   *   (the cell of a network not shipped says so); `onWanted`: the reader reached for the pad;
   *   `ask`: the request that answers the drawing with row `index`'s network, beside its
   *   session and the pixels (a prediction of the whole network by default)
   */
  constructor({
    client, figure, first, trainable, onWanted = () => undefined, ask = () => ({ type: REQUEST.PREDICT }),
  }) {
    this.client = client;
    this.trainable = trainable;
    this.ask = ask;
    pads += 1;
    /** How to draw on the pad, for under the figure. */
    this.hint = el('p', {
      className: 'hint',
      text: 'Your drawing: draw with a mouse, finger or pen; or focus the pad, then arrows move, Space paints, Shift+arrows draw a line, Ctrl+Z undoes.',
      attrs: { id: `paper-pad-help-${pads}` },
    });
    const canvas = el('canvas', {
      className: 'pad', attrs: { tabindex: '0', role: 'application', 'aria-roledescription': 'drawing pad', 'aria-label': `Pad for your drawing, answered by every network of Fig. ${figure}`, 'aria-describedby': this.hint.id },
    });
    this.pad = new DrawingPad(canvas);
    this.pad.load(first);
    this.padCell = el('div', { className: 'drawing' }, [
      canvas,
      el('div', { className: 'pad-tools' }, [
        button('Clear', () => this.pad.clear(), { label: `Clear your drawing of Fig. ${figure}` }),
        button('Undo', () => this.pad.undo(), { label: `Undo your last stroke on Fig. ${figure}` }),
      ]),
    ]);
    this.pad.addEventListener('change', () => this.answerSoon());
    // The networks are fetched once the reader reaches for the pad, not with the page.
    for (const type of ['pointerdown', 'focus']) canvas.addEventListener(type, () => onWanted(), { once: true });
    this.pad.addEventListener('change', () => onWanted(), { once: true });
    this.set = null;
    this.cells = [];
    this.onChange = (event) => this.refresh(event.detail);
    this.inFlight = new Set();
    this.answered = new Map();
    this.timer = null;
    this.dirty = false;
    this.last = -Infinity;
  }

  /**
   * Answers with the networks of `set` from now on.
   * @param {import('./shipped-networks.js').NetworkSet} set
   * @param {number[]} [slotOf] the slot of `set` whose network answers each row (default: one
   *   row per slot; several rows may share a network, each answering as `ask` says)
   * @returns {HTMLElement[]} one cell per row, for the table
   */
  bind(set, slotOf = set.slots.map((_, i) => i)) {
    this.set?.removeEventListener('change', this.onChange);
    this.set = set;
    this.slotOf = slotOf;
    set.addEventListener('change', this.onChange);
    this.cells = slotOf.map((slot) => {
      const { net } = set.slots[slot];
      const output = el('canvas', { className: 'pixels', attrs: { role: 'img', 'aria-label': `Answer of ${net.label} to your drawing` } });
      output.width = output.height = MNIST_SIDE;
      return {
        output,
        numbers: el('span', { className: 'pic-numbers' }),
        status: el('span', { className: 'live-status' }),
        here: el('span', { className: 'here' }),
      };
    });
    set.slots.forEach((_, i) => this.refresh(i));
    return this.cells.map((c) => el('div', { className: 'pic live' }, [c.output, c.numbers, c.status, c.here]));
  }

  /** Shows where slot `index`'s networks stand in its rows, and asks the new ones for answers. */
  refresh(index) {
    const slot = this.set.slots[index];
    this.slotOf.forEach((of, row) => {
      if (of !== index) return;
      const cell = this.cells[row];
      cell.status.textContent = statusText(slot, this.trainable);
      cell.output.dataset.status = slot.status;
      // A canvas never painted is blank already (and hidden): a context made to clear it costs
      // about a millisecond, for every row of a figure as it is built.
      if (slot.session === null && !slot.trained?.session && cell.output.dataset.version !== undefined) {
        cell.output.getContext('2d').clearRect(0, 0, MNIST_SIDE, MNIST_SIDE);
        delete cell.output.dataset.version;
        cell.numbers.replaceChildren();
      }
      if (!slot.trained?.session) cell.here.textContent = slot.trained ? 'retrained here: freed' : '';
    });
    this.answerSoon();
  }

  /** Asks for fresh answers soon: at most one round per PREDICT_INTERVAL_MS. */
  answerSoon() {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => this.answer(), Math.max(0, this.last + PREDICT_INTERVAL_MS - performance.now()));
  }

  answer() {
    this.timer = null;
    this.dirty = false;
    this.last = performance.now();
    if (!this.set) return;
    const set = this.set;
    const version = this.pad.version;
    const pixels = this.pad.pixels();
    for (const { index, session, kind } of set.sessions()) {
      this.slotOf.forEach((of, row) => {
        if (of !== index) return;
        // Each row's answer from each of its networks, asked once per drawing.
        const key = `${session}:${row}`;
        if (this.answered.get(key) === version) return;
        if (this.inFlight.has(key)) {
          this.dirty = true;
          return;
        }
        this.inFlight.add(key);
        this.client.request({ ...this.ask(row), session, pixels: pixels.slice(), side: this.pad.side })
          .then((answer) => {
            this.answered.set(key, version);
            if (set === this.set && this.alive(index, session)) this.show(row, kind, answer, version);
          }, (error) => {
            if (set === this.set && this.alive(index, session)) this.cells[row].status.textContent = `could not answer: ${error.message}`;
          })
          .finally(() => {
            this.inFlight.delete(key);
            if (this.dirty) this.answerSoon();
          });
      });
    }
  }

  /** Whether `session` is still one of slot `index`'s networks. */
  alive(index, session) {
    const slot = this.set.slots[index];
    return slot.session === session || slot.trained?.session === session;
  }

  /**
   * Paints an answer: the shipped network's in the picture with its numbers under it; the
   * retrained one's numbers on a line of their own (and its picture when none is shipped).
   */
  show(row, kind, answer, version) {
    const slot = this.set.slots[this.slotOf[row]];
    const cell = this.cells[row];
    const [identity, constant] = [answer.identity[0], answer.constant[0]];
    if (kind === 'trained') cell.here.textContent = `retrained here: identity ${formatCorrelation(identity)}, constant ${formatCorrelation(constant)}`;
    if (kind === 'shipped' || slot.session === null) {
      paintImage(cell.output, answer.outputs);
      cell.output.dataset.version = String(version);
      cell.output.setAttribute('aria-label', `Answer of ${slot.net.label}${kind === 'trained' ? ' (retrained here)' : ''} to your drawing: ${inWords(identity, constant)}`);
      // The numbers of a network retrained here are on their own line.
      cell.numbers.replaceChildren(...(kind === 'shipped' ? numberLine(correlations(identity, constant)).childNodes : []));
    }
  }
}
