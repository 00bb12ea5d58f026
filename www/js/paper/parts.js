// The pieces every view of the paper's figures is built from: elements, pictures with their
// correlations, tables of pictures, network labels, toggles and the claims of a figure.

import { pictureTiles } from '../charts.js';
import { inSlices } from '../slices.js';
import { formatCorrelation } from '../verdict.js';

/**
 * An element with a class, text and attributes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {{className?: string, text?: string, attrs?: Object<string, string>}} [options]
 * @param {(Node | string | null)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, { className = '', text = null, attrs = {} } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== null) node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children.filter((c) => c !== null));
  return node;
}

/**
 * A button that runs `onClick`.
 * @param {string} text what it says
 * @param {() => void} onClick
 * @param {{className?: string, label?: string}} [options] `label`: an accessible name that
 *   says more than the text (it must start with it)
 * @returns {HTMLButtonElement}
 */
export function button(text, onClick, { className = 'quiet', label = '' } = {}) {
  const b = el('button', { className, text, attrs: { type: 'button', ...(label ? { 'aria-label': label } : {}) } });
  b.addEventListener('click', onClick);
  return b;
}

/**
 * One number under a picture: its kind says its colour (identity green, constant pink).
 * @typedef {{kind: "identity" | "constant" | "plain", value: number | null, title: string}} CellNumber
 */

/**
 * The numbers under a picture.
 * @param {CellNumber[]} numbers
 * @returns {HTMLElement}
 */
export function numberLine(numbers) {
  return el('span', { className: 'pic-numbers' }, numbers.map(({ kind, value, title }) => el('span', {
    className: kind, text: formatCorrelation(value), attrs: { title: `${title}: ${formatCorrelation(value)}` },
  })));
}

/**
 * The usual pair: correlation to the input (identity) and to the training digit (constant).
 * @param {number | null} identity
 * @param {number | null} constant
 * @returns {CellNumber[]}
 */
export function correlations(identity, constant) {
  return [
    { kind: 'identity', value: identity, title: 'correlation to the input (identity)' },
    { kind: 'constant', value: constant, title: 'correlation to the training digit (constant)' },
  ];
}

/** What the two numbers mean, in words for an image's accessible name. */
export function inWords(identity, constant) {
  return `identity ${formatCorrelation(identity)}, constant ${formatCorrelation(constant)}`;
}

/**
 * A cell of a picture table: a picture with numbers under it.
 * @typedef {{picture: import('./figure-data.js').Picture, label: string, numbers?: CellNumber[]}} PictureCell
 */

/**
 * The most pictures a slice of a table adds: beside its making (about 0.1 ms), each costs the
 * frame that shows it its style (its tile's image named again) and layout. With 12, the frames
 * after the slices of the page's first figure were Lighthouse's phone's longest tasks (70-120
 * ms counted; total blocking time 100-210 ms in 3 runs); with 6, 90-140 ms in 4 runs.
 */
const PICTURES_PER_SLICE = 6;

/**
 * The box a wide table scrolls sideways in on a narrow screen: a group the keyboard can reach
 * (Tab) and scroll (arrows), named for screen readers.
 * @param {HTMLTableElement} table
 * @param {string} label what the table shows
 * @returns {HTMLElement}
 */
export function scrollBox(table, label) {
  return el('div', { className: 'table-scroll', attrs: { tabindex: '0', role: 'group', 'aria-label': label } }, [table]);
}

/** Each picture table's box and the promise of its rows (see pictureTable). */
const building = new WeakMap();

/**
 * Resolves once every picture table inside `root` has all its rows.
 * @param {Element} root
 * @returns {Promise<void>}
 */
export async function tablesBuilt(root) {
  await Promise.allSettled([...root.querySelectorAll('.table-scroll')].map((box) => building.get(box)));
}

/**
 * A table of pictures in a box that scrolls sideways on narrow screens: a header row of
 * column names, then rows, each with a header and one cell per column (a picture cell, any
 * element, or null for none). A row's pictures are one image, or a few (see pictureTiles). A
 * large table is built in slices that give the main thread back in between (a figure of
 * hundreds of pictures would hold it for a tenth of a second and more, and one row of a
 * figure's test inputs for 20-70 ms while a network trains beside it): a row's cells are made a
 * few at a time, and the row is added once whole. tablesBuilt() says when all rows are in.
 * @param {{columns: string[], corner?: string, rows: {header: Node | string, cells: (PictureCell | Node | null)[], className?: string}[], className?: string}} table
 * @returns {HTMLElement} the box (its table inside)
 */
