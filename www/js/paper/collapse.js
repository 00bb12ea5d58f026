// Representation collapse (Fig. 9): at each layer of a network, the error rate of a simple
// classifier that labels an MNIST test image by the labels of the others, weighted by how
// much their representations at that layer correlate. Layer 0 is the raw pixels, the same for
// every network; an error near chance (0.9) means the layer has lost what told the digits
// apart. One curve per trained ConvNet, darker the deeper, and the untrained one (the deepest
// of the sweep) as a thick red band under them, as in the paper.

import { el, claimsList } from './parts.js';
import { curveChart, sequentialColors, REFERENCE_COLOR } from './curves.js';

/** `chance` of `identity_figures::collapse::Collapse::claims`: a guess among 10 digits. */
const CHANCE = 0.9;

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
  const random = curves.filter((c) => c.state === 'initial');
  const trained = curves.filter((c) => c.state === 'trained').sort((a, b) => a.depth - b.depth);
  const layers = Math.max(0, ...curves.map((c) => c.error_rate.length - 1));
  const x = Array.from({ length: layers + 1 }, (_, i) => i);
  // Each curve over every layer of the deepest: null past its own output.
  const values = (c) => x.map((i) => c.error_rate[i] ?? null);
  const colors = sequentialColors(trained.length);
  const series = [
    ...random.map((c) => ({ name: `${c.label} (untrained)`, values: values(c), color: REFERENCE_COLOR, thick: true })),
    ...trained.map((c, i) => ({ name: c.label, values: values(c), color: colors[i] })),
  ];
  const chart = curveChart({
    title: 'Error rate of the averaging classifier at each layer',
    x: { label: 'layer (0: the raw pixels)', values: x },
    y: {
      label: 'error rate on MNIST test digits', min: 0, max: 1, format: (v) => v.toFixed(3), guides: [{ value: CHANCE, label: `chance (${CHANCE})` }],
    },
    series,
  });
  shell.show(
    chart,
    el('p', {
      className: 'note',
      text: `Each of ${run.images} MNIST test digits is labelled by the labels of the other ${run.images - 1}, weighted by the correlation of their representations at the layer. `
        + 'Layer 0 is the raw pixels, the same for every network; the last point of a curve is its output. '
        + `${random.length ? 'The thick red line is an untrained network, for reference. ' : ''}The dashed line is chance: a guess among 10 digits.`,
    }),
    claimsList(claims, scale),
  );
  ctx.painted();
  return {};
}

/** The view of Fig. 9. */
export const collapseView = Object.freeze({ mount });
