// The test row answered by networks of every depth (Fig. 6: ConvNets; Fig. 4: ReLU FCNs), with
// a toggle between the two: one row per network (its size and final loss), one column per test
// input (the training digit first) with the network's answer and its correlations, and one
// more column, "Your drawing", that every network of the view answers live.

import { inputTitle } from '../gallery.js';
import {
  el, pictureTable, netHeader, toggle, inputRow, answerCells, formatLoss, claimsList,
} from './parts.js';
import { NetworkSet } from './shipped-networks.js';
import { DrawingColumn } from './drawing-column.js';
import { TrainHere } from './train-here.js';

/** The two families of the view, ConvNets first (the blog's first figure opens on them). */
const FAMILIES = Object.freeze([
  Object.freeze({ name: 'ConvNet', figure: 6, plural: 'ConvNets' }),
  Object.freeze({ name: 'FCN', figure: 4, plural: 'ReLU FCNs' }),
]);

/**
 * The caption of the view for one of its figures.
 * @param {number} figure 4 or 6
 * @returns {string}
 */
function caption(figure) {
  return figure === 4
    ? 'Fig. 4: fully connected ReLU networks of growing depth, each trained on the digit in the first column, answering the test row.'
    : 'Fig. 6: ConvNets of growing depth (5\u00d75 kernels), each trained on the digit in the first column, answering the test row.';
}

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
  /** Per family, once loaded: {data, set, headers}. */
  const loaded = new Map();
  let current = null;
  let visible = false;
  /** Whether the reader has reached for the drawing pad: the networks load only then. */
  let wanted = false;
  let drawing = null;
  const use = () => {
    if (visible && wanted && current) ctx.keeper.use(current.set);
  };
  const trainer = ctx.training ? new TrainHere({
    client: ctx.client, sizes: ctx.sizes, training: ctx.training, onReport: (i, report, note) => {
      current.headers[i].textContent = report ? retrained(report) : `retrained here: ${note}`;
    },
  }) : null;

  async function load(family) {
    if (!loaded.has(family.name)) {
      const data = await ctx.load(family.figure, 'grid');
      const set = new NetworkSet({ client: ctx.client, base: ctx.base, nets: data.run.rows.map((r) => r.network) });
      loaded.set(family.name, { family, data, set, headers: [] });
    }
    return loaded.get(family.name);
  }

  function render(entry) {
    const { data: { run, claims, scale }, set, family } = entry;
    const { inputs } = run;
    drawing ??= new DrawingColumn({
      client: ctx.client,
      first: firstDrawing(inputs),
      trainable: Boolean(trainer),
      onWanted: () => {
        wanted = true;
        use();
      },
    });
    const live = drawing.bind(set);
    const names = inputs.names.map(inputTitle);
    entry.headers = set.slots.map((slot) => el('span', { className: 'here', text: slot.trained ? retrained(slot.trained.report) : '' }));
    const inputsRow = inputRow(inputs.pictures, names);
    const box = pictureTable({
      className: 'test-row',
      corner: 'network',
      columns: [...names, 'Your drawing'],
      rows: [
        { ...inputsRow, cells: [...inputsRow.cells, drawing.padCell] },
        ...run.rows.map((row, r) => ({
          header: el('div', {}, [netHeader(row.network, ctx.sizes), entry.headers[r]]),
          cells: [...answerCells(row.answers, names, row.network.label), live[r]],
        })),
      ],
    });
    shell.show(
      box,
      el('p', { className: 'note', text: 'Under each answer: its correlation to the input (identity, green) and to the training digit (constant, pink). Scroll sideways for more inputs.' }),
      drawing.hint,
      claimsList(claims, scale),
    );
    trainer?.bind({ set, seed: run.seed, what: family.plural });
  }

  /** Shows a family; its networks come into the worker when the view is in sight and the
   * reader has reached for the pad. */
  function choose(family) {
    shell.caption(family.figure, caption(family.figure));
    return shell.present(() => load(family), (entry) => {
      current = entry;
      render(entry);
      ctx.painted();
      use();
    });
  }

  const first = FAMILIES.find((f) => f.figure === shell.figure) ?? FAMILIES[0];
  shell.controls.append(toggle('Networks of the figure', FAMILIES.map((f) => f.name), first.name, (name) => choose(FAMILIES.find((f) => f.name === name))));
  if (trainer) shell.controls.append(trainer.element);
  await choose(first);
  return {
    shown() {
      visible = true;
      use();
    },
    hidden() {
      visible = false;
      if (current) ctx.keeper.idle(current.set);
    },
  };
}

/** The view of Fig. 4 and 6. */
export const testRowView = Object.freeze({ caption, mount });
