// "Train it here": the networks of a view retrained live in the worker, one after another,
// from the same architectures and the training defaults the worker describes. The expected
// time comes first (the training panel's estimator), then progress and a way to stop; each
// retrained network's final loss goes beside the shipped one, and it answers the drawing.

import { REQUEST, ERROR_NAMES } from '../protocol.js';
import { formatDuration, lossEvery } from '../estimate.js';
import { el, button, formatLoss } from './parts.js';

/**
 * What the page lends a view for training: the backend preference, the expected speed of a
 * network there (the training panel's estimate) and a place to record the measured one.
 * @typedef {{backend: () => string,
 *   estimate: (arch: import('./figure-data.js').ArchConfig) => {msPerStep: number, where: string, measured: boolean},
 *   record: (backendLabel: string, arch: import('./figure-data.js').ArchConfig, msPerStep: number) => void}} Training
 */

/** The "Train it here" controls of a view. */
export class TrainHere {
  /**
   * @param {{client: import('../worker-client.js').WorkerClient, sizes: import('./network-size.js').NetworkSizes,
   *   training: Training, onReport: (index: number, report: object | null, note: string) => void}} options
   *   `onReport`: a row's network finished training here (report null: it failed, `note` says why)
   */
  constructor({ client, sizes, training, onReport }) {
    Object.assign(this, { client, sizes, training, onReport });
    /** The networks the button retrains: {set, seed, what}. */
    this.target = null;
    /** The plan shown, waiting for "Start training": {target, nets, described, speeds}. */
    this.planned = null;
    /** The set whose networks are training, and whether the reader stopped it. */
    this.running = null;
    this.stopped = false;
    this.trainButton = button('Train it here', () => this.plan());
    this.startButton = button('Start training', () => this.start(), { className: 'primary' });
    this.cancelButton = button('Cancel', () => this.closePlan());
    this.stopButton = button('Stop training here', () => this.stop(), { className: '' });
    this.text = el('p', { className: 'train-text', attrs: { 'aria-live': 'polite' } });
    this.progress = el('progress', { attrs: { max: '1', value: '0', 'aria-label': 'Training here: progress' } });
    this.element = el('div', { className: 'train-here' }, [
      el('div', { className: 'actions' }, [this.trainButton, this.startButton, this.cancelButton, this.stopButton]),
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

  /** Works out and shows the expected time, and offers to start. */
  async plan() {
    const target = this.target;
    this.show('planning');
    this.text.textContent = 'Working out how long it takes here\u2026';
    try {
      const nets = target.set.slots.map((s) => s.net);
      const described = await Promise.all(nets.map((n) => this.sizes.describe(n.arch)));
      if (target !== this.target) return;
      const speeds = nets.map((n) => this.training.estimate(n.arch));
      const total = speeds.reduce((sum, s, i) => sum + s.msPerStep * described[i].train.steps, 0);
      const steps = [...new Set(described.map((d) => d.train.steps))].map((s) => s.toLocaleString('en-US')).join(' or ');
      const how = speeds.every((s) => s.measured) ? 'as measured here' : 'a guess until a network of that size has trained here';
      this.text.textContent = `Retrain the ${nets.length} ${target.what} here, one after another, on ${speeds[0].where}: up to ${steps} steps each, `
        + `${formatDuration(total)} in all (${how}). They answer your drawing as each finishes.`;
      this.planned = { target, nets, described, speeds };
      this.show('planned');
    } catch (error) {
      this.text.textContent = `Could not plan the training: ${error.message}`;
      this.show('idle');
    }
  }

  /** Trains the planned networks one after another, until done, stopped or the set is freed. */
  async start() {
    const { target, nets, described, speeds } = this.planned;
    const { set, seed } = target;
    const generation = set.generation;
    const gone = () => generation !== set.generation;
    this.stopped = false;
    this.running = set;
    this.show('training');
    for (let i = 0; i < nets.length && !this.stopped && !gone(); i++) {
      const net = nets[i];
      const steps = described[i].train.steps;
      this.progress.max = steps;
      this.progress.value = 0;
      this.text.textContent = `Building ${net.label} (${i + 1} of ${nets.length})\u2026`;
      let created = null;
      try {
        created = await this.client.request({
          type: REQUEST.CREATE, arch: net.arch, train: { seed, loss_every: lossEvery(speeds[i].msPerStep) }, backend: this.training.backend(),
        });
        if (gone()) {
          set.dispose(created.session);
          break;
        }
        set.training = created.session;
        const report = await this.client.request({ type: REQUEST.TRAIN, session: created.session }, (p) => {
          this.progress.value = p.step;
          this.text.textContent = `Training ${net.label} (${i + 1} of ${nets.length}): step ${p.step.toLocaleString('en-US')} of ${p.steps.toLocaleString('en-US')}, `
            + `loss ${formatLoss(p.loss)}, ${formatDuration((p.steps - p.step) * p.ms_per_step)} left for this one.`;
        });
        if (gone()) break;
        set.training = null;
        if (report.step > 0) {
          set.adopt(i, created.session, report);
          this.training.record(created.backend.label, net.arch, report.ms_per_step);
          this.onReport(i, report, '');
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
    else this.text.textContent = `Retrained ${nets.length} ${target.what} here: their final loss is beside the shipped one, and they answer your drawing.`;
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