export function pictureTable({ columns, corner = '', rows, className = '' }) {
  // A corner without a name is a plain cell: a header must say what it heads.
  const cornerCell = corner ? el('th', { text: corner, attrs: { scope: 'col' } }) : el('td');
  const head = el('tr', {}, [cornerCell, ...columns.map((name) => el('th', { text: name, attrs: { scope: 'col' } }))]);
  const body = el('tbody');
  const table = el('table', { className: `picture-table ${className}` }, [el('thead', {}, [head]), body]);
  // One step per cell, and one to start each row (its header and pictures; a row without
  // cells is added then).
  const steps = rows.flatMap((row) => [{ row, cell: -1 }, ...row.cells.map((_, cell) => ({ row, cell }))]);
  let tr = null;
  let tiles = null;
  const built = inSlices(steps, ({ row, cell }) => {
    if (cell === -1) {
      tr = el('tr', { className: row.className ?? '' }, [el('th', { attrs: { scope: 'row' } }, [row.header])]);
      tiles = rowTiles(row.cells);
    } else {
      tr.append(el('td', {}, [cellContent(row.cells[cell], tiles)]));
    }
    if (cell === row.cells.length - 1) body.append(tr);
    return cell >= 0 && isPictureCell(row.cells[cell]) ? 1 : 0;
  }, { perSlice: PICTURES_PER_SLICE });
  const box = scrollBox(table, corner ? `Pictures by ${corner}` : 'Pictures');
  building.set(box, built);
  return box;
}

/**
 * The elements of a row's pictures (see pictureTiles: the row is one image, or a few).
 * @param {(PictureCell | Node | null)[]} cells
 * @returns {Map<PictureCell, HTMLDivElement>}
 */
function rowTiles(cells) {
  const pictures = cells.filter(isPictureCell);
  const tiles = pictureTiles(pictures.map((cell) => cell.picture), pictures.map((cell) => cell.label));
  return new Map(pictures.map((cell, i) => [cell, tiles[i]]));
}

/**
 * The row of a picture table that shows the inputs.
 * @param {import('./figure-data.js').Picture[]} pictures
 * @param {string[]} names the inputs' names for people
 * @param {string} [header]
 * @returns {{header: string, className: string, cells: PictureCell[]}}
 */
export function inputRow(pictures, names, header = 'input') {
  return { header, className: 'inputs', cells: pictures.map((picture, i) => ({ picture, label: `Input: ${names[i]}` })) };
}

/**
 * The cells of a network's answers to the inputs, each with its two correlations.
 * @param {import('./figure-data.js').Answers} answers
 * @param {string[]} names the inputs' names for people
 * @param {string} who the network, for the pictures' accessible names
 * @returns {PictureCell[]}
 */
export function answerCells(answers, names, who) {
  return answers.outputs.map((picture, i) => {
    const [identity, constant] = [answers.identity[i], answers.constant[i]];
    const edges = answers.edges?.[i] === undefined ? '' : `, edges ${formatCorrelation(answers.edges[i])}`;
    return { picture, label: `${who} answers the ${names[i]}: ${inWords(identity, constant)}${edges}`, numbers: correlations(identity, constant) };
  });
}

/**
 * Whether a cell of a picture table is a picture (not an element, not empty).
 * @param {PictureCell | Node | null} cell
 * @returns {cell is PictureCell}
 */
function isPictureCell(cell) {
  return cell !== null && !(cell instanceof Node);
}

/**
 * What a cell of a picture table shows: its element, or its picture with its numbers.
 * @param {PictureCell | Node | null} cell
 * @param {Map<PictureCell, HTMLDivElement>} tiles the row's pictures (rowTiles)
 */
function cellContent(cell, tiles) {
  if (!isPictureCell(cell)) return cell;
  return el('div', { className: 'pic' }, [tiles.get(cell), cell.numbers ? numberLine(cell.numbers) : null]);
}

/**
 * A training loss for people.
 * @param {number | null} loss
 * @returns {string}
 */
export function formatLoss(loss) {
  return Number.isFinite(loss) ? loss.toExponential(1) : 'not a number';
}

