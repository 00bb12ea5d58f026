// What an embedded figure may be asked for: the keys of an embed (the custom element's
// attributes, which become the framed page's hash), in the form of the page's own link table
// (state.js), and read by the same code: a bad key or value is ignored with one message.
//
// Two kinds of view: the paper's figures (embed.html shows one: `figure=N`, any figure of the
// registry, or one of the views by name that embeds had before every figure had its own), and
// the page's own lab, the training panel and the drawing pad (index.html shows them, framed
// alone), which take every key of the page's link (state.js PROPS: the network, its training,
// the image, the backend).

import { PROPS, fromHash, summarizeProblems } from './state.js';

/**
 * The views of the paper's figures by name, as embeds named them before `figure=N`, and the
 * figure each shows (per family where it has two); these names keep working.
 */
export const FIGURE_VIEWS = Object.freeze({
  gallery: Object.freeze({ conv: 6, fcn: 4 }),
  eq1: Object.freeze({ conv: 1, fcn: 1 }),
  heatmap: Object.freeze({ conv: 7, fcn: 5 }),
  layers: Object.freeze({ conv: 8, fcn: 8 }),
  sizes: Object.freeze({ conv: 10, fcn: 10 }),
});

/**
 * The views of the page's lab, each with what it shows: the training panel (the network's
 * form, its training image, training and its loss, and the pad that answers with it), or the
 * drawing pad with just what it takes to train the network the keys name.
 */
export const LAB_VIEWS = Object.freeze({
  train: 'the training panel and the drawing pad',
  pad: 'the drawing pad, with Train and Stop for the network the keys name',
});

/** Every view an embed shows. */
export const VIEWS = Object.freeze([...Object.keys(FIGURE_VIEWS), ...Object.keys(LAB_VIEWS)]);

/**
 * The controls an embed can hide (`<control>_hide="true"`), per kind of view, each with what
 * it hides: the elements that `css/site.css` hides under `body.hide-<control>`.
 */
export const HIDEABLE = Object.freeze({
  figure: Object.freeze({
    toggle: 'the buttons that switch what the figure shows (the picture of each layer, correlation or squared error, weights or biases, the axis)',
    train: '"Train it here"',
    drawing: 'the drawing pad and the answers to it',
    claims: "the list of the paper's claims",
  }),
  lab: Object.freeze({
    form: 'the form that changes the network and its training (the keys fix them)',
    picker: 'the choice of training image',
    drawing: 'the drawing pad (the training panel alone)',
  }),
});

/** The `view` key of embed.html (every view: it hands the lab's to the page). */
const VIEW = Object.freeze({ name: 'view', type: 'enum', values: VIEWS, default: 'gallery' });
/** The `view` key of the page framed as an embed of its lab. */
const LAB_VIEW = Object.freeze({ name: 'view', type: 'enum', values: Object.keys(LAB_VIEWS), default: 'train' });

/** The `<control>_hide` keys of one kind of view. */
const hideKeys = (kind) => Object.keys(HIDEABLE[kind])
  .map((control) => Object.freeze({ name: `${control}_hide`, type: 'bool', default: false }));

/**
 * The `figure` key of embed.html: a figure of the registry by number, in its range; it takes
 * the place of `view` and `arch`.
 * @param {import('./paper/registry.js').Registry} registry
 */
const figureKey = (registry) => {
  const numbers = [...registry.figures.keys()];
  return Object.freeze({
    name: 'figure', type: 'int', min: Math.min(...numbers), max: Math.max(...numbers), optional: true, default: null,
  });
};

/** The keys an embed takes, per kind of view (the form of state.js's PROPS). */
export const EMBED_PROPS = Object.freeze({
  figure: Object.freeze([
    VIEW,
    Object.freeze({ name: 'arch', type: 'enum', values: Object.keys(FIGURE_VIEWS.gallery), default: 'conv' }),
    ...hideKeys('figure'),
  ]),
  lab: Object.freeze([LAB_VIEW, ...hideKeys('lab'), ...PROPS]),
});

/** Whether `view` is one of the lab's. */
export const isLabView = (view) => Object.hasOwn(LAB_VIEWS, view);

/**
 * Reads an embed's settings from the framed page's hash.
 * @param {string} hash e.g. "#view=gallery&arch=fcn&train_hide=true", or
 *   "#view=pad&arch=conv&depth=20&form_hide=true"
 * @param {object} [labBase] the lab's state for keys absent from the hash (the page's defaults)
 * @param {{lab?: boolean, registry?: import('./paper/registry.js').Registry}} [options] `lab`:
 *   read it as the lab's, whatever its view says (the page framed as an embed; a view that is
 *   not the lab's is named and replaced by "train"); `registry`: the figures there are, for
 *   the `figure` key (without it a figure is chosen by its view's name alone)
 * @returns {{view: string, lab: boolean, figure: number | null, state: object, hidden: string[],
 *   given: Set<string>, problem: string | null}} the view (its default where the value was
 *   bad), whether it is the lab's, the figure it shows (null for the lab), every key's value
 *   (defaults where a value was bad), the controls to hide, the keys the hash set, and what
 *   was wrong, in words
 */
export function readEmbed(hash, labBase = {}, { lab: asLab = false, registry = null } = {}) {
  const asked = new URLSearchParams(String(hash).replace(/^#/, '')).get('view');
  const lab = asLab || isLabView(String(asked).trim());
  const kind = lab ? 'lab' : 'figure';
  const props = !lab && registry ? [...EMBED_PROPS.figure, figureKey(registry)] : EMBED_PROPS[kind];
  const base = Object.fromEntries(props.map((p) => [p.name, p.name in labBase ? labBase[p.name] : p.default]));
  const { state, problems, given } = fromHash(hash, base, props);
  return {
    view: state.view,
    lab,
    figure: lab ? null : (state.figure ?? FIGURE_VIEWS[state.view][state.arch]),
    state,
    hidden: Object.keys(HIDEABLE[kind]).filter((control) => state[`${control}_hide`]),
    given,
    problem: summarizeProblems(problems),
  };
}
