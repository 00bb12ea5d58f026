// The rho heatmaps (Fig. 5: FCNs, Fig. 7: ConvNets): rows are networks by depth, columns rho,
// the correlation of random inputs to the training digit; each cell is the mean correlation of
// the network's answers to the training digit (constant) or to the input (identity), coloured
// and written out. "Train it here" retrains the figure's networks in the worker and measures
// the same heatmap rows from them (the same rho grid and probes), shown below the shipped ones.

import { REQUEST } from '../protocol.js';
import { correlationColor, needsLightText, IDENTITY_RGB, CONSTANT_RGB } from '../palette.js';
import { formatCorrelation } from '../verdict.js';
import { el, netHeader, claimsList, scrollBox } from './parts.js';
import { trainHereFor } from './train-here.js';

/** The families of networks, in the order the paper shows them, and their names. */
const FAMILIES = Object.freeze({ relu: 'ReLU FCNs', linear: 'linear FCNs', conv: 'ConvNets' });

/** The two maps of each family, as in the paper: the constant first. */
const MAPS = Object.freeze([
  Object.freeze({ key: 'constant', title: 'correlation to the training digit (constant)', rgb: CONSTANT_RGB }),
  Object.freeze({ key: 'identity', title: 'correlation to the input (identity)', rgb: IDENTITY_RGB }),
]);

/**
 * The caption of a heatmap figure.
 * @param {number} figure 5 or 7
 * @returns {string}
 */
function caption(figure) {
  const what = figure === 5 ? 'fully connected networks (ReLU and linear)' : 'ConvNets';
  return `Fig. ${figure}: ${what} by depth, answering random inputs whose correlation to the training digit is \u03c1 (columns).`;
}

/**
 * One map of one family: rows are networks, columns rho.
 * @param {import('./figure-data.js').HeatmapRow[]} rows
 * @param {import('./figure-data.js').Heatmap} run
 * @param {{key: string, title: string, rgb: readonly number[]}} map
 * @param {import('./network-size.js').NetworkSizes} sizes
 */
function mapTable(rows, run, map, sizes) {
  const mse = run.measure === 'mse';
  const values = (row) => (mse ? row[`mse_${map.key}`] : row[map.key]);
  const head = el('tr', {}, [el('th', { text: 'network', attrs: { scope: 'col' } }), ...run.rhos.map((rho) => el('th', { text: `\u03c1 ${rho}`, attrs: { scope: 'col' } }))]);
  const body = rows.map((row) => el('tr', {}, [
    el('th', { attrs: { scope: 'row' } }, [netHeader(row.network, sizes)]),
    ...values(row).map((value, i) => {
      const shown = mse ? value.toExponential(1) : formatCorrelation(value);
      const td = el('td', { text: shown, attrs: { title: `${row.network.label}, \u03c1 = ${run.rhos[i]}: ${mse ? 'mean squared error' : 'mean'} ${map.title} ${shown}` } });
      if (!mse) {
        td.style.background = correlationColor(value ?? NaN, map.rgb);
        if (needsLightText(value ?? NaN, map.rgb)) td.classList.add('light');
      }
      return td;
    }),
  ]));
  const title = `${mse ? 'Mean squared error' : 'Mean'} ${map.title}`;
  return el('div', { className: 'heatmap-map' }, [
    el('p', { className: 'map-title', text: title }),
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
  shell.caption(shell.figure, caption(shell.figure));
  const { run, claims, scale } = await ctx.load(shell.figure, 'heatmap');
  const families = (rows, retrained) => Object.keys(FAMILIES)
    .map((arch) => [arch, rows.filter((r) => r.network.arch.arch === arch)])
    .filter(([, shown]) => shown.length > 0)
    .map(([arch, shown]) => el('div', { className: 'heatmap-family' }, [
      el('p', { className: 'family-title', text: `${FAMILIES[arch]}${retrained ? ', retrained here' : ''}` }),
      el('div', { className: 'heatmap-pair' }, MAPS.map((map) => mapTable(shown, run, map, ctx.sizes))),
    ]));
  const sense = run.probes === 'cosine' ? 'cosine (uncentred)' : 'Pearson (centred)';
  // The rows measured from networks retrained here, by row index; shown below the shipped.
  const live = new Map();
  const liveBox = el('div', { className: 'retrained' });
  const paintLive = () => liveBox.replaceChildren(...(live.size ? families([...live.keys()].sort((a, b) => a - b).map((i) => live.get(i)), true) : []));
  const here = trainHereFor(ctx, {
    nets: run.rows.map((r) => r.network),
    seed: run.seed,
    what: shell.figure === 5 ? 'FCNs' : 'ConvNets',
    measure: async (i, session, network) => {
      const measured = await ctx.client.request({
        type: REQUEST.HEATMAP, session, rhos: run.rhos, perRho: run.probes_per_rho, probes: run.probes ?? 'pearson',
      });
      live.set(i, { network, ...measured });
      paintLive();
    },
    onError: (message) => liveBox.append(el('p', { className: 'note', text: message })),
  });
  if (here) shell.controls.append(here.element);
  shell.show(
    ...families(run.rows, false),
    el('p', { className: 'note', text: `\u03c1 in the ${sense} sense; each cell is the mean over ${run.probes_per_rho} random inputs. At \u03c1 = 1 the input is the training digit itself.` }),
    liveBox,
    claimsList(claims, scale),
  );
  ctx.painted();
  return { hidden: () => here && ctx.keeper.idle(here.set) };
}

/** The view of Fig. 5 and 7. */
export const heatmapView = Object.freeze({ caption, mount });
