// A figure of the paper as the CLI records it (`identity-crisis figure N`: `figN.json`, the serde
// form of `identity_figures::data::Recorded`): fetched, checked against the Rust types and
// turned into what the views draw. A file of another shape is refused with a message that
// names the field, never drawn half-way.

import { MIN_SIDE, MAX_SIDE } from '../rules.js';

/**
 * `identity_figures::picture::Picture` as JSON: `levels` is base64 of side x side bytes.
 * @typedef {{side: number, levels: string}} PictureJson
 */
/**
 * A decoded `Picture`: grey levels back in [0, 1], row-major.
 * @typedef {{side: number, pixels: Float32Array}} Picture
 */
/**
 * `identity_core::ArchConfig` (`#[serde(tag = "arch", rename_all = "lowercase")]`).
 * @typedef {{arch: "conv", depth: number, channels: number, kernel: number}
 *   | {arch: "linear", hidden: number[]}
 *   | {arch: "relu", hidden: number[], train_bottom_only: boolean}} ArchConfig
 */
/**
 * `identity_figures::net::Net`: a trained network of a figure. `final_loss` is null where it
 * was not a number; `id` (`identity_core::saved::network_id`, 16 hex digits; absent or empty
 * in older files, null here) names its shipped file, `models/<id>.bpk`; `params`, its number of
 * parameters (absent in older files, null here).
 * @typedef {{label: string, arch: ArchConfig, final_loss: number | null, steps: number, id: string | null, params: number | null}} Net
 */
/**
 * `identity_figures::answers::Inputs`: the test row (ids such as `training`, `mnist:3`).
 * @typedef {{names: string[], pictures: Picture[]}} Inputs
 */
/**
 * `identity_figures::answers::Answers`: per input, the output and its correlations (null: a
 * flat image, where no correlation is defined).
 * `edges`: each answer's edge score, its correlation to the input's edge map (empty in files
 * made before it was measured).
 * @typedef {{identity: (number | null)[], constant: (number | null)[], edges: (number | null)[], mse_identity: number[], mse_constant: number[], outputs: Picture[]}} Answers
 */
/**
 * `identity_figures::eq1::Eq1` (kind `eq1`, Fig. 1).
 * @typedef {{kind: "eq1", inputs: Inputs, network: Net, answers: Answers, formula: Picture[], corr_to_eq1: (number | null)[]}} Eq1
 */
/**
 * `identity_figures::grid::Grid` (kind `grid`, Fig. 2-4, 6) and its `GridRow` (its
 * `orthogonal` means are not read).
 * @typedef {{network: Net, answers: Answers}} GridRow
 * @typedef {{kind: "grid", inputs: Inputs, rows: GridRow[]}} Grid
 */
/**
 * `identity_figures::heatmap::Heatmap` (kind `heatmap`, Fig. 5, 7) and its `HeatmapRow`.
 * @typedef {{network: Net, identity: (number | null)[], constant: (number | null)[], mse_identity: number[], mse_constant: number[]}} HeatmapRow
 * @typedef {{kind: "heatmap", measure: "correlation" | "mse", rhos: number[], probes_per_rho: number, probes: "pearson" | "cosine", rows: HeatmapRow[]}} Heatmap
 */
/**
 * `identity_figures::layers::{Layers, LayerNetwork, Layer, View}` (kind `layers`, Fig. 8).
 * `blur`: how blurred the map is (near 1 smooth; null where flat or not measured).
 * @typedef {{channel: number | null, corr_input: number | null, corr_training: number | null, blur: number | null, picture: Picture}} LayerView
 * @typedef {{dead: number | null, top_singular: LayerView, max_correlated: LayerView, channel0: LayerView}} Layer
 * @typedef {{network: Net, state: "initial" | "trained", layers: Layer[]}} LayerNetwork
 * @typedef {{kind: "layers", input: string, input_label: number, input_picture: Picture, all_views: boolean, networks: LayerNetwork[]}} Layers
 */
/**
 * `identity_figures::input_sizes::{InputSizes, SizesRow}` (kind `input_sizes`, Fig. 10, 11).
 * @typedef {{network: Net, per_side: Answers[], mean_identity_unseen: (number | null)[], mean_constant_unseen: (number | null)[]}} SizesRow
 * @typedef {{kind: "input_sizes", sides: number[], inputs: string[], inputs_shown: boolean, rows: SizesRow[], resampled: Picture[][]}} InputSizes
 */
