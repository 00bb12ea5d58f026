// Fig. 10, 11 and 22: ConvNets trained on one 28 x 28 digit answering the test row drawn at
// other sizes (a ConvNet takes any size). Fig. 10: a 5-layer net at 7 and 112 pixels, inputs
// above answers; Fig. 11: every size from 7 to 112, for a 20-layer net (and the 5-layer one);
// Fig. 22: every size for the 5-layer net, inputs above answers.

import { inputTitle } from '../gallery.js';
import { formatCorrelation } from '../verdict.js';
import {
  el, pictureTable, netHeader, inputRow, answerCells, claimsList,
} from './parts.js';
import { trainHereFor, answersHere } from './train-here.js';

/**
 * The table: for each side, the inputs (when the figure shows them), then each network's
 * answers, then those of the networks retrained here.
 * @param {import('./figure-data.js').InputSizes} run
 * @param {import('./network-size.js').NetworkSizes} sizes
 * @param {{network: import('./figure-data.js').Net, per_side: object[]}[]} live the networks
 *   retrained here and their answers at each side
 */
function sizesTable(run, sizes, live) {
  const names = run.inputs.map(inputTitle);
  const rows = run.sides.flatMap((side, s) => {
    const at = `${side}\u00d7${side}`;
    const inputs = run.inputs_shown ? [inputRow(run.resampled[s], names.map((n) => `${n} at ${at}`), `inputs at ${at}`)] : [];
    return [...inputs, ...run.rows.map((row) => ({
      header: el('div', {}, [
        el('span', { className: 'side', text: `at ${at}` }),
        netHeader(row.network, sizes),
        el('span', { className: 'means', text: `mean over unseen inputs: identity ${formatCorrelation(row.mean_identity_unseen[s])}, constant ${formatCorrelation(row.mean_constant_unseen[s])}` }),
      ]),
      cells: answerCells(row.per_side[s], names.map((n) => `${n} at ${at}`), row.network.label),
    })), ...live.map((row) => ({
      header: el('div', {}, [el('span', { className: 'side', text: `at ${at}` }), netHeader(row.network, sizes)]),
      cells: answerCells(row.per_side[s], names.map((n) => `${n} at ${at}`), row.network.label),
    }))];
  });
  return pictureTable({ className: 'sizes', corner: 'size and network', columns: names, rows });
}

/**
 * Mounts an input-sizes figure.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  const { run, claims, scale } = await ctx.load(shell.figure, 'input_sizes');
  // The networks retrained here, by row, with their answers at every side of the figure.
  const live = new Map();
  const box = el('div');
  const paint = () => box.replaceChildren(sizesTable(run, ctx.sizes, [...live.keys()].sort((a, b) => a - b).map((i) => live.get(i))));
  const notes = el('div');
  const here = trainHereFor(ctx, {
    nets: run.rows.map((r) => r.network),
    seed: run.seed,
    measure: async (i, session, network) => {
      const perSide = [];
      for (const pictures of run.resampled) perSide.push(await answersHere(ctx.client, session, pictures));
      live.set(i, { network, per_side: perSide });
      paint();
    },
    onError: (message) => notes.append(el('p', { className: 'note', text: message })),
  });
  if (here) shell.controls.append(here.element);
  paint();
  shell.show(
    box,
    notes,
    el('p', { className: 'note', text: 'Pictures of every size are drawn at the same width. Under each answer: correlation to the input (green) and to the training digit (pink).' }),
    claimsList(claims, scale),
  );
  ctx.painted();
  return { hidden: () => here && ctx.keeper.idle(here.set) };
}

/** The view of the input-sizes figures. */
export const inputSizesView = Object.freeze({ mount });
