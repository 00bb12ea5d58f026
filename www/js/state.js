// The page's configuration and its URL hash, read and written through one validated table
// (the TensorFlow Playground's State.PROPS, with validation): a bad key or value falls back
// to the default with a message naming it, and no value is ever NaN.

import { BUNDLED_DIGITS } from './protocol.js';
import {
  MAX_DEPTH, MAX_CHANNELS, MAX_KERNEL, MAX_HIDDEN_LAYERS, MAX_WIDTH, MAX_LEARNING_RATE, MAX_STEPS, SGD_MOMENTUM,
} from './rules.js';
import { grouped } from './numbers.js';

/** The paper's three families of networks. */
export const ARCHS = ['conv', 'relu', 'linear'];
/** Where training runs: `auto` takes WebGPU only on a hardware GPU. */
export const BACKENDS = ['auto', 'webgpu', 'cpu'];
/** Optimisers the page offers (absent: the architecture's default). */
export const OPTIMIZERS = ['adam', 'sgd'];

const isConv = (s) => s.arch === 'conv';
const isFcn = (s) => s.arch !== 'conv';

/**
 * Every configuration key of the URL hash. `optional` keys may be absent (null: use the
 * architecture's default); `when` says for which states a key is written to the link.
 * Limits are identity-core's (`ArchConfig::validate`, `TrainConfig::validate`), read from
 * rules.js, which the Rust constants write.
 */
export const PROPS = [
  { name: 'arch', type: 'enum', values: ARCHS, default: 'conv' },
  { name: 'depth', type: 'int', min: 1, max: MAX_DEPTH, default: 3, when: isConv, help: 'number of convolution layers' },
  { name: 'channels', type: 'int', min: 1, max: MAX_CHANNELS, default: 32, when: isConv },
  { name: 'kernel', type: 'int', min: 1, max: MAX_KERNEL, odd: true, default: 5, when: isConv },
  { name: 'hidden', type: 'int', min: 0, max: MAX_HIDDEN_LAYERS, default: 1, when: isFcn, help: 'number of hidden layers' },
  { name: 'width', type: 'int', min: 1, max: MAX_WIDTH, default: 784, when: isFcn },
  { name: 'bottom', type: 'bool', default: false, when: (s) => s.arch === 'relu' },
  { name: 'opt', type: 'enum', values: OPTIMIZERS, optional: true, default: null },
  { name: 'lr', type: 'number', min: 0, minExclusive: true, max: MAX_LEARNING_RATE, optional: true, default: null },
  { name: 'steps', type: 'int', min: 1, max: MAX_STEPS, optional: true, default: null },
  { name: 'seed', type: 'int', min: 0, max: 4294967295, default: 0 },
  { name: 'image', type: 'int', min: 0, max: BUNDLED_DIGITS - 1, optional: true, default: null },
  { name: 'backend', type: 'enum', values: BACKENDS, default: 'auto' },
];

const BY_NAME = new Map(PROPS.map((p) => [p.name, p]));

/**
 * What a key accepts, in words, e.g. "an integer in 1..32" or "one of conv, relu, linear".
 * @param {object} prop an entry of PROPS
 * @returns {string}
 */
export function describeProp(prop) {
  switch (prop.type) {
    case 'enum': return `one of ${prop.values.join(', ')}`;
    case 'bool': return 'true or false';
    case 'int': return `${prop.odd ? 'an odd integer' : 'an integer'} in ${prop.min}..${prop.max}`;
    case 'number': return `a number in ${prop.minExclusive ? '(' : '['}${prop.min}, ${prop.max}]`;
    default: throw new Error(`unknown property type ${prop.type}`);
  }
}

/**
 * A value `parseValue` refused: the message names the key and what it accepts. (Without
 * strictNullChecks the checker does not narrow `Parsed` on `if (parsed.ok)`: a refused
 * branch casts to this.)
 * @typedef {{ok: false, message: string}} Refusal
 */
/**
 * What `parseValue` answers: the value, or why not.
 * @typedef {{ok: true, value: any} | Refusal} Parsed
 */

/**
 * Parses one value of `prop` from text.
 * @param {object} prop an entry of PROPS
 * @param {string} text the value as written in the link or a form field
 * @returns {Parsed} the value, or why not (the message names the key and what it accepts)
 */
export function parseValue(prop, text) {
  const fail = /** @type {const} */ ({ ok: false, message: `${prop.name} must be ${describeProp(prop)}` });
  const t = String(text).trim();
  if (t === '' && prop.optional) return { ok: true, value: null };
  switch (prop.type) {
    case 'enum':
      return prop.values.includes(t) ? { ok: true, value: t } : fail;
    case 'bool':
      if (t === 'true' || t === '1') return { ok: true, value: true };
      if (t === 'false' || t === '0') return { ok: true, value: false };
      return fail;
    case 'int': {
      if (!/^[+-]?\d+$/.test(t)) return fail;
      const v = Number(t);
      const inRange = Number.isSafeInteger(v) && v >= prop.min && v <= prop.max;
      return inRange && (!prop.odd || v % 2 === 1) ? { ok: true, value: v } : fail;
    }
    case 'number': {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return fail;
      const v = Number(t);
      const aboveMin = prop.minExclusive ? v > prop.min : v >= prop.min;
      return Number.isFinite(v) && aboveMin && v <= prop.max ? { ok: true, value: v } : fail;
    }
    default:
      throw new Error(`unknown property type ${prop.type}`);
  }
}

/**
 * The state with every key at its default.
 * @param {object} [overrides] defaults to use instead of PROPS' (e.g. a GPU's wider net)
 * @returns {object} a plain object, one field per PROPS entry
 */