/**
 * `identity_figures::collapse::{Collapse, Curve}` (kind `collapse`, Fig. 9): per network, the
 * error rate of the averaging classifier at each layer, trained and at initialization,
 * `[0]` being the raw pixels (so `depth + 1` entries); `queries` test digits are labelled by
 * the votes of `references` others.
 * @typedef {{label: string, depth: number, final_loss: number | null, error_rate: (number | null)[], initial_error_rate: (number | null)[]}} CollapseCurve
 * @typedef {{kind: "collapse", references: number, queries: number, curves: CollapseCurve[]}} Collapse
 */
/**
 * `identity_figures::training_sizes::{TrainingSizes, SideCurve}` (kind `training_sizes`,
 * Fig. 13): per training side, per depth, the mean over `rhos` of the heatmap row.
 * @typedef {{side: number, mean_identity: (number | null)[], mean_constant: (number | null)[], final_loss: (number | null)[]}} SideCurve
 * @typedef {{kind: "training_sizes", depths: number[], rhos: number[], curves: SideCurve[]}} TrainingSizes
 */
/**
 * `identity_figures::weight_change::{WeightChange, ChangeRow}` and
 * `identity_core::weight_change::LayerChange` (kind `weight_change`, Fig. 16-18): per network,
 * each layer's relative l2 change, bottom first. `bias` is null where the layer has no biases
 * (the linear FCNs) or its initial biases are all zero.
 * @typedef {{weight: number | null, bias: number | null}} LayerChange
 * @typedef {{network: Net, changes: LayerChange[]}} ChangeRow
 * @typedef {{kind: "weight_change", rows: ChangeRow[]}} WeightChange
 */
/**
 * `identity_figures::upper_subnetworks::{UpperSubnetworks, Cut}` (kind `upper_subnetworks`,
 * Fig. 12, 23, 24): the top `layers_used` layers of a trained network, from `first_layer`
 * (1-based) to its output, fed the test row directly.
 * @typedef {{network: Net, first_layer: number, layers_used: number, answers: Answers}} Cut
 * @typedef {{kind: "upper_subnetworks", inputs: Inputs, rows: Cut[]}} UpperSubnetworks
 */
/**
 * `identity_figures::data::Run`: one seed's data, the body of its kind flattened in.
 * @typedef {{seed: number, figure: number} & (Eq1 | Grid | Heatmap | Layers | InputSizes
 *   | Collapse | TrainingSizes | WeightChange | UpperSubnetworks)} Run
 */
/**
 * The body of a run per kind (the keys of BODIES).
 * @typedef {{eq1: Eq1, grid: Grid, heatmap: Heatmap, layers: Layers, input_sizes: InputSizes,
 *   collapse: Collapse, training_sizes: TrainingSizes, weight_change: WeightChange,
 *   upper_subnetworks: UpperSubnetworks}} Bodies
 */
/**
 * A kind of run: what a view asks a figure file for.
 * @typedef {keyof Bodies} Kind
 */
/**
 * `identity_figures::claim::OverSeeds`: a claim judged on each seed.
 * @typedef {{claim: string, seeds: number[], verdicts: string[], measured: string[]}} OverSeeds
 */
/**
 * `identity_figures::data::Recorded`, as the views use it: the first seed's run and the
 * claims (the other runs are not read).
 * @typedef {{figure: number, scale: string, backend: string, seconds: number, run: Run, claims: OverSeeds[]}} Figure
 */
/**
 * A `Figure` whose run is of kind `K`, as `parseFigure` checks it is.
 * @template {Kind} K
 * @typedef {Omit<Figure, 'run'> & {run: {seed: number, figure: number} & Bodies[K]}} FigureOf
 */

/** A figure file that is missing, unreadable or not of the expected shape. */
export class FigureDataError extends Error {
  constructor(message) {
    super(message);
    this.name = 'FigureDataError';
  }
}

/** `identity_core::data::{MIN_SIDE, MAX_SIDE}`: the image sides a picture may have. */
const SIDES = Object.freeze({ min: MIN_SIDE, max: MAX_SIDE });

