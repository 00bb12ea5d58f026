// The lab's settings in the link: read into the form (its problems in one message), written
// back as the reader changes them. A link to a place on the page (#fig-15) is the paper's; in
// an embed of the lab the hash also holds the embed's keys (embed-options.js).

import { PROPS, fromHash, toHash, defaults, summarizeProblems, namesPlace } from '../state.js';
import { readEmbed } from '../embed-options.js';
import { notify } from './page-state.js';
import { configChanged } from './settings.js';
import { pickLinkedImage } from './training-image.js';

/** @typedef {import('./lab.js').Lab} Lab */

/** On a hardware GPU the paper's width fits: 128 channels. */
const GPU_DEFAULTS = { depth: 5, channels: 128 };
/** An embed's defaults: the CPU (an embed never takes a reader's GPU unless its keys ask). */
const EMBED_DEFAULTS = defaults({ backend: 'cpu' });

/** The link read as an embed of the lab's (the keys of embed-options.js beside the page's). */
export function readLabEmbed() {
  return readEmbed(location.hash, EMBED_DEFAULTS, { lab: true });
}

/**
 * Writes the lab's settings into the link.
 * @param {Lab} lab
 * @param {{reader?: boolean}} [options] `reader`: the reader changed them (a link to a place on
 *   the page, `#fig-15`, stays one until the reader changes the lab)
 */
export function writeHash(lab, { reader = false } = {}) {
  if (lab.embed) return; // an embed's hash holds its own keys too, and its reader never sees it
  if (!reader && namesPlace(location.hash)) return;
  const hash = toHash(lab.state);
  if (location.hash !== hash) history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
}

/**
 * Reads the link after the reader changed it, unless it is the lab's own or names a place on
 * the page (paper.js scrolls to it).
 * @param {Lab} lab
 */
export function linkChanged(lab) {
  if (location.hash !== toHash(lab.state) && !namesPlace(location.hash)) readHash(lab);
}

/**
 * The defaults for this browser: the paper's 128 channels where a hardware GPU will run.
 * @param {Lab} lab
 * @param {string} backend the link's backend preference
 */
function browserDefaults(lab, backend) {
  const gpu = lab.adapter?.available && !lab.adapter.software && backend !== 'cpu';
  return defaults(gpu ? GPU_DEFAULTS : {});
}

/**
 * The configuration the link sets.
 * @param {Lab} lab
 * @returns {{state: object, given: Set<string>, problem: string | null}} the state (one field
 *   per PROPS entry), the keys the link set, and its problems in one message
 */
function readLink(lab) {
  if (lab.embed) {
    const { state, given, problem } = readLabEmbed();
    return { state: Object.fromEntries(PROPS.map((p) => [p.name, state[p.name]])), given, problem };
  }
  const link = namesPlace(location.hash) ? '' : location.hash;
  const first = fromHash(link);
  const { state, problems, given } = fromHash(link, browserDefaults(lab, first.state.backend));
  return { state, given, problem: summarizeProblems(problems) };
}

/**
 * Reads the link into the form. Its problems make one message, which replaces the last
 * link's (a link with thousands of bad keys must not flood the page).
 * @param {Lab} lab
 */
export function readHash(lab) {
  const { state, given, problem } = readLink(lab);
  if (problem) notify(lab, problem, 'warn', { key: 'link' });
  else lab.notices.remove('link');
  lab.state = state;
  lab.form.set(state);
  if (lab.data) pickLinkedImage(lab, given.has('image'));
  configChanged(lab, {});
}
