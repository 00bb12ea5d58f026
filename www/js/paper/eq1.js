// Fig. 1 and eq. (1): the one-layer linear network f(x) = Wx trained on one digit answers the
// test row, and beside it what eq. (1) predicts from the same network's initial weights W0:
// the training digit's share of the input comes out as itself, the rest through W0 as noise.

import { inputTitle } from '../gallery.js';
import {
  el, pictureTable, netHeader, inputRow, answerCells, claimsList,
} from './parts.js';

/**
 * The caption of Fig. 1.
 * @returns {string}
 */
function caption() {
  return 'Fig. 1: a one-layer linear network, trained on the digit in the first column, answering the test row (middle), '
    + 'and the answers eq. (1) predicts from its own initial weights (bottom).';
}

/**
 * Mounts Fig. 1.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  shell.caption(1, caption());
  const { run, claims, scale } = await ctx.load(1, 'eq1');
  const names = run.inputs.names.map(inputTitle);
  const { box } = pictureTable({
    corner: '',
    columns: names,
    rows: [
      inputRow(run.inputs.pictures, names),
      { header: netHeader(run.network, ctx.sizes), cells: answerCells(run.answers, names, 'The trained network') },
      {
        header: el('div', { className: 'net' }, [el('span', { className: 'name', text: 'eq. (1) from W\u2070' }), el('span', { className: 'loss', text: 'no training' })]),
        cells: run.formula.map((picture, i) => ({
          picture,
          label: `Eq. (1) for the ${names[i]}`,
          numbers: [{ kind: 'plain', value: run.corr_to_eq1[i], title: "correlation to the trained network's answer" }],
        })),
      },
    ],
  });
  shell.show(
    box,
    el('p', { className: 'note', text: "Under the network's answers: correlation to the input (green) and to the training digit (pink). "
      + "Under eq. (1): its correlation to the trained network's answer (1.00: the same picture)." }),
    claimsList(claims, scale),
  );
  ctx.painted();
  return {};
}

/** The view of Fig. 1. */
export const eq1View = Object.freeze({ caption, mount });