/**
 * A network's row header: its label, its size in parameters (from the data, else the worker) and
 * its final training loss.
 * @param {import('./figure-data.js').Net} net
 * @param {import('./network-size.js').NetworkSizes} sizes
 * @param {{untrained?: boolean}} [options] `untrained`: shown as initialised, before training
 * @returns {HTMLElement}
 */
export function netHeader(net, sizes, { untrained = false } = {}) {
  const params = el('span', { className: 'params' });
  sizes.show(params, net);
  const loss = untrained
    ? el('span', { className: 'loss', text: 'before training' })
    : el('span', { className: 'loss', text: `loss ${formatLoss(net.final_loss)}`, attrs: { title: `training loss (mean squared error) after ${net.steps} optimiser steps` } });
  return el('div', { className: 'net' }, [el('span', { className: 'name', text: net.label }), params, loss]);
}

/**
 * A group of buttons of which one is pressed (aria-pressed), e.g. "ConvNet" / "FCN".
 * @param {string} label the group's accessible name
 * @param {readonly string[]} options the buttons' names
 * @param {string} selected the one pressed first
 * @param {(option: string) => void} onSelect called when another one is pressed
 * @returns {HTMLElement}
 */
export function toggle(label, options, selected, onSelect) {
  const buttons = options.map((option) => button(option, () => {
    const pressed = buttons.find((b) => b.textContent === option);
    if (pressed.getAttribute('aria-pressed') === 'true') return;
    buttons.forEach((b) => b.setAttribute('aria-pressed', String(b === pressed)));
    onSelect(option);
  }));
  buttons.forEach((b, i) => b.setAttribute('aria-pressed', String(options[i] === selected)));
  return el('div', { className: 'toggle', attrs: { role: 'group', 'aria-label': label } }, buttons);
}

/** A verdict of `identity_figures::claim::Verdict`, in words. */
const VERDICT_WORDS = Object.freeze({
  holds: 'holds', does_not_hold: 'does not hold', did_not_train: 'did not train', not_judged: 'not judged',
});

/**
 * How a claim came out over the seeds, in words: "holds on k of n seeds", then how many it
 * did not hold on and how many did not train.
 * @param {string[]} verdicts
 * @returns {string}
 */
function overall(verdicts) {
  if (verdicts.every((v) => v === 'not_judged')) return 'shown, not judged';
  const count = (/** @type {string} */ v) => verdicts.filter((x) => x === v).length;
  const parts = [`holds on ${count('holds')} of ${verdicts.length} seed${verdicts.length === 1 ? '' : 's'}`];
  if (count('does_not_hold')) parts.push(`does not hold on ${count('does_not_hold')}`);
  if (count('did_not_train')) parts.push(`did not train on ${count('did_not_train')}`);
  return parts.join(', ');
}

/**
 * The claims a figure's run judged, folded away under a summary: each with how it came out
 * over the seeds and, seed by seed, its verdict and the numbers behind it.
 * @param {import('./figure-data.js').OverSeeds[]} claims
 * @param {string} scale the networks' sizes (`quick`, `paper`)
 * @returns {HTMLElement | null} null when there are none
 */
export function claimsList(claims, scale) {
  if (claims.length === 0) return null;
  return el('details', { className: 'claims' }, [
    el('summary', { text: `What this data says about the paper's claims (${scale} scale)` }),
    el('ul', {}, claims.map((c) => el('li', {}, [
      el('span', { className: 'claim', text: c.claim }),
      el('span', { className: 'outcome', text: `: ${overall(c.verdicts)}` }),
      el('ul', { className: 'seeds' }, c.seeds.map((seed, i) => el('li', {
        text: `seed ${seed}: ${VERDICT_WORDS[c.verdicts[i]] ?? c.verdicts[i]}; ${c.measured[i] ?? 'nothing measured'}`,
      }))),
    ]))),
  ]);
}

/** The families of networks, by their `arch`, as the figures name them. */
export const FAMILIES = Object.freeze({ relu: 'ReLU FCNs', linear: 'linear FCNs', conv: 'ConvNets' });

/**
 * What a figure's networks are, in words: their family ("ConvNets", or "ConvNet" for one), or
 * "networks" where they mix.
 * @param {import('./figure-data.js').Net[]} nets
 * @returns {string}
 */
export function familyOf(nets) {
  const archs = new Set(nets.map((n) => n.arch.arch));
  const plural = archs.size === 1 ? FAMILIES[[...archs][0]] : 'networks';
  return nets.length === 1 ? plural.slice(0, -1) : plural;
}
