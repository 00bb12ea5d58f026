// Inside the network (Fig. 8, 19-21, 29, 30). For one MNIST test digit, each layer of the
// figure's ConvNets, random or trained (Fig. 8: a random 20-layer net and trained ones of 7, 14
// and 20 layers), as a picture (the top singular vector across the channels, or one channel),
// with its correlation to the input and to the training digit. Below, the same for the
// reader's drawing: the shipped networks load when the reader reaches for the pad, and the
// worker measures their layers (a random row is its network's initial weights, rebuilt from
// its seed).

import { REQUEST } from '../protocol.js';
import { DrawingPad } from '../pad.js';
import { inputTitle } from '../gallery.js';
import { formatCorrelation } from '../verdict.js';
import {
  el, button, pictureTable, netHeader, toggle, claimsList, familyOf,
} from './parts.js';
import { readLayers } from './figure-data.js';
import { NetworkSet, STATUS } from './shipped-networks.js';
import { TrainHere, retrainedNet } from './train-here.js';

/** The drawing's layers are measured again at most this often while drawing. */
const LAYERS_INTERVAL_MS = 150;

/** The three pictures of a layer the data holds; the first is the paper's. */
const VIEWS = Object.freeze([
  Object.freeze({ key: 'top_singular', name: 'Top singular vector', words: 'the top singular vector across channels' }),
  Object.freeze({ key: 'max_correlated', name: 'Most input-like channel', words: 'the channel most correlated with the input' }),
  Object.freeze({ key: 'channel0', name: 'Channel 0', words: 'channel 0' }),
]);

/**
 * The picture table of one view of the layers.
 * @param {{networks: import('./figure-data.js').LayerNetwork[], picture: import('./figure-data.js').Picture, input: string}} shown
 *   the networks' layers for one input, its picture and the input in words
 * @param {{key: string, words: string}} view
 * @param {import('./network-size.js').NetworkSizes} sizes
 */
function layersTable({ networks, picture, input }, view, sizes) {
  const deepest = Math.max(...networks.map((n) => n.layers.length));
  return pictureTable({
    className: 'layers',
    corner: 'network',
    columns: ['input', ...Array.from({ length: deepest }, (_, i) => `layer ${i + 1}`)],
    rows: networks.map(({ network, state, layers }) => {
      const who = `${state === 'initial' ? 'Random' : 'Trained'} ${network.label}`;
      return {
        header: netHeader(network, sizes, { untrained: state === 'initial' }),
        cells: [
          { picture, label: `Input: ${input}` },
          ...Array.from({ length: deepest }, (_, i) => {
            const shown = layers[i]?.[view.key];
            if (!shown) return null;
            return /** @type {import('./parts.js').PictureCell} */ ({
              picture: shown.picture,
              label: `${who}, layer ${i + 1} (${view.words}) for ${input}: correlation ${formatCorrelation(shown.corr_input)} to the input, ${formatCorrelation(shown.corr_training)} to the training digit${shown.blur === null ? '' : `, blur ${formatCorrelation(shown.blur)}`}`,
              numbers: [
                { kind: 'identity', value: shown.corr_input, title: 'correlation to the input' },
                { kind: 'constant', value: shown.corr_training, title: 'correlation to the training digit' },
              ],
            });
          }),
        ],
      };
    }),
  });
}

/**
 * The networks of a layers figure seen on the reader's drawing: a pad, the shipped networks
 * (one per network; a random row is its net as initialised) and their layers for the drawing,
 * measured again as it changes.
 */