/** What a value is, in a few words, for messages. */
function kindOf(value) {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return `the text ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Refuses the value at `path`.
 * @returns {never}
 */
function fail(path, expected, value) {
  throw new FigureDataError(`${path}: expected ${expected}, got ${kindOf(value)}`);
}

// Parsers: each takes (value, path) and returns the value as the views use it, or throws a
// FigureDataError naming the path.

const number = (v, p) => (Number.isFinite(v) ? v : fail(p, 'a number', v));
/** A number that serde writes as null when it is NaN (an undefined correlation, a diverged loss). */
const maybeNumber = (v, p) => (v === null ? null : number(v, p));
const count = (v, p) => (Number.isInteger(v) && v >= 0 ? v : fail(p, 'a whole number', v));
const text = (v, p) => (typeof v === 'string' ? v : fail(p, 'a text', v));
const flag = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'true or false', v));

function oneOf(...values) {
  return (v, p) => (values.includes(v) ? v : fail(p, values.map((x) => JSON.stringify(x)).join(' or '), v));
}

function list(item) {
  return (v, p) => (Array.isArray(v) ? v.map((x, i) => item(x, `${p}[${i}]`)) : fail(p, 'a list', v));
}

function optional(parse, fallback) {
  return (v, p) => (v === undefined ? fallback : parse(v, p));
}

/**
 * An object with these fields (others are ignored).
 * @template {Record<string, (v: unknown, p: string) => any>} F
 * @param {F} fields each field's parser
 * @returns {(v: unknown, p: string) => {[K in keyof F]: ReturnType<F[K]>}}
 */
function record(fields) {
  return (v, p) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(p, 'an object', v);
    const out = {};
    for (const [key, parse] of Object.entries(fields)) out[key] = parse(v[key], `${p}.${key}`);
    return /** @type {{[K in keyof F]: ReturnType<F[K]>}} */ (out);
  };
}

/** Throws unless `ok`, with the reason at `path`. */
function check(ok, path, reason) {
  if (!ok) throw new FigureDataError(`${path}: ${reason}`);
}

/** Checks that `values` has `n` entries, one per `what`. */
function sized(values, n, path, what) {
  check(values.length === n, path, `expected ${n} entries (one per ${what}), got ${values.length}`);
}

/**
 * Decodes a picture: base64 of side x side grey levels.
 * @param {unknown} v
 * @param {string} p
 * @returns {Picture}
 */
function picture(v, p) {
  const { side, levels } = record({ side: count, levels: text })(v, p);
  check(side >= SIDES.min && side <= SIDES.max, `${p}.side`, `a picture's side is ${SIDES.min} to ${SIDES.max}, got ${side}`);
  let bytes;
  try {
    bytes = atob(levels);
  } catch {
    fail(`${p}.levels`, 'base64', levels);
  }
  check(bytes.length === side * side, `${p}.levels`, `a picture of side ${side} has ${side * side} levels, got ${bytes.length}`);
  const pixels = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) pixels[i] = bytes.charCodeAt(i) / 255;
  return { side, pixels };
}

const widths = list(count);

/**
 * An `ArchConfig`.
 * @returns {ArchConfig}
 */
function arch(v, p) {
  const { arch: tag } = record({ arch: oneOf('conv', 'linear', 'relu') })(v, p);
  if (tag === 'conv') return { arch: tag, ...record({ depth: count, channels: count, kernel: count })(v, p) };
  if (tag === 'linear') return { arch: tag, ...record({ hidden: widths })(v, p) };
  return { arch: tag, ...record({ hidden: widths, train_bottom_only: optional(flag, false) })(v, p) };
}

const ID = /^[0-9a-f]{16}$/;
const net = record({
  label: text,
  arch,
  final_loss: maybeNumber,
  steps: count,
  id: optional((v, p) => (v === '' ? null : typeof v === 'string' && ID.test(v) ? v : fail(p, '16 hex digits', v)), null),
  params: optional(count, null),
});

const inputs = record({ names: list(text), pictures: list(picture) });

function answers(v, p) {
  return record({
    identity: list(maybeNumber),
    constant: list(maybeNumber),
    edges: optional(list(maybeNumber), []),
    mse_identity: list(number),
    mse_constant: list(number),
    outputs: list(picture),
  })(v, p);
}

/** Checks that `a` answers `n` inputs. */
function answersFor(a, n, p, what = 'input') {
  for (const key of ['identity', 'constant', 'outputs']) sized(a[key], n, `${p}.${key}`, what);
}

function checkInputs(run, p) {
  sized(run.inputs.pictures, run.inputs.names.length, `${p}.inputs.pictures`, 'input name');
}

const view = record({
  channel: optional(maybeNumber, null), corr_input: maybeNumber, corr_training: maybeNumber, blur: optional(maybeNumber, null), picture,
});

