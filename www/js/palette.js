// Every colour the page draws with from JavaScript (the CSS has its own custom properties with
// the same values): images, the loss curve and the correlation heatmap.

/** Named colours of the canvas drawings. */
export const COLORS = Object.freeze({
  ink: '#1d2330',
  muted: '#626a7b',
  grid: '#e3e6ee',
  loss: '#3b5bdb',
  identity: '#277a39',
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
export const IDENTITY_RGB = Object.freeze([39, 122, 57]);
export const CONSTANT_RGB = Object.freeze([194, 37, 92]);

// Correlation -1..1: orange, through near-white, to the row's colour.
const NEGATIVE = [240, 140, 0];
const ZERO = [248, 249, 251];

/** RGB of a correlation's background: orange at -1, near-white at 0, `high` at +1. */
function mixed(rho, high) {
  if (!Number.isFinite(rho)) return [200, 200, 200];
  const t = Math.max(-1, Math.min(1, rho));
  const end = t >= 0 ? high : NEGATIVE;
  return ZERO.map((z, i) => Math.round(z + (end[i] - z) * Math.abs(t)));
}

/**
 * A background colour for a correlation in [-1, 1] (NaN is grey).
 * @param {number} rho
 * @param {readonly number[]} [high] RGB of +1 (default: the identity's green)
 * @returns {string} a CSS colour
 */
export function correlationColor(rho, high = IDENTITY_RGB) {
  return `rgb(${mixed(rho, high).join(', ')})`;
}

/** WCAG's relative luminance of an RGB colour (0..255 channels). */
function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * Whether text on `correlationColor(rho, high)` should be white rather than black: whichever
 * contrasts more with it (WCAG's ratio; one of the two is always at least 4.58, over AA's 4.5
 * for small text, where the page's ink on a mid-tone green fell to 4.25).
 * @param {number} rho
 * @param {readonly number[]} [high]
 * @returns {boolean}
 */
export function needsLightText(rho, high = IDENTITY_RGB) {
  const background = luminance(mixed(rho, high));
  return (1 + 0.05) / (background + 0.05) > (background + 0.05) / 0.05;
}
