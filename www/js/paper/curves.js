// Line charts of the paper's curves (Fig. 9, 13, 16-18): a few series of numbers against one
// x axis, drawn as inline SVG in the width it is given (1 unit of the drawing is 1 CSS pixel:
// redrawn when the width changes, so its text keeps the page's sizes on a phone as on a
// desktop), with a legend under it and every number in a table for those who read numbers.

import { COLORS } from '../palette.js';
import { el, scrollBox } from './parts.js';

/**
 * The x axis: its name and the x of every value of the series (increasing).
 * `ticks`: the values to mark (some are left out where their labels would touch), else round
 * numbers; `format`: an x for people (ticks, table, tooltips).
 * @typedef {{label: string, values: number[], ticks?: number[], format?: (x: number) => string}} XAxis
 */
/**
 * The y axis: its name, its range (widened to the data where the data goes beyond), linear or
 * log (values of 0 and below are gaps on a log axis), how a value is written in the table and
 * tooltips, and dashed reference lines across the chart (e.g. chance).
 * @typedef {{label: string, min?: number, max?: number, log?: boolean, format?: (y: number) => string,
 *   guides?: {value: number, label: string}[]}} YAxis
 */
/**
 * A curve: its name (legend, table), one value per x (null: a gap in the line), its colour,
 * and its style: `dashed`, or `thick` (a wide, semi-transparent band without points, for a
 * reference drawn under the others).
 * @typedef {{name: string, values: (number | null)[], color: string, dashed?: boolean, thick?: boolean}} Series
 */

const SVG = 'http://www.w3.org/2000/svg';

/**
 * The sequential palette of curves by depth (or size), light to dark: the dark half of
 * viridis, whose lightest colour still contrasts 3.3:1 with white (WCAG's 3:1 for graphics)
 * and whose hue turns from green through blue to purple as it darkens.
 */
const SEQUENTIAL = Object.freeze(['#1f9e89', '#26828e', '#31688e', '#3e4a89', '#482878', '#440154']);

/** The red of a reference curve (the page's error red, --error): at the thick band's opacity
 * it contrasts 3.4:1 with white. */
export const REFERENCE_COLOR = '#c92a2a';

/** The thick band's opacity (see REFERENCE_COLOR). */
const THICK_OPACITY = 0.7;

/**
 * `n` colours of the sequential palette, lightest first: give the shallowest network the first
 * and the deepest the last (dark = deepest).
 * @param {number} n
 * @returns {string[]} CSS colours
 */
