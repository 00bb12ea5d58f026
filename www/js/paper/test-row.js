// The test row answered by the networks of a figure of the grid kind (Fig. 2-4, 6, 14, 15, 26,
// 28: networks by depth, width, kernel or channels): one row per network (its size and final
// loss), one column per test input (the training digit first) with the network's answer and
// its correlations, and one more column, "Your drawing", that every network of the view
// answers live where its networks ship (live-rows.js).

import { inputTitle } from '../gallery.js';
import {
  el, netHeader, answerCells, claimsList,
} from './parts.js';
import { liveRows } from './live-rows.js';

/**
 * Mounts the view.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  const { run, claims, scale } = await ctx.load(shell.figure, 'grid');
  const names = run.inputs.names.map(inputTitle);
  const { box, hint, handle } = liveRows(shell, ctx, {
    inputs: run.inputs,
    seed: run.seed,
    corner: 'network',
    rows: run.rows.map((row) => ({
      network: row.network,
      header: netHeader(row.network, ctx.sizes),
      cells: answerCells(row.answers, names, row.network.label),
    })),
  });
  shell.show(
    box,
    el('p', { className: 'note', text: 'Under each answer: its correlation to the input (identity, green) and to the training digit (constant, pink). Scroll sideways for more inputs.' }),
    hint,
    claimsList(claims, scale),
  );
  ctx.painted();
  return handle;
}

/** The view of the grid figures. */
export const testRowView = Object.freeze({ mount });
