// The upper sub-networks of trained ConvNets (Fig. 12: the top layer alone, Fig. 23: the top
// two, Fig. 24: the top 3, 6 and 10 of the 20-layer net): the test row fed straight into the
// layers used (repeated across the channels of the first of them), skipping those below. The
// first row is the inputs, then one row per cut, with the answers and their correlations, and
// "Your drawing", fed to the same layers of every network that ships (live-rows.js).

import { REQUEST } from '../protocol.js';
import { inputTitle } from '../gallery.js';
import {
  el, netHeader, answerCells, claimsList,
} from './parts.js';
import { liveRows } from './live-rows.js';

/**
 * A ConvNet's depth (or an FCN's layers, its output included).
 * @param {import('./figure-data.js').Net} net
 * @returns {number}
 */
function layersOf(net) {
  return net.arch.arch === 'conv' ? net.arch.depth : net.arch.hidden.length + 1;
}

/**
 * What a cut is, for people: the whole network ("20 layers"), the layers that answer ("layers
 * 18-20", "layer 20 only") and who answers, for its pictures' names ("The 20-layer
 * ConvNet's top 3 layers (18-20)").
 * @param {import('./figure-data.js').Cut} cut
 * @returns {{network: string, used: string, who: string}}
 */
function cutNames(cut) {
  const depth = layersOf(cut.network);
  const last = cut.first_layer + cut.layers_used - 1;
  // A range that does not break across lines (word joiners around the dash).
  const range = `${cut.first_layer}\u2060\u2013\u2060${last}`;
  const kind = cut.network.arch.arch === 'conv' ? 'ConvNet' : 'network';
  const one = cut.layers_used === 1;
  return {
    network: `${depth} layer${depth === 1 ? '' : 's'}`,
    used: one ? `layer ${last} only` : `layers ${range}`,
    who: `The ${depth}-layer ${kind}'s ${one ? `top layer (${last})` : `top ${cut.layers_used} layers (${range})`}`,
  };
}

/**
 * A cut's row header: the whole network's name, size and loss, and under its name the layers
 * that answer.
 * @param {import('./figure-data.js').Cut} cut
 * @param {{network: string, used: string}} names
 * @param {import('./network-size.js').NetworkSizes} sizes
 * @returns {HTMLElement}
 */
function cutHeader(cut, { network, used }, sizes) {
  const header = netHeader({ ...cut.network, label: network }, sizes);
  header.querySelector('.name').after(el('span', { className: 'cut', text: used }));
  return header;
}

/**
 * Mounts Fig. 12, 23 or 24.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  const { run, claims, scale } = await ctx.load(shell.figure, 'upper_subnetworks');
  const names = run.inputs.names.map(inputTitle);
  /** @type {import('./figure-data.js').Cut[]} */
  const cuts = run.rows;
  const { box, hint, handle } = liveRows(shell, ctx, {
    inputs: run.inputs,
    seed: run.seed,
    corner: 'network, layers used',
    rows: cuts.map((cut) => {
      const cutNamed = cutNames(cut);
      return { network: cut.network, header: cutHeader(cut, cutNamed, ctx.sizes), cells: answerCells(cut.answers, names, cutNamed.who) };
    }),
    ask: (index) => ({ type: REQUEST.PREDICT_UPPER, firstLayer: cuts[index].first_layer }),
  });
  shell.show(
    box,
    el('p', {
      className: 'note',
      text: 'Each row: the top layers of a trained ConvNet, fed the inputs directly (each input repeated across the channels of the first layer used), skipping the layers below. '
        + 'Under its name: the layers used; its size and loss are those of the whole network. Under each answer: its correlation to the input (identity, green) and to the training digit (constant, pink). Scroll sideways for more inputs.',
    }),
    hint,
    claimsList(claims, scale),
  );
  ctx.painted();
  return handle;
}

/** The view of Fig. 12, 23 and 24. */
export const upperSubnetworksView = Object.freeze({ mount });
