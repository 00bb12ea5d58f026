// The paper's question for one answer of a network: did it copy its input (identity), answer
// with the training image whatever the input (memorized), or neither?

// A correlation at least MATCH counts as a match (Pearson, flattened images): the judges'
// `LIKE`, from rules.js.
import { MATCH } from './rules.js';

/** Correlations closer than this are a tie (the input is, or nearly is, the training image). */
const TIE = 0.01;

/**
 * The one-word verdict for an output's correlations.
 * @param {number} identity correlation of the output with its input
 * @param {number} constant correlation of the output with the training image
 * @returns {"identity" | "memorized" | "both" | "neither"} "both" when the input is the
 *   training image (or nearly) and the output matches it
 */
export function verdict(identity, constant) {
  if (identity >= MATCH && constant >= MATCH && Math.abs(identity - constant) < TIE) return 'both';
  if (identity >= MATCH && identity > constant) return 'identity';
  if (constant >= MATCH && constant > identity) return 'memorized';
  return 'neither';
}

/**
 * A correlation as shown on the page: two decimals; none (a constant image, such as a blank
 * pad, has no correlation: NaN, or null once through JSON) as "n/a".
 * @param {number | null} rho
 * @returns {string}
 */
export function formatCorrelation(rho) {
  return Number.isFinite(rho) ? rho.toFixed(2) : 'n/a';
}