/** A `Layer` of Fig. 8: three views of it, and its dead units (null: not counted). */
const layer = record({
  dead: optional(maybeNumber, null), top_singular: view, max_correlated: view, channel0: view,
});

/**
 * Reads the layers the worker measured for one image (`identity_figures::layers::Layer[]`,
 * as in the figure files), checked like a file's.
 * @param {unknown} value the worker's answer
 * @returns {Layer[]}
 * @throws {FigureDataError} naming the field that does not fit
 */
export function readLayers(value) {
  return list(layer)(value, 'layers');
}

/**
 * The layers of a network: a ConvNet's depth, an FCN's hidden layers and its output layer.
 * @param {ArchConfig} a
 * @returns {number}
 */
function layerCount(a) {
  return a.arch === 'conv' ? a.depth : a.hidden.length + 1;
}

/** A `LayerChange`: `weight` is an f32 (null where it was not a number); `bias` an Option<f32>. */
const layerChange = record({ weight: maybeNumber, bias: optional(maybeNumber, null) });

/**
 * Reads the change of each layer the worker measured for a network retrained here
 * (`identity_core::weight_change::LayerChange[]`, as in the figure files), checked like a file's.
 * @param {unknown} value the worker's answer
 * @returns {LayerChange[]}
 * @throws {FigureDataError} naming the field that does not fit
 */
export function readChanges(value) {
  return list(layerChange)(value, 'changes');
}

/** The parser of each kind of body, with its checks across fields. */
const BODIES = Object.freeze({
  eq1(v, p) {
    const run = record({ inputs, network: net, answers, formula: list(picture), corr_to_eq1: list(maybeNumber) })(v, p);
    checkInputs(run, p);
    const n = run.inputs.names.length;
    answersFor(run.answers, n, `${p}.answers`);
    sized(run.formula, n, `${p}.formula`, 'input');
    sized(run.corr_to_eq1, n, `${p}.corr_to_eq1`, 'input');
    return run;
  },
  grid(v, p) {
    const run = record({ inputs, rows: list(record({ network: net, answers })) })(v, p);
    checkInputs(run, p);
    run.rows.forEach((row, i) => answersFor(row.answers, run.inputs.names.length, `${p}.rows[${i}].answers`));
    return run;
  },
  heatmap(v, p) {
    const run = record({
      measure: oneOf('correlation', 'mse'),
      rhos: list(number),
      probes_per_rho: count,
      probes: optional(oneOf('pearson', 'cosine'), 'pearson'),
      rows: list(record({
        network: net, identity: list(maybeNumber), constant: list(maybeNumber), mse_identity: list(number), mse_constant: list(number),
      })),
    })(v, p);
    run.rows.forEach((row, i) => {
      for (const key of ['identity', 'constant', 'mse_identity', 'mse_constant']) sized(row[key], run.rhos.length, `${p}.rows[${i}].${key}`, 'rho');
    });
    return run;
  },
  layers(v, p) {
    return record({
      input: text,
      input_label: count,
      input_picture: picture,
      all_views: flag,
      networks: list(record({
        network: net,
        state: oneOf('initial', 'trained'),
        layers: list(layer),
      })),
    })(v, p);
  },
  input_sizes(v, p) {
    const run = record({
      sides: list(count),
      inputs: list(text),
      inputs_shown: flag,
      rows: list(record({
        network: net, per_side: list(answers), mean_identity_unseen: list(maybeNumber), mean_constant_unseen: list(maybeNumber),
      })),
      resampled: list(list(picture)),
    })(v, p);
    const sides = run.sides.length;
    sized(run.resampled, sides, `${p}.resampled`, 'side');
    run.resampled.forEach((row, s) => {
      sized(row, run.inputs.length, `${p}.resampled[${s}]`, 'input');
      row.forEach((pic, i) => check(pic.side === run.sides[s], `${p}.resampled[${s}][${i}].side`, `expected ${run.sides[s]}, got ${pic.side}`));
    });
    run.rows.forEach((row, r) => {
      sized(row.per_side, sides, `${p}.rows[${r}].per_side`, 'side');
      row.per_side.forEach((a, s) => answersFor(a, run.inputs.length, `${p}.rows[${r}].per_side[${s}]`));
    });
    return run;
  },
  collapse(v, p) {
    const run = record({
      references: count,
      queries: count,
      curves: list(record({
        label: text,
        depth: count,
        final_loss: maybeNumber,
        error_rate: list(maybeNumber),
        initial_error_rate: list(maybeNumber),
      })),
    })(v, p);
    // One error rate for the raw pixels, then one per layer, trained and at initialization.
    run.curves.forEach((c, i) => {
      for (const key of ['error_rate', 'initial_error_rate']) sized(c[key], c.depth + 1, `${p}.curves[${i}].${key}`, 'layer and the raw pixels');
    });
    return run;
  },
  training_sizes(v, p) {
    const run = record({
      depths: list(count),
      rhos: list(number),
      curves: list(record({
        side: count, mean_identity: list(maybeNumber), mean_constant: list(maybeNumber), final_loss: list(maybeNumber),
      })),
    })(v, p);
    run.curves.forEach((c, i) => {
      for (const key of ['mean_identity', 'mean_constant', 'final_loss']) sized(c[key], run.depths.length, `${p}.curves[${i}].${key}`, 'depth');
    });
    return run;
  },
  weight_change(v, p) {
    const run = record({
      rows: list(record({
        network: net,
        changes: list(layerChange),
      })),
    })(v, p);
    run.rows.forEach((row, i) => sized(row.changes, layerCount(row.network.arch), `${p}.rows[${i}].changes`, 'layer of the network'));
    return run;
  },
  upper_subnetworks(v, p) {
    const run = record({
      inputs,
      rows: list(record({
        network: net, first_layer: count, layers_used: count, answers,
      })),
    })(v, p);
    checkInputs(run, p);
    run.rows.forEach((row, i) => {
      const at = `${p}.rows[${i}]`;
      const layers = layerCount(row.network.arch);
      check(row.first_layer >= 1 && row.layers_used >= 1, at, `a cut uses layer 1 and up, and at least one layer (first_layer ${row.first_layer}, layers_used ${row.layers_used})`);
      check(row.first_layer + row.layers_used - 1 === layers, at, `the layers from ${row.first_layer} on (${row.layers_used}) do not end at the output of a network of ${layers} layers`);
      answersFor(row.answers, run.inputs.names.length, `${at}.answers`);
    });
    return run;
  },
});

