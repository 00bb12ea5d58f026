// Representation collapse (Fig. 9): at each layer of a network, the error rate of the paper's
// simple classifier, which labels an MNIST test digit by the labels of other digits weighted
// by how much their representations at that layer correlate. Layer 0 is the raw pixels, the
// same for every network; an error near chance (0.9) means the layer has lost what told the
// digits apart. One curve per trained ConvNet, darker the deeper, and the deepest one before
// training as a thick red band under them, as in the paper.

import { el, claimsList } from './parts.js';
import { CHANCE_ERROR } from '../rules.js';
import { curveChart, sequentialColors, REFERENCE_COLOR } from './curves.js';

/**
 * Mounts Fig. 9.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  const { run, claims, scale } = await ctx.load(shell.figure, 'collapse');
  /** @type {import('./figure-data.js').CollapseCurve[]} */
  const curves = run.curves;
  const trained = [...curves].sort((a, b) => a.depth - b.depth);
  const deepest = trained.at(-1);
  const layers = Math.max(0, ...curves.map((c) => c.error_rate.length - 1));
  const x = Array.from({ length: layers + 1 }, (_, i) => i);
  // Each curve over every layer of the deepest: null past its own output.
  const values = (/** @type {(number | null)[]} */ rates) => x.map((i) => rates[i] ?? null);
  const colors = sequentialColors(trained.length);
  const series = [
    ...(deepest ? [{ name: `${deepest.label} (untrained)`, values: values(deepest.initial_error_rate), color: REFERENCE_COLOR, thick: true }] : []),
    ...trained.map((c, i) => ({ name: c.label, values: values(c.error_rate), color: colors[i] })),
  ];
  const chart = curveChart({
    title: 'Error rate of the averaging classifier at each layer',
    x: { label: 'layer (0: the raw pixels)', values: x },
    y: {
      label: 'error rate on MNIST test digits', min: 0, max: 1, format: (v) => v.toFixed(3), guides: [{ value: CHANCE_ERROR, label: `chance (${CHANCE_ERROR})` }],
    },
    series,
  });
  shell.show(
    chart,
    el('p', {
      className: 'note',
      text: `Each of ${run.queries} MNIST test digits is labelled by the labels of ${run.references} others, weighted by the correlation of their representations at the layer. `
        + 'Layer 0 is the raw pixels, the same for every network; the last point of a curve is its output. '
        + `${deepest ? `The thick red line is the ${deepest.label} before training, for reference. ` : ''}The dashed line is chance: a guess among 10 digits.`,
    }),
    claimsList(claims, scale),
  );
  ctx.painted();
  return {};
}

/** The view of Fig. 9. */
export const collapseView = Object.freeze({ mount });
