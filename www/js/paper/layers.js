// Fig. 8: inside the network. For one MNIST test digit, each layer of a random 20-layer ConvNet
// and of trained ConvNets of 7, 14 and 20 layers, as a picture (the top singular vector across
// the channels, or one channel), with its correlation to the input and to the training digit.

import { inputTitle } from '../gallery.js';
import { formatCorrelation } from '../verdict.js';
import {
  el, pictureTable, netHeader, toggle, claimsList,
} from './parts.js';

/** The three pictures of a layer the data holds; the first is the paper's. */
const VIEWS = Object.freeze([
  Object.freeze({ key: 'top_singular', name: 'Top singular vector', words: 'the top singular vector across channels' }),
  Object.freeze({ key: 'max_correlated', name: 'Most input-like channel', words: 'the channel most correlated with the input' }),
  Object.freeze({ key: 'channel0', name: 'Channel 0', words: 'channel 0' }),
]);

/**
 * The caption of Fig. 8.
 * @returns {string}
 */
function caption() {
  return 'Fig. 8: the layers of a random 20-layer ConvNet (top row) and of trained ConvNets of 7, 14 and 20 layers, '
    + 'for one test digit: a picture per layer, with its correlation to the input and to the training digit.';
}

/**
 * The picture table of one view of the layers.
 * @param {import('./figure-data.js').Layers} run
 * @param {{key: string, words: string}} view
 * @param {import('./network-size.js').NetworkSizes} sizes
 */
function layersTable(run, view, sizes) {
  const deepest = Math.max(...run.networks.map((n) => n.layers.length));
  const input = inputTitle(run.input);
  return pictureTable({
    className: 'layers',
    corner: 'network',
    columns: ['input', ...Array.from({ length: deepest }, (_, i) => `layer ${i + 1}`)],
    rows: run.networks.map(({ network, state, layers }) => {
      const who = `${state === 'initial' ? 'Random' : 'Trained'} ${network.label}`;
      return {
        header: netHeader(network, sizes, { untrained: state === 'initial' }),
        cells: [
          { picture: run.input_picture, label: `Input: ${input}, a ${run.input_label}` },
          ...Array.from({ length: deepest }, (_, i) => {
            const shown = layers[i]?.[view.key];
            if (!shown) return null;
            return {
              picture: shown.picture,
              label: `${who}, layer ${i + 1} (${view.words}): correlation ${formatCorrelation(shown.corr_input)} to the input, ${formatCorrelation(shown.corr_training)} to the training digit`,
              numbers: [
                { kind: 'identity', value: shown.corr_input, title: 'correlation to the input' },
                { kind: 'constant', value: shown.corr_training, title: 'correlation to the training digit' },
              ],
            };
          }),
        ],
      };
    }),
  }).box;
}

/**
 * Mounts Fig. 8.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  shell.caption(8, caption());
  const { run, claims, scale } = await ctx.load(8, 'layers');
  const note = el('p', { className: 'note', text: 'Each map is stretched to black..white. Under it: its correlation to the input (green) and to the training digit (pink). The last layer is the output.' });
  const show = (view) => shell.show(layersTable(run, view, ctx.sizes), note, claimsList(claims, scale));
  shell.controls.append(toggle('Picture of each layer', VIEWS.map((v) => v.name), VIEWS[0].name, (name) => show(VIEWS.find((v) => v.name === name))));
  show(VIEWS[0]);
  ctx.painted();
  return {};
}

/** The view of Fig. 8. */
export const layersView = Object.freeze({ caption, mount });
