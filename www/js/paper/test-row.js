// The test row answered by the networks of a figure of the grid kind (Fig. 2-4, 6, 14, 15, 26,
// 28: networks by depth, width, kernel or channels): one row per network (its size and final
// loss), one column per test input (the training digit first) with the network's answer and
// its correlations, and one more column, "Your drawing", that every network of the view
// answers live where its networks ship.

import { inputTitle } from '../gallery.js';
import {
  el, pictureTable, netHeader, inputRow, answerCells, formatLoss, claimsList, familyOf,
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
 * Mounts the view.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  const { run, claims, scale } = await ctx.load(shell.figure, 'grid');
  const nets = run.rows.map((r) => r.network);
  const set = new NetworkSet({ client: ctx.client, base: ctx.base, nets });
  let visible = false;
  /** Whether the reader has reached for the drawing pad: the networks load only then. */
  let wanted = false;
  const use = () => {
    if (visible && wanted) ctx.keeper.use(set);
  };
  const headers = set.slots.map((slot) => el('span', { className: 'here', text: slot.trained ? retrained(slot.trained.report) : '' }));
  const trainer = ctx.training ? new TrainHere({
    client: ctx.client, sizes: ctx.sizes, training: ctx.training, onReport: (i, report, note) => {
      headers[i].textContent = report ? retrained(report) : `retrained here: ${note}`;
    },
  }) : null;
  const { inputs } = run;
  const drawing = new DrawingColumn({
    client: ctx.client,
    figure: shell.figure,
    first: firstDrawing(inputs),
    trainable: Boolean(trainer),
    onWanted: () => {
      wanted = true;
      use();
    },
  });
  const live = drawing.bind(set);
  const names = inputs.names.map(inputTitle);
  const inputsRow = inputRow(inputs.pictures, names);
  const box = pictureTable({
    className: 'test-row',
    corner: 'network',
    columns: [...names, 'Your drawing'],
    rows: [
      { ...inputsRow, cells: [...inputsRow.cells, drawing.padCell] },
      ...run.rows.map((row, r) => ({
        header: el('div', {}, [netHeader(row.network, ctx.sizes), headers[r]]),
        cells: [...answerCells(row.answers, names, row.network.label), live[r]],
      })),
    ],
  });
  if (trainer) {
    shell.controls.append(trainer.element);
    trainer.bind({ set, seed: run.seed, what: familyOf(nets) });
  }
  shell.show(
    box,
    el('p', { className: 'note', text: 'Under each answer: its correlation to the input (identity, green) and to the training digit (constant, pink). Scroll sideways for more inputs.' }),
    drawing.hint,
    claimsList(claims, scale),
  );
  ctx.painted();
  return {
    shown() {
      visible = true;
      use();
    },
    hidden() {
      visible = false;
      ctx.keeper.idle(set);
    },
  };
}

/** The view of the grid figures. */
export const testRowView = Object.freeze({ mount });
