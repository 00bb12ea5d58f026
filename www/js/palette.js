// Every colour the page draws with from JavaScript (the CSS has its own custom properties with
// the same values): images, the loss curve and the correlation heatmap.

/** Named colours of the canvas drawings. */
export const COLORS = Object.freeze({
  ink: '#1d2330',
  muted: '#6b7385',
  grid: '#e3e6ee',
  loss: '#3b5bdb',
  identity: '#2b8a3e',
  constant: '#c2255c',
  padGrid: 'rgba(255, 255, 255, 0.07)',
  cursor: '#ffd43b',
});

/**
 * The grey level of a pixel value: 0 black, 1 white (MNIST's white digit on black), clamped.
 * @param {number} value
 * @returns {number} 0..255
 */
export function gray(value) {
  if (!(value > 0)) return 0;
  return value >= 1 ? 255 : Math.round(value * 255);
}

/** RGB of the identity and constant colours (heatmap rows, verdicts). */
export const IDENTITY_RGB = Object.freeze([43, 138, 62]);
export const CONSTANT_RGB = Object.freeze([194, 37, 92]);

// Correlation -1..1: orange, through near-white, to the row's colour.
const NEGATIVE = [240, 140, 0];
const ZERO = [248, 249, 251];

/**
 * A background colour for a correlation in [-1, 1] (NaN is grey).
 * @param {number} rho
 * @param {readonly number[]} [high] RGB of +1 (default: the identity's green)
 * @returns {string} a CSS colour
 */
export function correlationColor(rho, high = IDENTITY_RGB) {
  if (!Number.isFinite(rho)) return 'rgb(200, 200, 200)';
  const t = Math.max(-1, Math.min(1, rho));
  const end = t >= 0 ? high : NEGATIVE;
  const mix = ZERO.map((z, i) => Math.round(z + (end[i] - z) * Math.abs(t)));
  return `rgb(${mix.join(', ')})`;
}

/**
 * Whether text on `correlationColor(rho)` should be light.
 * @param {number} rho
 * @returns {boolean}
 */
export function needsLightText(rho) {
  return Number.isFinite(rho) && Math.abs(rho) > 0.6;
}

