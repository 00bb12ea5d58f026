// The rho heatmaps (Fig. 5: FCNs, 7: ConvNets, 25: kernels, 27: channels; 31-33 the same in
// mean squared error): rows are networks, columns rho, the correlation of random inputs to the
// training digit; each cell is the mean correlation of the network's answers to the training
// digit (constant) or to the input (identity), coloured and written out, or their mean squared
// error (a toggle shows the other measure). "Train it here" retrains the figure's networks in
// the worker and measures the same heatmap rows from them (the same rho grid and probes), shown
// below the shipped ones.

import { REQUEST } from '../protocol.js';
import { correlationColor, needsLightText, IDENTITY_RGB, CONSTANT_RGB } from '../palette.js';
import { formatCorrelation } from '../verdict.js';
import {
  el, netHeader, claimsList, scrollBox, toggle, FAMILIES,
} from './parts.js';
import { trainHereFor } from './train-here.js';

/** The two maps of each family, as in the paper: the constant first. */
const MAPS = Object.freeze([
  Object.freeze({ key: 'constant', what: 'the training digit (constant)', rgb: CONSTANT_RGB }),
  Object.freeze({ key: 'identity', what: 'the input (identity)', rgb: IDENTITY_RGB }),
]);

/** The measures a heatmap shows: the figure's own first, the other one a toggle away. */
const MEASURES = Object.freeze({ correlation: 'Correlation', mse: 'Mean squared error' });

/**
 * The largest mean squared error of a heatmap, over both maps: an error's cell is shaded by
 * how far below it the error is (the darker, the closer the answers to that map).
 * @param {import('./figure-data.js').HeatmapRow[]} rows
 */
function worstError(rows) {
  return Math.max(...rows.flatMap((row) => [...row.mse_constant, ...row.mse_identity]));
}

/**
 * One map of one family: rows are networks, columns rho.
 * @param {import('./figure-data.js').HeatmapRow[]} rows
 * @param {import('./figure-data.js').Heatmap} run
 * @param {{key: string, what: string, rgb: readonly number[]}} map
 * @param {import('./network-size.js').NetworkSizes} sizes
 * @param {string} measure a key of MEASURES
 */
function mapTable(rows, run, map, sizes, measure) {
  const mse = measure === 'mse';
  const worst = mse ? worstError(run.rows) : 1;
  const values = (row) => (mse ? row[`mse_${map.key}`] : row[map.key]);
  const words = mse ? `mean squared error to ${map.what}` : `mean correlation to ${map.what}`;
  const head = el('tr', {}, [el('th', { text: 'network', attrs: { scope: 'col' } }), ...run.rhos.map((rho) => el('th', { text: `\u03c1 ${rho}`, attrs: { scope: 'col' } }))]);
  const body = rows.map((row) => el('tr', {}, [
    el('th', { attrs: { scope: 'row' } }, [netHeader(row.network, sizes)]),
    ...values(row).map((value, i) => {
      const shown = mse ? value.toExponential(1) : formatCorrelation(value);
      const td = el('td', { className: mse ? 'error' : '', text: shown, attrs: { title: `${row.network.label}, \u03c1 = ${run.rhos[i]}: ${words} ${shown}` } });
      const shade = mse ? (worst > 0 ? 1 - value / worst : 1) : value ?? NaN;
      td.style.background = correlationColor(shade, map.rgb);
      if (needsLightText(shade, map.rgb)) td.classList.add('light');
      return td;
    }),
  ]));
  const title = words[0].toUpperCase() + words.slice(1);
  return el('div', { className: 'heatmap-map' }, [
    el('p', { className: 'map-title', text: mse ? `${title} (the darker, the smaller)` : title }),
    scrollBox(el('table', { className: 'heatmap' }, [el('thead', {}, [head]), el('tbody', {}, body)]), title),
  ]);
}

/**
 * Mounts a heatmap figure.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  const { run, claims, scale } = await ctx.load(shell.figure, 'heatmap');
  /** @type {string} a key of MEASURES: the figure's own, or the other one once toggled */
  let measure = run.measure;
  const families = (rows, retrained) => Object.keys(FAMILIES)
    .map((arch) => [arch, rows.filter((r) => r.network.arch.arch === arch)])
    .filter(([, shown]) => shown.length > 0)
    .map(([arch, shown]) => el('div', { className: 'heatmap-family' }, [
      el('p', { className: 'family-title', text: `${FAMILIES[arch]}${retrained ? ', retrained here' : ''}` }),
      el('div', { className: 'heatmap-pair' }, MAPS.map((map) => mapTable(shown, run, map, ctx.sizes, measure))),
    ]));
  const sense = run.probes === 'cosine' ? 'cosine (uncentred)' : 'Pearson (centred)';
  // The rows measured from networks retrained here, by row index; shown below the shipped.
  const live = new Map();
  const shippedBox = el('div', {}, families(run.rows, false));
  const liveBox = el('div', { className: 'retrained' });
  const paintLive = () => liveBox.replaceChildren(...(live.size ? families([...live.keys()].sort((a, b) => a - b).map((i) => live.get(i)), true) : []));
  const here = trainHereFor(ctx, {
    nets: run.rows.map((r) => r.network),
    seed: run.seed,
    measure: async (i, session, network) => {
      const measured = await ctx.client.request({
        type: REQUEST.HEATMAP, session, rhos: run.rhos, perRho: run.probes_per_rho, probes: run.probes ?? 'pearson',
      });
      live.set(i, { network, ...measured });
      paintLive();
    },
    onError: (message) => liveBox.append(el('p', { className: 'note', text: message })),
  });
  // The MSE figures (31-33) show the correlation a toggle away, as the paper's Fig. 5 and 7.
  if (run.measure === 'mse') {
    const order = [run.measure, ...Object.keys(MEASURES).filter((m) => m !== run.measure)];
    shell.controls.append(toggle('Measure', order.map((m) => MEASURES[m]), MEASURES[measure], (name) => {
      measure = order.find((m) => MEASURES[m] === name);
      shippedBox.replaceChildren(...families(run.rows, false));
      paintLive();
    }));
  }
  if (here) shell.controls.append(here.element);
  shell.show(
    shippedBox,
    el('p', { className: 'note', text: `\u03c1 in the ${sense} sense; each cell is the mean over ${run.probes_per_rho} random inputs. At \u03c1 = 1 the input is the training digit itself.` }),
    liveBox,
    claimsList(claims, scale),
  );
  ctx.painted();
  return { hidden: () => here && ctx.keeper.idle(here.set) };
}

/** The view of the heatmap figures. */
export const heatmapView = Object.freeze({ mount });
