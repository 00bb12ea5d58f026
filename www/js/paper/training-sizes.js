// ConvNets trained on the digit resized to other sides (Fig. 13): by depth, the mean over rho
// of a heatmap row as in Fig. 7 (random inputs of the training side, rho their correlation to
// the training digit), one curve per training side. Two charts, side by side where there is
// room: the correlation of the answers to the training digit (constant), and to the input
// (identity). The paper finds the smaller sides more constant and less identity.

import { formatCorrelation } from '../verdict.js';
import { el, claimsList } from './parts.js';
import { curveChart, sequentialColors } from './curves.js';

/** The two charts, as in the paper: the constant first. */
const CHARTS = Object.freeze([
  Object.freeze({ key: 'mean_constant', title: 'Correlation to the training digit (constant)' }),
  Object.freeze({ key: 'mean_identity', title: 'Correlation to the input (identity)' }),
]);

/**
 * A training side for people.
 * @param {number} side
 * @returns {string}
 */
function sideName(side) {
  return `${side} \u00d7 ${side} px`;
}

/**
 * Mounts Fig. 13.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  const { run, claims, scale } = await ctx.load(shell.figure, 'training_sizes');
  /** @type {import('./figure-data.js').SideCurve[]} */
  const curves = [...run.curves].sort((a, b) => a.side - b.side);
  const colors = sequentialColors(curves.length);
  const charts = CHARTS.map(({ key, title }) => curveChart({
    title,
    x: { label: 'depth (layers)', values: run.depths, ticks: run.depths },
    y: { label: 'mean correlation over \u03c1', min: 0, max: 1, format: formatCorrelation },
    series: curves.map((c, i) => ({ name: `trained at ${sideName(c.side)}`, values: c[key], color: colors[i] })),
  }));
  const rhos = run.rhos.length ? ` (${run.rhos.length} values from ${run.rhos[0]} to ${run.rhos[run.rhos.length - 1]})` : '';
  shell.show(
    el('div', { className: 'chart-pair' }, charts),
    el('p', {
      className: 'note',
      text: `Each point: a ConvNet of that depth trained on the digit resized to the side of its curve, answering random inputs of that side whose correlation to the digit is \u03c1; `
        + `the mean over \u03c1${rhos} of the correlation of its answers to the training digit, then to the input. Darker curves: larger training images.`,
    }),
    claimsList(claims, scale),
  );
  ctx.painted();
  return {};
}

/** The view of Fig. 13. */
export const trainingSizesView = Object.freeze({ mount });
