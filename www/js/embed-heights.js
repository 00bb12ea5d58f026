// The height an embed takes once drawn, by figure (or lab view) and frame width: embed.js gives
// the element that height before the frame loads, so that a post's text does not move when the
// figure comes in (its layout shift). Measured in headless Chromium with every control shown
// (`node tests/e2e/measure-heights.mjs URL` prints these tables from a served site);
// `embed.test.mjs` checks them against the drawn frames. Between the widths measured, the
// height is interpolated; a hidden control (`<control>_hide`) makes the frame shorter once
// drawn.

import { FIGURE_VIEWS } from './embed-options.js';

/** The frame widths (CSS px) the heights were measured at, ascending. */
export const MEASURED_WIDTHS = Object.freeze([360, 480, 640, 800, 1000]);

/** Heights (CSS px) at MEASURED_WIDTHS of each figure of the registry (`figure=N`). */
export const FIGURE_HEIGHTS = Object.freeze({
  1: [665, 607, 578, 539, 539],
  2: [987, 887, 822, 822, 822],
  3: [1043, 962, 866, 866, 866],
  4: [1230, 1151, 1070, 1070, 1070],
  5: [2930, 2874, 1979, 1979, 1958],
  6: [1308, 1211, 1180, 1143, 1143],
  7: [1765, 1688, 1387, 1368, 1329],
  8: [1267, 1123, 948, 911, 860],
  9: [901, 764, 736, 721, 681],
  10: [1017, 959, 796, 756, 756],
  11: [3843, 3746, 2892, 2834, 2834],
  12: [1761, 1640, 1517, 1478, 1457],
  13: [1267, 1129, 1137, 1148, 626],
  14: [948, 848, 779, 760, 760],
  15: [1117, 999, 888, 888, 851],
  16: [973, 836, 798, 782, 692],
  17: [960, 805, 767, 752, 731],
  18: [1014, 877, 818, 803, 710],
  19: [953, 809, 689, 670, 619],
  20: [985, 841, 689, 670, 619],
  21: [985, 841, 689, 670, 619],
  22: [2619, 2540, 2118, 2079, 2079],
  23: [1387, 1266, 1143, 1104, 1083],
  24: [1146, 986, 902, 823, 803],
  25: [1482, 1425, 1169, 1132, 1111],
  26: [1195, 1096, 1020, 1001, 1001],
  27: [1256, 1179, 915, 915, 857],
  28: [1290, 1192, 1162, 1162, 1143],
  29: [1157, 923, 827, 788, 718],
  30: [1106, 923, 788, 788, 700],
  31: [1763, 1664, 1205, 1117, 1096],
  32: [1763, 1664, 1168, 1117, 1096],
  33: [1839, 1761, 1422, 1353, 1332],
});

/** Heights (CSS px) at MEASURED_WIDTHS of the lab's views. */
export const LAB_HEIGHTS = Object.freeze({
  pad: [1140, 1035, 1029, 1008, 795],
  train: [2168, 1896, 1751, 1603, 1052],
});

/**
 * The heights of what an embed shows: a figure by number, a lab view, or a figure's view by
 * its name (and family); null where none was measured.
 * @param {{figure?: number | null, view?: string, arch?: string}} shown
 * @returns {number[] | null}
 */
function heightsOf({ figure = null, view = 'gallery', arch = 'conv' }) {
  if (figure !== null) return FIGURE_HEIGHTS[figure] ?? null;
  if (Object.hasOwn(LAB_HEIGHTS, view)) return LAB_HEIGHTS[view];
  const named = Object.hasOwn(FIGURE_VIEWS, view) ? FIGURE_VIEWS[view] : null;
  return named ? FIGURE_HEIGHTS[named[arch] ?? named.conv] ?? null : null;
}

/**
 * The height to reserve for an embed `width` CSS px wide, or null for what was not measured.
 * @param {{figure?: number | null, view?: string, arch?: string}} shown `figure`: asked for by
 *   number; else `view` (and `arch`), by name
 * @param {number} width
 * @returns {number | null}
 */
export function reservedHeight(shown, width) {
  const heights = heightsOf(shown);
  if (!heights) return null;
  const w = MEASURED_WIDTHS;
  if (!(width > w[0])) return heights[0];
  const i = w.findIndex((at) => at >= width);
  if (i === -1) return heights[heights.length - 1];
  const t = (width - w[i - 1]) / (w[i] - w[i - 1]);
  return Math.round(heights[i - 1] + t * (heights[i] - heights[i - 1]));
}
