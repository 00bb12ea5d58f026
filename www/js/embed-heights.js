// The height an embed takes once drawn, by view and frame width: embed.js gives the element
// that height before the frame loads, so that a post's text does not move when the figure
// comes in (its layout shift). Measured in headless Chromium with every control shown;
// `embed.test.mjs` checks them against the drawn frames. Between the widths measured, the
// height is interpolated; a hidden control (`<control>_hide`) makes the frame shorter once
// drawn.

/** The frame widths (CSS px) the heights were measured at, ascending. */
export const MEASURED_WIDTHS = Object.freeze([360, 480, 640, 800, 1000]);

/**
 * Heights (CSS px) at MEASURED_WIDTHS, by view, and by family where a view has two
 * (`view/arch`).
 */
export const VIEW_HEIGHTS = Object.freeze({
  'gallery/conv': [1310, 1228, 1126, 1126, 1126],
  'gallery/fcn': [1268, 1187, 1053, 1053, 1053],
  eq1: [670, 589, 560, 519, 519],
  'heatmap/conv': [1671, 1652, 1330, 1330, 1288],
  'heatmap/fcn': [2898, 2838, 1940, 1940, 1920],
  layers: [1235, 1087, 912, 912, 840],
  sizes: [1017, 955, 790, 739, 718],
  pad: [1112, 1028, 1003, 1003, 768],
  train: [2120, 1870, 1724, 1579, 1051],
});

/**
 * The height to reserve for an embed of `view` (family `arch`) `width` CSS px wide, or null
 * for a view not measured.
 * @param {string} view
 * @param {string} arch
 * @param {number} width
 * @returns {number | null}
 */
export function reservedHeight(view, arch, width) {
  const heights = VIEW_HEIGHTS[`${view}/${arch}`] ?? VIEW_HEIGHTS[view];
  if (!heights) return null;
  const w = MEASURED_WIDTHS;
  if (!(width > w[0])) return heights[0];
  const i = w.findIndex((at) => at >= width);
  if (i === -1) return heights[heights.length - 1];
  const t = (width - w[i - 1]) / (w[i] - w[i - 1]);
  return Math.round(heights[i - 1] + t * (heights[i] - heights[i - 1]));
}
