// "Train it here": the networks of a view retrained live in the worker, one after another,
// from the same architectures and the training defaults the worker describes. The expected
// time comes first (the training panel's estimator), then progress and a way to stop; each
// retrained network's final loss goes beside the shipped one, and it answers the drawing.

import { REQUEST, ERROR_NAMES } from '../protocol.js';
import { NetworkSet } from './shipped-networks.js';
import { formatDuration, lossEvery } from '../estimate.js';
import {
  el, button, formatLoss, familyOf,
} from './parts.js';
import { grouped } from '../numbers.js';

/**
 * What the page lends a view for training: the backend preference, the expected speed of a
 * network there (the training panel's estimate) and a place to record the measured one.
 * @typedef {{backend: () => string,
 *   estimate: (arch: import('./figure-data.js').ArchConfig) => {msPerStep: number, where: string, measured: boolean},
 *   record: (backendLabel: string, arch: import('./figure-data.js').ArchConfig, msPerStep: number) => void}} Training
 */

/** Training here expected to take longer than this offers narrower networks as well (the
 * widest that fit in it, or the fastest). */
const NARROW_OFFER_MS = 3 * 60_000;
/** The narrowest networks offered: ConvNet channels, FCN hidden units. */
const NARROWEST = Object.freeze({ channels: 4, hidden: 16 });

/**
 * `arch` with its width divided by `factor` (ConvNet channels, FCN hidden units; no
 * narrower than NARROWEST), and the width in words.
 * @param {import('./figure-data.js').ArchConfig} arch
 * @param {number} factor
 * @returns {{arch: import('./figure-data.js').ArchConfig, words: string}}
 */
function narrowed(arch, factor) {
  if (arch.arch === 'conv') {
    const channels = Math.max(NARROWEST.channels, Math.round(arch.channels / factor));
    return { arch: { ...arch, channels }, words: `at ${channels} channels` };
  }
  const hidden = arch.hidden.map((h) => Math.max(NARROWEST.hidden, Math.round(h / factor)));
  return { arch: { ...arch, hidden }, words: hidden.length ? `at ${hidden[0]} hidden units` : 'as shipped' };
}

/**
 * The row of a network retrained here: the shipped row's, with the architecture it was
 * retrained at (narrower, maybe) and how its training went.
 * @param {import('./figure-data.js').Net} net the shipped row
 * @param {{arch: object, narrower: string, loss: number, step: number}} report what TrainHere kept
 * @returns {import('./figure-data.js').Net}
 */
export function retrainedNet(net, report) {
  return {
    ...net,
    arch: report.arch,
    params: report.arch === net.arch ? net.params : null,
    label: `${net.label}, retrained here${report.narrower ? ` ${report.narrower}` : ''}`,
    final_loss: report.loss,
    steps: report.step,
  };
}

/** The "Train it here" controls of a view. */
export class TrainHere {
  /**
   * @param {{client: import('../worker-client.js').WorkerClient, sizes: import('./network-size.js').NetworkSizes,
   *   training: Training, onReport: (index: number, report: object | null, note: string) => void,
   *   onStart?: (set: import('./shipped-networks.js').NetworkSet) => void}} options
   *   `onReport`: a row's network finished training here (report null: it failed, `note` says
   *   why); `onStart`: training begins in this set (a view whose set is not alive yet makes it so)
   */
  constructor({ client, sizes, training, onReport, onStart = () => undefined }) {
    this.client = client;
    this.sizes = sizes;
    this.training = training;
    this.onReport = onReport;
    this.onStart = onStart;
    /** The networks the button retrains: {set, seed, what}. */
    this.target = null;
    /** The plan shown, waiting for "Start training": {target, nets, described, speeds}. */
    this.planned = null;
    /** The set whose networks are training, and whether the reader stopped it. */
    this.running = null;
    this.stopped = false;
    this.trainButton = button('Train it here', () => this.plan());
    this.startButton = button('Start training', () => this.start(this.planned.full), { className: 'primary' });
    this.narrowButton = button('Train narrower', () => this.start(this.planned.narrow));
    this.cancelButton = button('Cancel', () => this.closePlan());
    this.stopButton = button('Stop training here', () => this.stop(), { className: '' });
    this.text = el('p', { className: 'train-text', attrs: { 'aria-live': 'polite' } });
    this.progress = el('progress', { attrs: { max: '1', value: '0', 'aria-label': 'Training here: progress' } });
    this.element = el('div', { className: 'train-here' }, [
      el('div', { className: 'actions' }, [this.trainButton, this.startButton, this.narrowButton, this.cancelButton, this.stopButton]),
      this.text, this.progress,
    ]);
    this.show('idle');
  }

