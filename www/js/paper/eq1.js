// Fig. 1 and eq. (1): the one-layer linear network f(x) = Wx trained on one digit answers the
// test row, and beside it what eq. (1) predicts from the same network's initial weights W0:
// the training digit's share of the input comes out as itself, the rest through W0 as noise.

import { inputTitle } from '../gallery.js';
import {
  el, pictureTable, netHeader, inputRow, answerCells, claimsList,
} from './parts.js';
import { trainHereFor, answersHere } from './train-here.js';

/**
 * Mounts Fig. 1.
 * @param {import('./paper.js').Shell} shell
 * @param {import('./paper.js').Context} ctx
 * @returns {Promise<import('./paper.js').ViewHandle>}
 */
async function mount(shell, ctx) {
  const { run, claims, scale } = await ctx.load(shell.figure, 'eq1');
  const names = run.inputs.names.map(inputTitle);
  // The network retrained here, answering the same inputs: {network, answers}.
  let live = null;
  const table = () => pictureTable({
    corner: '',
    columns: names,
    rows: [
      inputRow(run.inputs.pictures, names),
      { header: netHeader(run.network, ctx.sizes), cells: answerCells(run.answers, names, 'The trained network') },
      ...(live ? [{ header: netHeader(live.network, ctx.sizes), cells: answerCells(live.answers, names, 'The network retrained here') }] : []),
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
  const box = el('div', {}, [table()]);
  const notes = el('div');
  const here = trainHereFor(ctx, {
    nets: [run.network],
    seed: run.seed,
    what: 'linear network',
    measure: async (_, session, network) => {
      live = { network, answers: await answersHere(ctx.client, session, run.inputs.pictures) };
      box.replaceChildren(table());
    },
    onError: (message) => notes.append(el('p', { className: 'note', text: message })),
  });
  if (here) shell.controls.append(here.element);
  shell.show(
    box,
    notes,
    el('p', { className: 'note', text: "Under the network's answers: correlation to the input (green) and to the training digit (pink). "
      + "Under eq. (1): its correlation to the trained network's answer (1.00: the same picture)." }),
    claimsList(claims, scale),
  );
  ctx.painted();
  return { hidden: () => here && ctx.keeper.idle(here.set) };
}

/** The view of Fig. 1. */
export const eq1View = Object.freeze({ mount });