const claims = list(record({ claim: text, seeds: list(count), verdicts: list(text), measured: list(text) }));

/**
 * Reads a recorded figure: the first run, checked against the Rust types.
 * @param {unknown} json the parsed file
 * @param {number} figure the figure number expected
 * @template {Kind} K
 * @param {K} kind the kind of data expected (a key of BODIES)
 * @returns {FigureOf<K>}
 * @throws {FigureDataError} naming the first field that does not fit
 */
export function parseFigure(json, figure, kind) {
  const top = record({
    figure: count, scale: text, backend: text, seconds: number, runs: list((v) => v), claims,
  })(json, 'the file');
  check(top.figure === figure, 'figure', `this is the file of Fig. ${top.figure}, not of Fig. ${figure}`);
  check(top.runs.length > 0, 'runs', 'no run recorded');
  const head = record({ seed: count, figure: count, kind: text })(top.runs[0], 'runs[0]');
  check(head.kind === kind, 'runs[0].kind', `this view shows "${kind}" data, the file holds "${head.kind}"`);
  // The file's kind was checked against `kind` above, and the body parsed by its kind's parser.
  const run = /** @type {FigureOf<K>['run']} */ (/** @type {unknown} */ ({ seed: head.seed, figure: head.figure, kind, ...BODIES[kind](top.runs[0], 'runs[0]') }));
  return { figure: top.figure, scale: top.scale, backend: top.backend, seconds: top.seconds, run, claims: top.claims };
}

/**
 * Fetches and reads `figN.json` under `base`.
 * @param {URL | string} base the folder of the figure files (ends in "/")
 * @param {number} figure
 * @template {Kind} K
 * @param {K} kind the kind of data expected
 * @returns {Promise<FigureOf<K>>}
 * @throws {FigureDataError} with the file's name: missing, not JSON or of another shape
 */
export async function loadFigure(base, figure, kind) {
  const name = `fig${figure}.json`;
  const url = new URL(name, base);
  let json;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    json = await response.json();
  } catch (error) {
    throw new FigureDataError(`${name} could not be read (${error.message})`);
  }
  try {
    return parseFigure(json, figure, kind);
  } catch (error) {
    if (error instanceof FigureDataError) throw new FigureDataError(`${name} is not a figure file of the expected shape: ${error.message}`);
    throw error;
  }
}