  /** Shows the controls of a phase: idle, planning, planned, training. */
  show(phase) {
    this.phase = phase;
    this.trainButton.hidden = phase === 'training';
    this.trainButton.disabled = phase !== 'idle' || !this.target;
    this.startButton.hidden = phase !== 'planned';
    this.narrowButton.hidden = phase !== 'planned' || !this.planned?.narrow;
    this.cancelButton.hidden = phase !== 'planned';
    this.stopButton.hidden = phase !== 'training';
    this.progress.hidden = phase !== 'training';
  }

  /**
   * Retrains these networks from now on (a plan shown for others is withdrawn; a training
   * under way ends with its set, which the view frees).
   * @param {{set: import('./shipped-networks.js').NetworkSet, seed: number, what: string}} target
   *   `what`: the networks in words ("ConvNets")
   */
  bind(target) {
    this.target = target;
    if (this.phase !== 'training') this.closePlan();
  }

  closePlan() {
    this.text.textContent = '';
    this.show('idle');
  }

  /**
   * The networks of `target` made `factor` times narrower (1: as shipped), with their
   * training defaults and expected speeds here.
   * @returns {Promise<{archs: object[], words: string, described: object[], speeds: object[], total: number}>}
   */
  async option(target, factor) {
    const narrow = target.set.slots.map((s) => narrowed(s.net.arch, factor));
    const archs = factor === 1 ? target.set.slots.map((s) => s.net.arch) : narrow.map((n) => n.arch);
    const described = await Promise.all(archs.map((a) => this.sizes.describe(a)));
    const speeds = archs.map((a) => this.training.estimate(a));
    const total = speeds.reduce((sum, s, i) => sum + s.msPerStep * described[i].train.steps, 0);
    return { archs, words: factor === 1 ? '' : narrow[0].words, described, speeds, total };
  }

  /** Works out and shows the expected time, and offers to start (and, when that is long, to
   * train narrower networks instead). */
  async plan() {
    const target = this.target;
    this.show('planning');
    this.text.textContent = 'Working out how long it takes here\u2026';
    try {
      const nets = target.set.slots.map((s) => s.net);
      const full = await this.option(target, 1);
      // The widest narrower networks that take at most NARROW_OFFER_MS, else the fastest
      // (down to NARROWEST) when that at least halves the time.
      let narrow = null;
      for (let factor = 2; full.total > NARROW_OFFER_MS && factor <= 256; factor *= 2) {
        const option = await this.option(target, factor);
        if (!narrow || option.total < narrow.total) narrow = option;
        if (option.total <= NARROW_OFFER_MS) break;
      }
      if (narrow && narrow.total > full.total / 2) narrow = null;
      if (target !== this.target) return;
      const { described, speeds, total } = full;
      const steps = [...new Set(described.map((d) => d.train.steps))].map((s) => grouped(s)).join(' or ');
      const how = speeds.every((s) => s.measured) ? 'as measured here' : 'a guess until a network of that size has trained here';
      const which = nets.length === 1 ? `the ${target.what} here` : `the ${nets.length} ${target.what} here, one after another,`;
      this.text.textContent = `Retrain ${which} on ${speeds[0].where}: up to ${steps} steps${nets.length === 1 ? '' : ' each'}, `
        + `${formatDuration(total)} in all (${how}). The figure shows ${nets.length === 1 ? 'its answers' : 'their answers as each finishes'} beside the shipped ones.`
        + (narrow ? ` Narrower ones (${narrow.words}) take ${formatDuration(narrow.total)}.` : '');
      this.narrowButton.textContent = narrow ? `Train ${narrow.words}` : 'Train narrower';
      this.planned = { target, nets, full, narrow };
      this.show('planned');
    } catch (error) {
      this.text.textContent = `Could not plan the training: ${error.message}`;
      this.show('idle');
    }
  }