export function defaults(overrides = {}) {
  return Object.fromEntries(PROPS.map((p) => [p.name, p.name in overrides ? overrides[p.name] : p.default]));
}

/**
 * The longest link settings (the text after "#") the page reads: a state's own link is under
 * 200 characters, and a longer one is a mistake or an attack, never worth seconds of parsing.
 */
export const MAX_HASH_CHARS = 2000;
/** Link values and keys are quoted in messages up to this many characters. */
const QUOTE_CHARS = 40;
/** A summary of a link's problems quotes this many of them. */
const SUMMARY_PROBLEMS = 3;

/** `text` cut to QUOTE_CHARS characters for a message. */
function quote(text) {
  const t = String(text);
  return t.length > QUOTE_CHARS ? `${t.slice(0, QUOTE_CHARS)}\u2026` : t;
}

/**
 * Whether a URL hash names a place on the page (`#fig-15`, `#part-fcn`: a name, no keys)
 * rather than the lab's settings: such a link is the page's to scroll to, and the lab keeps
 * its defaults without a word about unknown keys.
 * @param {string} hash
 * @returns {boolean}
 */
export function namesPlace(hash) {
  return /^#[A-Za-z][\w-]*$/.test(String(hash));
}

/**
 * Reads a URL hash.
 * @param {string} hash e.g. "#arch=conv&depth=5"
 * @param {object} [base] the state for keys absent from the hash (default: `defaults()`)
 * @param {readonly object[]} [props] the keys it may hold (default: the page's PROPS; an embed passes
 *   its own, of the same form)
 * @returns {{state: object, problems: {key: string | null, message: string}[], given: Set<string>}}
 *   the state (every bad key at its default), one problem per ignored key or value (the key,
 *   or null when the whole link was refused), and the keys the link set
 */
export function fromHash(hash, base = defaults(), props = PROPS) {
  const byName = props === PROPS ? BY_NAME : new Map(props.map((p) => [p.name, p]));
  const state = { ...base };
  const problems = [];
  const given = new Set();
  const text = String(hash).replace(/^#/, '');
  if (text.length > MAX_HASH_CHARS) {
    problems.push({
      key: null,
      message: `Ignored the link's settings: they are ${grouped(text.length)} characters long, `
        + `and this page reads at most ${grouped(MAX_HASH_CHARS)}; every setting is at its default`,
    });
    return { state, problems, given };
  }
  const seen = new Set();
  for (const [key, value] of new URLSearchParams(text)) {
    const shown = `"${quote(key)}=${quote(value)}"`;
    const prop = byName.get(key);
    if (!prop) {
      problems.push({ key, message: `Ignored ${shown} in the link: unknown key ${quote(key)} (known: ${props.map((p) => p.name).join(', ')})` });
      continue;
    }
    if (seen.has(key)) {
      problems.push({ key, message: `Ignored ${shown} in the link: ${key} is given more than once (only its first value is read)` });
      continue;
    }
    seen.add(key);
    const parsed = parseValue(prop, value);
    if (parsed.ok) {
      state[key] = parsed.value;
      given.add(key);
    } else {
      problems.push({ key, message: `Ignored ${shown} in the link: ${/** @type {Refusal} */ (parsed).message}` });
    }
  }
  return { state, problems, given };
}

/**
 * One message for all of a link's problems: the first few in full, then how many more.
 * @param {{message: string}[]} problems as `fromHash` returns them
 * @returns {string | null} null when there is none
 */
export function summarizeProblems(problems) {
  if (problems.length === 0) return null;
  if (problems.length === 1) return problems[0].message;
  const shown = problems.slice(0, SUMMARY_PROBLEMS).map((p) => p.message).join('; ');
  const more = problems.length - SUMMARY_PROBLEMS;
  return `The link has ${grouped(problems.length)} problems, each ignored: ${shown}`
    + `${more > 0 ? `; and ${grouped(more)} more` : ''}.`;
}

/**
 * Writes a state as a URL hash: the keys that apply to its architecture, optional ones only
 * when set.
 * @param {object} state
 * @returns {string} e.g. "#arch=conv&depth=5&channels=32&kernel=5&seed=0&backend=auto"
 */
export function toHash(state) {
  const params = new URLSearchParams();
  for (const prop of PROPS) {
    const value = state[prop.name];
    if (value === null || value === undefined) continue;
    if (prop.when && !prop.when(state)) continue;
    params.set(prop.name, String(value));
  }
  return `#${params.toString()}`;
}

/**
 * The `arch` argument of identity-wasm's `createSession` / `describe` for a state.
 * @param {object} state
 * @returns {object} e.g. `{arch: "conv", depth: 3, channels: 32, kernel: 5}`
 */
export function archOf(state) {
  if (state.arch === 'conv') {
    return { arch: 'conv', depth: state.depth, channels: state.channels, kernel: state.kernel };
  }
  const hidden = Array(state.hidden).fill(state.width);
  return state.arch === 'relu'
    ? { arch: 'relu', hidden, train_bottom_only: state.bottom }
    : { arch: 'linear', hidden };
}

/**
 * The training overrides of `createSession` for a state: only what the reader set.
 * @param {object} state
 * @param {number} lossEvery optimiser steps between loss reads
 * @returns {object}
 */
export function trainOf(state, lossEvery) {
  const train = { seed: state.seed, loss_every: lossEvery };
  if (state.opt === 'adam') train.optimizer = { name: 'adam' };
  if (state.opt === 'sgd') train.optimizer = { name: 'sgd', momentum: SGD_MOMENTUM };
  if (state.lr !== null) train.learning_rate = state.lr;
  if (state.steps !== null) train.steps = state.steps;
  return train;
}