export function sequentialColors(n) {
  if (n <= 1) return [SEQUENTIAL[SEQUENTIAL.length - 1]].slice(0, n);
  const rgb = SEQUENTIAL.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  return Array.from({ length: n }, (_, i) => {
    const at = (i / (n - 1)) * (rgb.length - 1);
    const lo = Math.min(Math.floor(at), rgb.length - 2);
    const t = at - lo;
    const mixed = rgb[lo].map((c, k) => Math.round(c + (rgb[lo + 1][k] - c) * t));
    return `#${mixed.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  });
}

/** The point shapes, taken in turn by the series: colour is not the only tell. */
const SHAPES = Object.freeze(['circle', 'square', 'triangle', 'diamond']);

/** Geometry, in CSS pixels (the drawing's height is the stylesheet's: `.chart-plot`, half its
 * width within 220-320 px, so that drawing never changes the layout). */
const LAYOUT = Object.freeze({
  top: 12,
  right: 14,
  /** Under the plot: the tick labels, then the x axis's name. */
  bottom: 42,
  /** The width of one character of a tick label (--text-xs, 11.2 px at the usual root size),
   * a little over, to size the margins and space the ticks. */
  char: 6.8,
  /** The least space between two tick labels. */
  gap: 10,
  /** The size the chart is drawn at until it is laid out. */
  width: 600,
  height: 300,
});

/** An SVG element with attributes. */
function svg(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** A number without float noise (0.30000000000000004 -> 0.3). */
const clean = (v) => Number(v.toPrecision(12));

/** The round step (1, 2 or 5 times a power of ten) that cuts `range` into about `count`. */
function niceStep(range, count) {
  const raw = range / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

/** Round ticks from `lo` to `hi`, about `count`, whole numbers only if `integer`. */
function roundTicks(lo, hi, count, integer) {
  if (!(hi > lo)) return [lo];
  const step = integer ? Math.max(1, Math.round(niceStep(hi - lo, count))) : niceStep(hi - lo, count);
  const ticks = [];
  for (let k = Math.ceil(clean(lo / step)); clean(k * step) <= hi; k++) ticks.push(clean(k * step));
  return ticks;
}

/** The digits after the point a tick of `step` needs. */
const decimalsFor = (step) => Math.max(0, -Math.floor(Math.log10(step) + 1e-9));

const SUPERSCRIPT = Object.freeze({ '-': '\u207b', 0: '\u2070', 1: '\u00b9', 2: '\u00b2', 3: '\u00b3', 4: '\u2074', 5: '\u2075', 6: '\u2076', 7: '\u2077', 8: '\u2078', 9: '\u2079' });

/** A tick of a log axis: plain from 0.001 to 9999, else as a power of ten (2\u00d710\u207b\u2074). */
function logTick(v) {
  if (v >= 1e-3 && v < 1e4) return String(clean(v));
  const exp = Math.floor(Math.log10(v) + 1e-9);
  const mantissa = clean(v / 10 ** exp);
  const power = `10${[...String(exp)].map((c) => SUPERSCRIPT[c]).join('')}`;
  return mantissa === 1 ? power : `${mantissa}\u00d7${power}`;
}

/** A value for people when the caller gave no format: three significant digits. */
const plain = (v) => String(clean(Number(v.toPrecision(3))));

/**
 * The y scale: domain, ticks and their labels, and the map to pixels.
 * @param {YAxis} y
 * @param {number[]} data every value drawn (finite; positive on a log axis)
 * @param {number} top pixel of the domain's top
 * @param {number} bottom pixel of its bottom
 */
function yScale(y, data, top, bottom) {
  const count = Math.max(2, Math.floor((bottom - top) / 40));
  if (y.log) {
    const lo = Math.min(...data, y.min > 0 ? y.min : Infinity);
    const hi = Math.max(...data, y.max > 0 ? y.max : -Infinity);
    // The domain's ends: 1, 2 or 5 times a power of ten, round the data.
    const steps = (e) => [1, 2, 5].map((m) => clean(m * 10 ** e));
    const below = (v) => Math.max(...[-1, 0].flatMap((d) => steps(Math.floor(Math.log10(v)) + d)).filter((t) => t <= v * (1 + 1e-9)));
    const above = (v) => Math.min(...[0, 1].flatMap((d) => steps(Math.floor(Math.log10(v)) + d)).filter((t) => t >= v * (1 - 1e-9)));
    let [from, to] = Number.isFinite(lo) ? [below(lo), above(hi)] : [0.1, 1];
    // Over many decades, whole decades.
    if (Math.log10(to / from) > 2.5) [from, to] = [clean(10 ** Math.floor(Math.log10(from) + 1e-9)), clean(10 ** Math.ceil(Math.log10(to) - 1e-9))];
    const [a, b] = [Math.log10(from), Math.log10(to) > Math.log10(from) ? Math.log10(to) : Math.log10(from) + 1];
    const decades = [];
    for (let e = Math.ceil(a - 1e-9); e <= b + 1e-9; e++) decades.push(clean(10 ** e));
    // Over a decade or two, 2 and 5 times the powers of ten too; the ends always.
    const between = b - a <= 2.5 ? decades.flatMap((t) => [clean(t / 5), clean(t / 2), t, clean(2 * t), clean(5 * t)]) : decades;
    const ticks = [...new Set([from, ...between, clean(10 ** b)])].filter((t) => t >= from * (1 - 1e-9) && t <= 10 ** b * (1 + 1e-9)).sort((m, n) => m - n);
    const at = (v) => bottom - ((Math.log10(v) - a) / (b - a)) * (bottom - top);
    return { ticks, label: logTick, at };
  }
  const lo = Math.min(...data, y.min ?? Math.min(0, ...data));
  const highest = Math.max(...data, y.max ?? -Infinity);
  const hi = highest > lo ? highest : lo + 1;
  const step = niceStep(hi - lo, count);
  const [from, to] = [y.min !== undefined && lo === y.min ? lo : Math.floor(clean(lo / step)) * step, y.max !== undefined && hi === y.max ? hi : Math.ceil(clean(hi / step)) * step];
  const ticks = roundTicks(from, to, count, false);
  const digits = decimalsFor(step);
  const at = (v) => bottom - ((v - from) / (to - from)) * (bottom - top);
  return { ticks, label: (v) => v.toFixed(digits), at };
}

/**
 * The x ticks that fit: `wanted` ones (or round ones), none nearer its neighbour than its
 * label's width and a gap; the first and last x are marked where they fit.
 */
function xTicks(x, lo, hi, width, format) {
  const integer = x.values.every(Number.isInteger);
  const labelWidth = (v) => format(v).length * LAYOUT.char;
  const widest = Math.max(...x.values.map(labelWidth), LAYOUT.char);
  const candidates = x.ticks ?? [lo, ...roundTicks(lo, hi, Math.max(2, Math.floor(width / (widest + 40))), integer), hi];
  const px = (v) => (hi > lo ? ((v - lo) / (hi - lo)) * width : width / 2);
  const kept = [];
  for (const v of [...new Set(candidates)].filter((t) => t >= lo && t <= hi).sort((a, b) => a - b)) {
    const last = kept[kept.length - 1];
    const room = (a, b) => px(b) - px(a) >= (labelWidth(a) + labelWidth(b)) / 2 + LAYOUT.gap;
    if (last === undefined || room(last, v)) kept.push(v);
    // The last x is worth more than the tick before it.
    else if (v === hi && (kept.length < 2 || room(kept[kept.length - 2], v))) kept[kept.length - 1] = v;
  }
  return kept;
}

/** A point of a series: its shape at (cx, cy), with a tooltip. */
function point(shape, cx, cy, color, tip) {
  const r = 3.6;
  const common = { fill: color, stroke: '#fff', 'stroke-width': 1 };
  const title = svg('title');
  title.textContent = tip;
  if (shape === 'circle') return svg('circle', { cx, cy, r, ...common }, [title]);
  if (shape === 'square') return svg('rect', { x: cx - r * 0.9, y: cy - r * 0.9, width: r * 1.8, height: r * 1.8, ...common }, [title]);
  const d = shape === 'triangle'
    ? `M${cx} ${cy - r * 1.2}L${cx + r * 1.1} ${cy + r * 0.8}L${cx - r * 1.1} ${cy + r * 0.8}Z`
    : `M${cx} ${cy - r * 1.25}L${cx + r * 1.1} ${cy}L${cx} ${cy + r * 1.25}L${cx - r * 1.1} ${cy}Z`;
  return svg('path', { d, ...common }, [title]);
}

/** The stroke of a series' line. */
function stroke(series) {
  return {
    fill: 'none',
    stroke: series.color,
    'stroke-width': series.thick ? 8 : 2,
    'stroke-linejoin': 'round',
    'stroke-linecap': 'round',
    ...(series.thick ? { 'stroke-opacity': THICK_OPACITY } : {}),
    ...(series.dashed ? { 'stroke-dasharray': '6 4' } : {}),
  };
}

/** Whether `v` can be drawn on the axis. */
function drawable(v, y) {
  return v !== null && Number.isFinite(v) && !(y.log && v <= 0);
}

/**
 * Draws the chart into `root` (emptied first) at `width` x `height` CSS pixels.
 * @param {SVGSVGElement} root
 * @param {number} width
 * @param {number} height
 * @param {{x: XAxis, y: YAxis, series: Series[]}} spec
 */
function draw(root, width, height, { x, y, series }) {
  const fx = x.format ?? String;
  const fy = y.format ?? plain;
  const data = series.flatMap((s) => s.values.filter((v) => drawable(v, y)));
  const guides = (y.guides ?? []).filter((g) => drawable(g.value, y));
  const [top, bottom] = [LAYOUT.top, height - LAYOUT.bottom];
  const scale = yScale(y, [...data, ...guides.map((g) => g.value)], top, bottom);
  // No two tick labels nearer than their height and a little.
  scale.ticks = scale.ticks.reduce((kept, t) => (kept.length && Math.abs(scale.at(kept[kept.length - 1]) - scale.at(t)) < 16 ? kept : [...kept, t]), []);
  const left = Math.ceil(Math.max(...scale.ticks.map((t) => scale.label(t).length)) * LAYOUT.char + 12);
  const right = width - LAYOUT.right;
  const [lo, hi] = [Math.min(...x.values), Math.max(...x.values)];
  const px = (v) => (hi > lo ? left + ((v - lo) / (hi - lo)) * (right - left) : (left + right) / 2);

  const grid = svg('g', { class: 'grid', stroke: COLORS.grid, 'stroke-width': 1 });
  const labels = svg('g', { class: 'ticks' });
  for (const t of scale.ticks) {
    const at = Math.round(scale.at(t)) + 0.5;
    grid.append(svg('line', { x1: left, x2: right, y1: at, y2: at }));
    const label = svg('text', { x: left - 6, y: at, 'text-anchor': 'end', 'dominant-baseline': 'middle' });
    label.textContent = scale.label(t);
    labels.append(label);
  }
  for (const t of xTicks(x, lo, hi, right - left, fx)) {
    const at = Math.round(px(t)) + 0.5;
    grid.append(svg('line', { x1: at, x2: at, y1: bottom, y2: bottom + 4, stroke: COLORS.muted }));
    const label = svg('text', { x: at, y: bottom + 8, 'text-anchor': 'middle', 'dominant-baseline': 'hanging' });
    label.textContent = fx(t);
    labels.append(label);
  }
  const axes = svg('path', { d: `M${left + 0.5} ${top}V${bottom + 0.5}H${right}`, fill: 'none', stroke: COLORS.muted, 'stroke-width': 1 });
  const name = svg('text', { class: 'axis-name', x: (left + right) / 2, y: height - 4, 'text-anchor': 'middle' });
  name.textContent = x.label;

  // The points of the lines, every few pixels along them, that a guide's label should not
  // cover.
  const occupied = series.flatMap((s) => {
    const pts = s.values.map((v, k) => (drawable(v, y) ? [px(x.values[k]), scale.at(v)] : null));
    return pts.flatMap((p, k) => {
      const next = pts[k + 1];
      if (!p || !next) return p ? [p] : [];
      const steps = Math.ceil(Math.hypot(next[0] - p[0], next[1] - p[1]) / 4);
      return Array.from({ length: steps }, (_, t) => [p[0] + ((next[0] - p[0]) * t) / steps, p[1] + ((next[1] - p[1]) * t) / steps]);
    });
  });
  const marks = svg('g', { class: 'guides' });
  for (const g of guides) {
    const at = scale.at(g.value);
    marks.append(svg('line', { x1: left, x2: right, y1: at, y2: at, stroke: COLORS.muted, 'stroke-width': 1.5, 'stroke-dasharray': '4 4' }));
    // Its label above or below the line, at its right or left end: where it covers the fewest
    // points of the curves (the first such place of these, in this order).
    const wide = g.label.length * LAYOUT.char;
    /** @type {[number, number, string][]} */
    const places = [[right - 2, at - 5, 'end'], [right - 2, at + 14, 'end'], [left + 6, at - 5, 'start'], [left + 6, at + 14, 'start']];
    const covered = ([tx, ty, anchor]) => {
      const [x0, x1] = anchor === 'end' ? [tx - wide - 6, tx + 6] : [tx - 6, tx + wide + 6];
      return occupied.filter(([a, b]) => a >= x0 && a <= x1 && b >= ty - 16 && b <= ty + 8).length;
    };
    const [tx, ty, anchor] = places.reduce((best, place) => (covered(place) < covered(best) ? place : best));
    const label = svg('text', { x: tx, y: ty, 'text-anchor': anchor });
    label.textContent = g.label;
    marks.append(label);
  }

  const lines = svg('g', { class: 'series' });
  series.forEach((s, i) => {
    const shape = SHAPES[i % SHAPES.length];
    const pts = s.values.map((v, k) => (drawable(v, y) ? [px(x.values[k]), scale.at(v), v, k] : null));
    // Runs of drawable points, split at the gaps.
    const runs = [];
    for (const p of pts) {
      if (p === null) runs.push([]);
      else if (runs.length === 0) runs.push([p]);
      else runs[runs.length - 1].push(p);
    }
    const group = svg('g');
    for (const run of runs.filter((r) => r.length > 1)) {
      group.append(svg('polyline', { points: run.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' '), ...stroke(s) }));
    }
    for (const p of pts.filter(Boolean)) {
      const tip = `${s.name}: ${x.label} ${fx(x.values[p[3]])}, ${fy(p[2])}`;
      const lone = !runs.some((r) => r.length > 1 && r.includes(p));
      if (s.thick) {
        if (lone) group.append(svg('circle', { cx: p[0], cy: p[1], r: 4, fill: s.color, 'fill-opacity': THICK_OPACITY }));
      } else {
        group.append(point(shape, p[0], p[1], s.color, tip));
      }
    }
    lines.append(group);
  });

  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  root.replaceChildren(grid, axes, marks, labels, name, lines);
}

/** A small drawing of a series' line and point, for the legend. */
function swatch(series, i) {
  const sample = svg('svg', { viewBox: '0 0 30 14', width: 30, height: 14, 'aria-hidden': 'true' }, [
    svg('line', { x1: 2, x2: 28, y1: 7, y2: 7, ...stroke(series), 'stroke-width': series.thick ? 7 : 2 }),
  ]);
  if (!series.thick) {
    const dot = point(SHAPES[i % SHAPES.length], 15, 7, series.color, '');
    dot.querySelector('title').remove();
    sample.append(dot);
  }
  return sample;
}

/** What the chart shows, in a sentence, for its accessible name. */
function summary(title, x, y, series) {
  const fx = x.format ?? String;
  const [lo, hi] = [Math.min(...x.values), Math.max(...x.values)];
  const guides = (y.guides ?? []).map((g) => `; a dashed line marks ${g.label}`).join('');
  return `${title}: line chart of ${y.label}${y.log ? ' (log scale)' : ''} against ${x.label}, from ${fx(lo)} to ${fx(hi)}; `
    + `${series.length} curve${series.length === 1 ? '' : 's'}: ${series.map((s) => s.name).join(', ')}${guides}. `
    + 'Every value is in the table "The numbers" below.';
}

/** Every value, a row per series and a column per x. */
function numbers(title, x, y, series) {
  const fx = x.format ?? String;
  const fy = y.format ?? plain;
  const head = el('tr', {}, [el('th', { text: x.label, attrs: { scope: 'col' } }), ...x.values.map((v) => el('th', { text: fx(v), attrs: { scope: 'col' } }))]);
  const rows = series.map((s) => el('tr', {}, [
    el('th', { text: s.name, attrs: { scope: 'row' } }),
    ...x.values.map((_, k) => {
      const v = s.values[k];
      return Number.isFinite(v) ? el('td', { text: fy(v) }) : el('td', { className: 'none', text: '\u2013', attrs: { title: 'no value' } });
    }),
  ]));
  const table = el('table', { className: 'chart-table' }, [
    el('caption', { className: 'visually-hidden', text: `${title}: ${y.label}, by ${x.label}` }),
    el('thead', {}, [head]),
    el('tbody', {}, rows),
  ]);
  return el('details', { className: 'chart-numbers' }, [el('summary', { text: 'The numbers' }), scrollBox(table, `The numbers: ${title}`)]);
}

/**
 * A line chart: its title, the y axis's name, the drawing (an SVG that fills the width it is
 * given and is redrawn when that changes), a legend that wraps, an optional note, and "The
 * numbers", every value in a table. The SVG is an image (role="img") named by a sentence that
 * says what it shows.
 * @param {{title: string, x: XAxis, y: YAxis, series: Series[], note?: string}} chart
 * @returns {HTMLElement}
 */
export function curveChart({ title, x, y, series, note = '' }) {
  const root = svg('svg', { class: 'curves', role: 'img', 'aria-label': summary(title, x, y, series) });
  const plot = el('div', { className: 'chart-plot' }, [root]);
  const spec = { x, y, series };
  let drawn = '';
  const redraw = (width, height) => {
    if (width > 0 && height > 0 && `${width}x${height}` !== drawn) {
      drawn = `${width}x${height}`;
      draw(root, width, height, spec);
    }
  };
  redraw(LAYOUT.width, LAYOUT.height);
  // Redrawn in the size it is laid out in, before it is painted (the size is the stylesheet's:
  // drawing does not change it, so this never loops).
  new ResizeObserver((entries) => {
    const { width, height } = entries[entries.length - 1].contentRect;
    redraw(Math.round(width), Math.round(height));
  }).observe(plot);
  const legend = el('ul', { className: 'chart-legend' }, series.map((s, i) => el('li', {}, [swatch(s, i), el('span', { text: s.name })])));
  return el('div', { className: 'curve-chart' }, [
    el('p', { className: 'chart-title', text: title }),
    el('p', { className: 'chart-axis', text: `${y.label}${y.log ? ' (log scale)' : ''}` }),
    plot,
    legend,
    note ? el('p', { className: 'note', text: note }) : null,
    numbers(title, x, y, series),
  ]);
}
