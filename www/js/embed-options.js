// What an embedded figure may be asked for: the keys of an embed (the custom element's
// attributes, which become the framed page's hash), in the form of the page's own link table
// (state.js), and read by the same code: a bad key or value is ignored with one message.

import { fromHash, summarizeProblems } from './state.js';

/** The views an embed shows, by name, and the figure each shows (per family where it has two). */
export const EMBED_VIEWS = Object.freeze({
  gallery: Object.freeze({ conv: 6, fcn: 4 }),
  eq1: Object.freeze({ conv: 1, fcn: 1 }),
  heatmap: Object.freeze({ conv: 7, fcn: 5 }),
  layers: Object.freeze({ conv: 8, fcn: 8 }),
  sizes: Object.freeze({ conv: 10, fcn: 10 }),
});

/**
 * The controls an embed can hide (`<control>_hide="true"`), each with what it hides: the
 * elements of the framed page that `css/site.css` hides under `body.hide-<control>`.
 */
export const HIDEABLE = Object.freeze({
  toggle: 'the buttons that switch the figure (FCN / ConvNet, the picture of each layer, the input sizes)',
  train: '"Train it here"',
  drawing: 'the drawing pad and the answers to it',
  claims: "the list of the paper's claims",
});

/** The keys an embed takes (the form of state.js's PROPS). */
export const EMBED_PROPS = Object.freeze([
  Object.freeze({ name: 'view', type: 'enum', values: Object.keys(EMBED_VIEWS), default: 'gallery' }),
  Object.freeze({ name: 'arch', type: 'enum', values: ['conv', 'fcn'], default: 'conv' }),
  ...Object.keys(HIDEABLE).map((control) => Object.freeze({ name: `${control}_hide`, type: 'bool', default: false })),
]);

/**
 * Reads an embed's settings from the framed page's hash.
 * @param {string} hash e.g. "#view=gallery&arch=fcn&train_hide=true"
 * @returns {{view: string, arch: string, figure: number, hidden: string[], problem: string | null}}
 *   the settings (defaults where a value was bad), the figure they show, the controls to hide,
 *   and what was wrong, in words
 */
export function readEmbed(hash) {
  const base = Object.fromEntries(EMBED_PROPS.map((p) => [p.name, p.default]));
  const { state, problems } = fromHash(hash, base, EMBED_PROPS);
  return {
    view: state.view,
    arch: state.arch,
    figure: EMBED_VIEWS[state.view][state.arch],
    hidden: Object.keys(HIDEABLE).filter((control) => state[`${control}_hide`]),
    problem: summarizeProblems(problems),
  };
}