  /**
   * Trains the planned networks one after another (as shipped, or narrower), until done,
   * stopped or the set is freed.
   * @param {{archs: object[], words: string, described: object[], speeds: object[]}} option
   */
  async start(option) {
    const { target, nets } = this.planned;
    const { archs, words, described, speeds } = option;
    const { set, seed } = target;
    const generation = set.generation;
    const gone = () => generation !== set.generation;
    this.stopped = false;
    this.running = set;
    this.onStart(set);
    this.show('training');
    for (let i = 0; i < nets.length && !this.stopped && !gone(); i++) {
      const net = nets[i];
      const steps = described[i].train.steps;
      this.progress.max = steps;
      this.progress.value = 0;
      this.text.textContent = `Building ${net.label}${words ? ` ${words}` : ''} (${i + 1} of ${nets.length})\u2026`;
      let created = null;
      try {
        created = await this.client.request({
          type: REQUEST.CREATE, arch: archs[i], train: { seed, loss_every: lossEvery(speeds[i].msPerStep) }, backend: this.training.backend(),
        });
        if (gone()) {
          set.dispose(created.session);
          break;
        }
        set.training = created.session;
        const report = await this.client.request({ type: REQUEST.TRAIN, session: created.session }, (p) => {
          this.progress.value = p.step;
          this.text.textContent = `Training ${net.label} (${i + 1} of ${nets.length}): step ${grouped(p.step)} of ${grouped(p.steps)}, `
            + `loss ${formatLoss(p.loss)}, ${formatDuration((p.steps - p.step) * p.ms_per_step)} left for this one.`;
        });
        if (gone()) break;
        set.training = null;
        if (report.step > 0) {
          const kept = { ...report, narrower: words, arch: archs[i] };
          set.adopt(i, created.session, kept);
          this.training.record(created.backend.label, archs[i], report.ms_per_step);
          this.onReport(i, kept, '');
        } else {
          set.dispose(created.session);
        }
      } catch (error) {
        if (gone()) break;
        set.training = null;
        if (created) set.dispose(created.session);
        const diverged = error.name === ERROR_NAMES.DIVERGED;
        this.onReport(i, null, diverged ? 'diverged' : 'failed');
        this.text.textContent = `Training ${net.label} here ${diverged ? 'diverged' : 'failed'}: ${error.message}`;
        if (!diverged) {
          this.show('idle');
          return;
        }
      }
    }
    if (gone()) this.text.textContent = 'Training here ended: these networks were freed (the view was left or switched).';
    else if (this.stopped) this.text.textContent = 'Stopped. The networks retrained so far answer your drawing.';
    else this.text.textContent = `Retrained ${nets.length === 1 ? `the ${target.what}` : `${nets.length} ${target.what}`} here: the figure shows ${nets.length === 1 ? 'its' : 'their'} answers and final loss beside the shipped ones.`;
    this.show('idle');
  }

  /** Stops the network training now, and the ones after it. */
  stop() {
    this.stopped = true;
    const session = this.running?.training;
    if (session === null || session === undefined) return;
    this.client.request({ type: REQUEST.STOP, session }).catch((error) => {
      this.text.textContent = `Could not stop: ${error.message}`;
    });
  }
}

/**
 * A network retrained here answering pictures of one side, as a figure's `Answers` (outputs
 * as pictures, the two correlations of each).
 * @param {import('../worker-client.js').WorkerClient} client
 * @param {number} session
 * @param {import('./figure-data.js').Picture[]} pictures all of one side
 * @returns {Promise<{outputs: import('./figure-data.js').Picture[], identity: (number|null)[], constant: (number|null)[]}>}
 */
export async function answersHere(client, session, pictures) {
  const { side } = pictures[0];
  const pixels = new Float32Array(pictures.length * side * side);
  pictures.forEach((p, i) => pixels.set(p.pixels, i * side * side));
  const answer = await client.request({ type: REQUEST.PREDICT, session, pixels, side });
  const outputs = pictures.map((_, i) => ({ side, pixels: answer.outputs.slice(i * side * side, (i + 1) * side * side) }));
  return { outputs, identity: answer.identity, constant: answer.constant };
}

/**
 * "Train it here" for a view without a drawing: retrains the networks of `nets` (the view's
 * rows) and, as each finishes, has `measure` answer with it; the view's networks come alive
 * (the other views' freed) without fetching the shipped files.
 * @param {import('./paper.js').Context} ctx
 * @param {{nets: import('./figure-data.js').Net[], seed: number, what?: string,
 *   measure: (index: number, session: number, net: import('./figure-data.js').Net) => Promise<void>,
 *   onError: (message: string) => void}} options
 *   `what`: the networks in words (default: their family); `net`: the row's network as
 *   retrained here (its label says so, with its loss and steps)
 * @returns {{element: HTMLElement, set: NetworkSet} | null} null when the page lends no training
 */
export function trainHereFor(ctx, {
  nets, seed, what = familyOf(nets), measure, onError,
}) {
  if (!ctx.training) return null;
  const set = new NetworkSet({ client: ctx.client, base: ctx.base, nets });
  const trainer = new TrainHere({
    client: ctx.client,
    sizes: ctx.sizes,
    training: ctx.training,
    onStart: (started) => ctx.keeper.use(started, { load: false }),
    onReport: async (i, report) => {
      const session = report && set.slots[i].trained?.session;
      if (!session) return;
      const net = nets[i];
      const retrained = retrainedNet(net, report);
      try {
        await measure(i, session, retrained);
      } catch (error) {
        // Freed meanwhile (the view's networks given back): nothing to measure.
        if (set.slots[i].trained?.session === session) onError(`Could not measure ${retrained.label}: ${error.message}`);
      }
    },
  });
  trainer.bind({ set, seed, what });
  return { element: trainer.element, set };
}
