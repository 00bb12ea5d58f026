// A network's answer to the drawing: its output image, the correlations to the identity and
// to the constant, and the verdict; and the comparison panel of kept networks, each showing
// its answer to the same drawing.

import { paintImage } from './charts.js';
import { formatCorrelation, verdict } from './verdict.js';

/** Shows answers in a fixed set of elements. */
export class AnswerView {
  /**
   * @param {{output: HTMLCanvasElement, identity: HTMLOutputElement, constant: HTMLOutputElement, verdict: HTMLOutputElement}} els
   */
  constructor(els) {
    this.els = els;
  }

  /**
   * Shows the answer to one input.
   * @param {{outputs: Float32Array, identity: number[], constant: number[]}} answer from "predict"
   * @param {number} version the pad version the answer is for (written to the canvas's
   *   data-version, so that tests can wait for it)
   */
  show(answer, version) {
    const { output, identity, constant, verdict: word } = this.els;
    paintImage(output, answer.outputs);
    output.dataset.version = String(version);
    identity.value = formatCorrelation(answer.identity[0]);
    constant.value = formatCorrelation(answer.constant[0]);
    const v = verdict(answer.identity[0], answer.constant[0]);
    word.value = v;
    word.dataset.verdict = v;
  }

  /** Blanks the view with a word in place of the verdict (e.g. while there is no network). */
  blank(why) {
    const { output, identity, constant, verdict: word } = this.els;
    output.getContext('2d').clearRect(0, 0, output.width, output.height);
    delete output.dataset.version;
    identity.value = '\u2013';
    constant.value = '\u2013';
    word.value = why;
    word.dataset.verdict = 'none';
  }
}

/** Up to `limit` kept networks side by side, each a card with its answer and a Remove button. */
export class ComparePanel {
  /**
   * @param {HTMLElement} container the cards' parent
   * @param {{limit: number, onRemove: (id: number) => void}} options
   */
  constructor(container, { limit, onRemove }) {
    this.container = container;
    this.limit = limit;
    this.onRemove = onRemove;
    this.cards = new Map();
  }

  /** Whether another network can be kept. */
  get full() {
    return this.cards.size >= this.limit;
  }

  /** The ids of the kept networks, oldest first. */
  ids() {
    return [...this.cards.keys()];
  }

  /** The kept networks as they were added, oldest first. */
  nets() {
    return [...this.cards.values()].map(({ net }) => net);
  }

  /**
   * Adds a card for a network.
   * @param {{id: number, name: string, about: string, backend?: {kind: string, label: string}}} net
   *   `about` says how it was trained; `backend`: where it runs
   *   (other fields are kept, and returned by `nets()`)
   */
  add(net) {
    if (this.full) throw new Error(`at most ${this.limit} networks can be kept: remove one first`);
    if (this.cards.has(net.id)) return;
    const card = document.createElement('article');
    card.className = 'kept';
    card.innerHTML = `
      <header><h3></h3><button type="button" class="quiet remove">Remove</button></header>
      <p class="about"></p>
      <canvas class="pixels big" role="img"></canvas>
      <dl class="numbers">
        <div><dt><label>Correlation to identity</label></dt><dd><output aria-live="off" class="identity">\u2013</output></dd></div>
        <div><dt><label>Correlation to constant</label></dt><dd><output aria-live="off" class="constant">\u2013</output></dd></div>
        <div><dt><label>Verdict</label></dt><dd><output aria-live="off" class="verdict">\u2013</output></dd></div>
      </dl>`;
    card.querySelector('h3').textContent = net.name;
    card.querySelector('.about').textContent = net.about;
    const output = card.querySelector('canvas');
    output.setAttribute('aria-label', `Output of kept network ${net.name}`);
    const outputs = ['identity', 'constant', 'verdict'].map((k) => /** @type {HTMLOutputElement} */ (card.querySelector(`output.${k}`)));
    card.querySelectorAll('label').forEach((label, i) => {
      outputs[i].id = `kept-${net.id}-${i}`;
      label.htmlFor = outputs[i].id;
    });
    const remove = card.querySelector('.remove');
    remove.setAttribute('aria-label', `Remove ${net.name}`);
    remove.addEventListener('click', () => this.onRemove(net.id));
    const [identity, constant, word] = outputs;
    this.cards.set(net.id, { net, card, view: new AnswerView({ output, identity, constant, verdict: word }) });
    this.container.append(card);
  }

  /** Removes a network's card (no-op for an unknown id). */
  remove(id) {
    this.cards.get(id)?.card.remove();
    this.cards.delete(id);
  }

  /** Removes every card. */
  clear() {
    this.ids().forEach((id) => this.remove(id));
  }

  /**
   * Shows a kept network's answer (ignored if it was removed meanwhile).
   * @param {number} id
   * @param {object} answer from "predict"
   * @param {number} version the pad version
   */
  show(id, answer, version) {
    this.cards.get(id)?.view.show(answer, version);
  }
}
