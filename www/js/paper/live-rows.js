// A table of the test row answered by a figure's networks, one row each, with one more column,
// "Your drawing", that every network of the figure answers live where it ships, and "Train it
// here" to retrain them: what the grid figures (test-row.js) and the upper sub-networks
// (upper-subnetworks.js) share. The networks load only once the figure is in sight and the
// reader has reached for its pad.

import { inputTitle } from '../gallery.js';
import {
  el, pictureTable, inputRow, formatLoss, familyOf,
} from './parts.js';
import { NetworkSet } from './shipped-networks.js';
import { DrawingColumn } from './drawing-column.js';
import { TrainHere } from './train-here.js';

/** The MNIST test digit the pad starts with: `mnist:1`, a 2 (test digit 0 is a 7, like the
 * training digit, and would not tell the identity from the constant). */
const FIRST_PAD_INPUT = 'mnist:1';

/** The pad's first picture: FIRST_PAD_INPUT if the row has it, else its first MNIST digit,
 * else the training digit. */
function firstDrawing(inputs) {
  const at = inputs.names.indexOf(FIRST_PAD_INPUT);
  const i = at >= 0 ? at : Math.max(0, inputs.names.findIndex((n) => n.startsWith('mnist:')));
  return inputs.pictures[i].pixels;
}

/** A row's note on its network retrained here. */
function retrained(report) {
  return `retrained here${report.narrower ? ` ${report.narrower}` : ''}: loss ${formatLoss(report.loss)} after ${report.step} steps`;
}

/**
 * A row of the table: its network, its header and its answers to the test row.
 * @typedef {{network: import('./figure-data.js').Net, header: HTMLElement,
 *   cells: import('./parts.js').PictureCell[]}} LiveRow
 */

/**
 * The test row and a figure's networks' answers, with "Your drawing" and "Train it here" (put
 * into the figure's controls).
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @param {{inputs: import('./figure-data.js').Inputs, rows: LiveRow[], seed: number, corner: string,
 *   ask?: (index: number) => {type: string}}} table `seed`: the networks' (retrained with it);
 *   `ask`: the request that answers the drawing with row `index`'s network (see DrawingColumn)
 * @returns {{box: HTMLElement, hint: HTMLElement, handle: import('./paper.js').ViewHandle}} the
 *   table, how to draw, and what the figure does when it comes into sight or leaves it
 */
export function liveRows(shell, ctx, {
  inputs, rows, seed, corner, ask,
}) {
  // One network for the rows that show the same one (Fig. 24 cuts the 20-layer net three
  // times): loaded, and retrained, once.
  const key = (net) => net.id ?? net.label;
  const unique = new Map();
  for (const { network } of rows) if (!unique.has(key(network))) unique.set(key(network), network);
  const nets = [...unique.values()];
  const slotOf = rows.map((r) => nets.findIndex((net) => key(net) === key(r.network)));
  const set = new NetworkSet({ client: ctx.client, base: ctx.base, nets });
  let visible = false;
  /** Whether the reader has reached for the drawing pad: the networks load only then. */
  let wanted = false;
  const use = () => {
    if (visible && wanted) ctx.keeper.use(set);
  };
  const notes = slotOf.map((slot) => el('span', { className: 'here', text: set.slots[slot].trained ? retrained(set.slots[slot].trained.report) : '' }));
  const trainer = ctx.training ? new TrainHere({
    client: ctx.client, sizes: ctx.sizes, training: ctx.training, onReport: (i, report, note) => {
      slotOf.forEach((slot, row) => {
        if (slot === i) notes[row].textContent = report ? retrained(report) : `retrained here: ${note}`;
      });
    },
  }) : null;
  const drawing = new DrawingColumn({
    client: ctx.client,
    figure: shell.figure,
    first: firstDrawing(inputs),
    trainable: Boolean(trainer),
    onWanted: () => {
      wanted = true;
      use();
    },
    ask,
  });
  const live = drawing.bind(set, slotOf);
  const names = inputs.names.map(inputTitle);
  const inputsRow = inputRow(inputs.pictures, names);
  const box = pictureTable({
    className: 'test-row',
    corner,
    columns: [...names, 'Your drawing'],
    rows: [
      { ...inputsRow, cells: [...inputsRow.cells, drawing.padCell] },
      ...rows.map((row, r) => ({ header: el('div', {}, [row.header, notes[r]]), cells: [...row.cells, live[r]] })),
    ],
  });
  if (trainer) {
    shell.controls.append(trainer.element);
    trainer.bind({ set, seed, what: familyOf(nets) });
  }
  return {
    box,
    hint: drawing.hint,
    handle: {
      shown() {
        visible = true;
        use();
      },
      hidden() {
        visible = false;
        ctx.keeper.idle(set);
      },
    },
  };
}