class DrawnLayers {
  /**
   * @param {import('./paper.js').Context} ctx
   * @param {import('./paper.js').Shell} shell the figure's
   * @param {import('./figure-data.js').Layers} run the figure's data (its networks and input)
   * @param {() => void} onChange the layers changed: draw them again
   */
  constructor(ctx, shell, run, onChange) {
    const { figure } = shell;
    this.ctx = ctx;
    this.rows = run.networks.map(({ network, state }) => ({ network, state }));
    const nets = [...new Map(this.rows.map((r) => [r.network.id ?? r.network.label, r.network])).values()];
    this.set = new NetworkSet({ client: ctx.client, base: ctx.base, nets });
    this.onChange = onChange;
    this.wanted = false;
    this.visible = false;
    /** The layers per row for the pad's version `version`, or null. */
    this.measured = null;
    this.busy = false;
    this.timer = null;
    this.hint = el('p', {
      className: 'hint',
      text: 'Your drawing, inside the networks: draw with a mouse, finger or pen; or focus the pad, then arrows move, Space paints, Shift+arrows draw a line, Ctrl+Z undoes.',
      attrs: { id: `paper-layers-pad-help-${figure}` },
    });
    const canvas = el('canvas', {
      className: 'pad', attrs: { tabindex: '0', role: 'application', 'aria-roledescription': 'drawing pad', 'aria-label': `Pad for your drawing, seen inside the networks of Fig. ${figure}`, 'aria-describedby': this.hint.id },
    });
    this.pad = new DrawingPad(canvas);
    this.pad.load(run.input_picture.pixels);
    this.status = el('p', { className: 'live-status', attrs: { 'aria-live': 'polite' } });
    this.element = el('div', { className: 'drawn-layers' }, [
      shell.heading('Your drawing, inside the same networks'),
      el('div', { className: 'drawing' }, [
        canvas,
        el('div', { className: 'pad-tools' }, [
          button('Clear', () => this.pad.clear(), { label: `Clear your drawing of Fig. ${figure}` }),
          button('Undo', () => this.pad.undo(), { label: `Undo your last stroke on Fig. ${figure}` }),
        ]),
      ]),
      this.hint, this.status,
    ]);
    const want = () => {
      this.wanted = true;
      this.use();
    };
    for (const type of ['pointerdown', 'focus']) canvas.addEventListener(type, want, { once: true });
    this.pad.addEventListener('change', () => {
      want();
      this.soon();
    });
    this.set.addEventListener('change', () => {
      this.showStatus();
      this.soon();
    });
    this.showStatus();
  }

  /** Loads the networks once the view is in sight and the reader reached for the pad. */
  use() {
    if (this.visible && this.wanted) this.ctx.keeper.use(this.set);
  }

  shown() {
    this.visible = true;
    this.use();
  }

  hidden() {
    this.visible = false;
    this.ctx.keeper.idle(this.set);
  }

  /** Where the networks stand, in words. */
  showStatus() {
    const slots = this.set.slots;
    const ready = slots.filter((s) => s.status === STATUS.READY).length;
    const loading = slots.filter((s) => s.status === STATUS.LOADING || s.status === STATUS.IMPORTING);
    const trouble = slots.filter((s) => s.status === STATUS.FAILED || s.status === STATUS.NONE);
    const mb = (b) => (b / 1e6).toFixed(1);
    const parts = [];
    if (!this.wanted) parts.push('Draw on the pad: the networks load when you do.');
    if (loading.length) {
      const [got, of] = loading.reduce(([g, t], s) => [g + s.loaded, t + (s.total ?? 0)], [0, 0]);
      parts.push(`Loading ${loading.length} network${loading.length > 1 ? 's' : ''}: ${mb(got)}${of ? ` of ${mb(of)}` : ''} MB.`);
    }
    if (this.wanted && !loading.length && ready === slots.length) parts.push('Every network answers your drawing.');
    for (const s of trouble) parts.push(`${s.net.label}: ${s.message || 'not shipped'}.`);
    this.status.textContent = parts.join(' ');
  }

