// How far training moved each layer's parameters (Fig. 16: ConvNets, 17: linear FCNs, 18:
// ReLU FCNs): the relative l2 distance ||W0 - W*|| / ||W0|| of each layer's weights (or biases)
// before and after training, bottom layer first, one curve per network, darker the deeper.
// The top layer moves far more than the rest, so the paper cuts its y axis off; here a log y
// axis shows the lower layers instead. "Train it here" retrains the figure's networks in the
// worker and measures the same changes from them (dashed, beside the shipped curves).

import { REQUEST } from '../protocol.js';
import { el, claimsList, toggle } from './parts.js';
import { curveChart, sequentialColors } from './curves.js';
import { readChanges } from './figure-data.js';
import { trainHereFor } from './train-here.js';

/** The parameters a chart shows: key of `LayerChange`, and its name. */
const PARAMETERS = Object.freeze([
  Object.freeze({ key: 'weight', name: 'weights' }),
  Object.freeze({ key: 'bias', name: 'biases' }),
]);

/** The y axes. */
const AXES = Object.freeze(['linear', 'log']);

/**
 * A toggle with its name written before it (the group is named by its aria-label).
 * @param {string} name
 * @param {HTMLElement} group a toggle() of parts.js
 * @returns {HTMLElement}
 */
function named(name, group) {
  return el('div', { className: 'toggle-named' }, [el('span', { className: 'toggle-name', text: name, attrs: { 'aria-hidden': 'true' } }), group]);
}

/**
 * Mounts Fig. 16, 17 or 18.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  const { run, claims, scale } = await ctx.load(shell.figure, 'weight_change');
  /** @type {import('./figure-data.js').ChangeRow[]} */
  const rows = run.rows;
  const layers = Math.max(0, ...rows.map((r) => r.changes.length));
  const x = Array.from({ length: layers }, (_, i) => i + 1);
  const colors = sequentialColors(rows.length);
  // The linear FCNs have no biases: no chart of them.
  const shown = PARAMETERS.filter((p) => rows.some((r) => r.changes.some((c) => Number.isFinite(c[p.key]))));
  let parameters = shown[0] ?? PARAMETERS[0];
  let axis = AXES[0];

  const box = el('div');
  const paint = () => {
    box.replaceChildren(curveChart({
      title: `Relative change of each layer's ${parameters.name} in training`,
      x: { label: 'layer (1: the bottom)', values: x },
      y: {
        label: `\u2016W\u2070 \u2212 W*\u2016 / \u2016W\u2070\u2016 of the layer's ${parameters.name}`, min: axis === 'log' ? undefined : 0, log: axis === 'log',
      },
      series: [
        ...rows.map((r, i) => ({ name: r.network.label, values: x.map((_, k) => r.changes[k]?.[parameters.key] ?? null), color: colors[i] })),
        ...[...live.keys()].sort((a, b) => a - b).map((i) => ({
          name: live.get(i).network.label, values: x.map((_, k) => live.get(i).changes[k]?.[parameters.key] ?? null), color: colors[i], dashed: true,
        })),
      ],
    }));
  };
  // The networks retrained here, by row, with their changes.
  const live = new Map();
  const notes = el('div');
  const here = trainHereFor(ctx, {
    nets: rows.map((r) => r.network),
    seed: run.seed,
    measure: async (i, session, network) => {
      live.set(i, { network, changes: readChanges(await ctx.client.request({ type: REQUEST.WEIGHT_CHANGE, session })) });
      paint();
    },
    onError: (message) => notes.append(el('p', { className: 'note', text: message })),
  });
  paint();
  if (shown.length > 1) {
    shell.controls.append(named('change of the', toggle('Parameters shown', shown.map((p) => p.name), parameters.name, (name) => {
      parameters = shown.find((p) => p.name === name);
      paint();
    })));
  }
  shell.controls.append(named('y axis', toggle('y axis', AXES, axis, (chosen) => {
    axis = chosen;
    paint();
  })));
  if (here) shell.controls.append(here.element);
  const noBiases = shown.length === 1 && shown[0].key === 'weight';
  shell.show(
    box,
    notes,
    el('p', {
      className: 'note',
      text: "Each point: how far training moved a layer's parameters, as the l2 distance between their initial values W\u2070 and their trained values W*, relative to the norm of W\u2070. "
        + `In most networks the top layer moves most: the log y axis shows the lower layers better.${noBiases ? ' These networks have no biases.' : ''}`,
    }),
    claimsList(claims, scale),
  );
  ctx.painted();
  return { hidden: () => here && ctx.keeper.idle(here.set) };
}

/** The view of Fig. 16-18. */
export const weightChangeView = Object.freeze({ mount });