  /** Measures the drawing's layers again soon (at most every LAYERS_INTERVAL_MS). */
  soon() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.measure();
    }, LAYERS_INTERVAL_MS);
  }

  /** The layers of every row whose network is ready, for the pad as it is now. */
  async measure() {
    if (this.busy) {
      this.soon();
      return;
    }
    const version = this.pad.version;
    // A network retrained here answers in place of the shipped one.
    const key = (net) => net.id ?? net.label;
    const sessions = new Map(this.set.slots
      .map((s) => [key(s.net), s.trained?.session ?? s.session, s.trained?.session ? s.trained.report : null])
      .filter(([, session]) => session !== null && session !== undefined)
      .map(([k, session, report]) => [k, { session, report }]));
    const rows = this.rows.filter((r) => sessions.has(key(r.network)));
    // Measured again when the drawing or the networks answering it changed.
    const signature = `${version}:${[...sessions.values()].map((s) => s.session).join(',')}`;
    if (!rows.length || this.measured?.signature === signature) return;
    this.busy = true;
    const pixels = this.pad.pixels();
    try {
      const networks = await Promise.all(rows.map(async ({ network, state }) => {
        const { session, report } = sessions.get(key(network));
        // The random row is the same network before training, retrained or not (same seed).
        const retrained = report && state === 'trained';
        return {
          network: retrained ? retrainedNet(network, report) : network,
          state,
          layers: readLayers(await this.ctx.client.request({
            type: REQUEST.LAYERS, session, pixels: pixels.slice(), side: this.pad.side, initial: state === 'initial',
          })),
        };
      }));
      this.measured = { signature, networks, picture: { side: this.pad.side, pixels } };
      this.onChange();
    } catch (error) {
      // A network freed meanwhile (the view left, or room made) is measured when it is back.
      if (this.set.slots.every((s) => s.session !== null)) this.status.textContent = `The layers of your drawing could not be measured: ${error.message}`;
    } finally {
      this.busy = false;
      if (this.pad.version !== version || this.set.slots.some((s) => s.status === STATUS.READY && !sessions.has(key(s.net)))) this.soon();
    }
  }
}

/**
 * Mounts a layers figure.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  const { run, claims, scale } = await ctx.load(shell.figure, 'layers');
  const note = el('p', { className: 'note', text: 'Each map is stretched to black..white. Under it: its correlation to the input (green) and to the training digit (pink). The last layer is the output.' });
  const digit = { networks: run.networks, picture: run.input_picture, input: `${inputTitle(run.input)}, a ${run.input_label}` };
  let current = VIEWS[0];
  // Stable boxes: the pad stays in place (and keeps its stroke) while the tables change.
  const digitBox = el('div');
  const mineBox = el('div');
  const paintMine = () => mineBox.replaceChildren(...(drawn.measured ? [layersTable({ ...drawn.measured, input: 'your drawing' }, current, ctx.sizes)] : []));
  const drawn = new DrawnLayers(ctx, shell, run, paintMine);
  const show = (view) => {
    current = view;
    digitBox.replaceChildren(layersTable(digit, view, ctx.sizes));
    paintMine();
  };
  shell.controls.append(toggle('Picture of each layer', VIEWS.map((v) => v.name), VIEWS[0].name, (name) => show(VIEWS.find((v) => v.name === name))));
  if (ctx.training) {
    const trainer = new TrainHere({
      client: ctx.client,
      sizes: ctx.sizes,
      training: ctx.training,
      onStart: (set) => ctx.keeper.use(set, { load: false }),
      onReport: () => drawn.soon(),
    });
    shell.controls.append(trainer.element);
    trainer.bind({ set: drawn.set, seed: run.seed, what: familyOf(drawn.set.slots.map((slot) => slot.net)) });
  }
  // The first table before the figure is shown: shown means its tables are built.
  show(VIEWS[0]);
  shell.show(digitBox, note, drawn.element, mineBox, claimsList(claims, scale));
  ctx.painted();
  return { shown: () => drawn.shown(), hidden: () => drawn.hidden() };
}

/** The view of the layers figures. */
export const layersView = Object.freeze({ mount });
