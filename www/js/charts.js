// Pictures of data: images at data resolution (scaled by CSS) and the live loss curve.

import { COLORS, gray } from './palette.js';
import { MNIST_SIDE } from './rules.js';

/**
 * Throws unless `pixels` holds a side x side image at `offset`.
 * @param {Float32Array} pixels
 * @param {number} offset
 * @param {number} side
 */
function checkImage(pixels, offset, side) {
  if (pixels.length < offset + side * side) {
    throw new RangeError(`an image of side ${side} at ${offset} needs ${offset + side * side} values, got ${pixels.length}`);
  }
}

/**
 * Paints one side x side image (values in [0, 1], row-major) into a canvas at data
 * resolution; CSS scales it up with crisp pixels.
 * @param {HTMLCanvasElement} canvas
 * @param {Float32Array} pixels holds the image at `offset`
 * @param {number} [offset] index of the image's first pixel
 * @param {number} [side]
 */
export function paintImage(canvas, pixels, offset = 0, side = MNIST_SIDE) {
  checkImage(pixels, offset, side);
  if (canvas.width !== side) canvas.width = side;
  if (canvas.height !== side) canvas.height = side;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const g = gray(pixels[offset + i]);
    image.data[4 * i] = g;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = g;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/**
 * A loss curve on a log scale, redrawn as points arrive and when its canvas is resized. Its size
 * comes from the resize observer, never read from the layout: a point arriving while the page
 * changes (figures being built) would otherwise force a layout of everything that changed.
 */
export class LossChart {
  /** @param {HTMLCanvasElement} canvas sized by CSS */
  constructor(canvas) {
    this.canvas = canvas;
    this.points = [];
    this.steps = 1;
    /** The canvas's CSS size, as last observed (0 x 0 until then, or while hidden). */
    this.size = { width: 0, height: 0 };
    new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      this.size = { width, height };
      this.draw();
    }).observe(canvas);
  }

  /**
   * Starts a new curve.
   * @param {number} steps the step budget (the x axis)
   */
  reset(steps) {
    if (!(Number.isInteger(steps) && steps > 0)) throw new RangeError(`steps must be a positive integer, got ${steps}`);
    this.points = [];
    this.steps = steps;
    this.draw();
  }

  /**
   * Adds a point and redraws.
   * @param {number} step optimiser steps taken, in 0..steps
   * @param {number} loss the training loss, finite and >= 0
   */
  addPoint(step, loss) {
    if (!(Number.isFinite(step) && step >= 0 && step <= this.steps)) {
      throw new RangeError(`step must be in 0..${this.steps}, got ${step}`);
    }
    if (!(Number.isFinite(loss) && loss >= 0)) throw new RangeError(`loss must be a finite number >= 0, got ${loss}`);
    this.points.push([step, Math.max(loss, 1e-12)]);
    this.draw();
  }

  /** The first and last loss, or null before any point. */
  span() {
    if (this.points.length === 0) return null;
    return { first: this.points[0][1], last: this.points[this.points.length - 1][1] };
  }

  draw() {
    const { canvas } = this;
    const dpr = window.devicePixelRatio || 1;
    const { width: w, height: h } = this.size;
    if (w === 0 || h === 0) return;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = '11px system-ui, sans-serif';
    const box = { left: 44, right: w - 10, top: 8, bottom: h - 22 };
    if (this.points.length === 0) {
      ctx.fillStyle = COLORS.muted;
      ctx.textAlign = 'center';
      ctx.fillText('The loss curve appears here while training.', w / 2, h / 2);
      return;
    }
    // A loop, not Math.min(...logs): spreading hundreds of thousands of points overflows the stack.
    const logs = this.points.map(([, loss]) => Math.log10(loss));
    let [lo, hi] = [Infinity, -Infinity];
    for (const log of logs) {
      lo = Math.min(lo, log);
      hi = Math.max(hi, log);
    }
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
    if (hi - lo < 1) hi = lo + 1;
    const x = (step) => box.left + (step / this.steps) * (box.right - box.left);
    const y = (log) => box.bottom - ((log - lo) / (hi - lo)) * (box.bottom - box.top);

    ctx.strokeStyle = COLORS.grid;
    ctx.fillStyle = COLORS.muted;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const every = Math.ceil((hi - lo) / 6);
    for (let d = lo; d <= hi; d += every) {
      ctx.beginPath();
      ctx.moveTo(box.left, y(d));
      ctx.lineTo(box.right, y(d));
      ctx.stroke();
      ctx.fillText(`1e${d}`, box.left - 6, y(d));
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText('0', x(0), box.bottom + 6);
    ctx.fillText(`${this.steps} steps`, Math.min(x(this.steps), box.right - 24), box.bottom + 6);

    ctx.strokeStyle = COLORS.loss;
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    this.points.forEach(([step], i) => (i === 0 ? ctx.moveTo(x(step), y(logs[i])) : ctx.lineTo(x(step), y(logs[i]))));
    ctx.stroke();
    const [lastStep] = this.points[this.points.length - 1];
    ctx.fillStyle = COLORS.loss;
    ctx.beginPath();
    ctx.arc(x(lastStep), y(logs[logs.length - 1]), 3, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/**
 * Bytes before a BMP's pixels: its file header (14), info header (40) and 256-grey palette
 * (1,024), then 2 bytes of padding, so that they are a whole number of base64 groups (3 bytes)
 * and their base64 can be written once for each size.
 */
const BMP_PIXELS_AT = 14 + 40 + 256 * 4 + 2;

/** The base64 of a BMP's bytes before its pixels, by the image's width and height. */
const bmpHeads = new Map();

/** The base64 of the headers and palette of a width x height 8-bit grey BMP (rows from the bottom). */
function bmpHead(width, height) {
  const key = `${width}x${height}`;
  if (!bmpHeads.has(key)) {
    const row = Math.ceil(width / 4) * 4;
    const head = new Uint8Array(BMP_PIXELS_AT);
    const view = new DataView(head.buffer);
    head.set([0x42, 0x4d]); // "BM"
    view.setUint32(2, BMP_PIXELS_AT + row * height, true);
    view.setUint32(10, BMP_PIXELS_AT, true);
    view.setUint32(14, 40, true);
    view.setInt32(18, width, true);
    view.setInt32(22, height, true); // positive: rows from the bottom up
    view.setUint16(26, 1, true); // planes
    view.setUint16(28, 8, true); // bits per pixel
    view.setUint32(34, row * height, true);
    view.setUint32(46, 256, true); // colours in the palette
    for (let g = 0; g < 256; g++) head.fill(g, 54 + 4 * g, 54 + 4 * g + 3);
    bmpHeads.set(key, base64(head));
  }
  return bmpHeads.get(key);
}

/** Bytes handed to String.fromCharCode at once: far below the engines' limit on arguments. */
const BASE64_CHUNK = 8192;

/** The base64 of `bytes`. */
function base64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) text += String.fromCharCode(...bytes.subarray(i, i + BASE64_CHUNK));
  return btoa(text);
}

/**
 * Pictures of one side, left to right, as one `data:` URL of an 8-bit grey BMP, the simplest
 * format every browser decodes.
 * @param {{pixels: Float32Array, offset?: number}[]} pictures each holds its image at `offset`
 * @param {number} side
 * @returns {string}
 */
function stripURL(pictures, side) {
  const width = side * pictures.length;
  const row = Math.ceil(width / 4) * 4;
  const bytes = new Uint8Array(row * side);
  pictures.forEach(({ pixels, offset = 0 }, k) => {
    checkImage(pixels, offset, side);
    for (let y = 0; y < side; y++) {
      const start = (side - 1 - y) * row + k * side;
      for (let x = 0; x < side; x++) bytes[start + x] = gray(pixels[offset + y * side + x]);
    }
  });
  return `data:image/bmp;base64,${bmpHead(width, side)}${base64(bytes)}`;
}

/**
 * The most pixels in one strip: every tile names its strip's whole URL, and each tile's style
 * reads it (about 1.4 bytes of URL a pixel), so that large pictures (Fig. 10's 112 x 112) make
 * strips of one each; a row of 28 x 28 pictures is one strip.
 */
const STRIP_PIXELS = 16_384;

/**
 * The `index`th of `count` pictures of a strip: an element sized by CSS, with crisp pixels.
 * @param {string} url the strip's URL (stripURL)
 * @param {number} index
 * @param {number} count
 * @param {string} label its text alternative (empty: decoration, hidden from screen readers)
 * @returns {HTMLDivElement}
 */
function stripTile(url, index, count, label) {
  const tile = document.createElement('div');
  tile.className = 'pixels strip-tile';
  tile.style.backgroundImage = `url("${url}")`;
  tile.style.setProperty('--tile', String(index));
  tile.style.setProperty('--tiles', String(count));
  if (label) {
    tile.setAttribute('role', 'img');
    tile.setAttribute('aria-label', label);
    tile.title = label;
  } else {
    tile.setAttribute('aria-hidden', 'true');
  }
  return tile;
}

/**
 * Elements showing pictures (values in [0, 1], row-major), sized by CSS with crisp pixels.
 * Neighbours of one side share an image, a strip of them side by side (at most STRIP_PIXELS
 * pixels), and each element shows its tile of it as a CSS background: painted with the page
 * and decoded off the main thread, with no canvas of its own to hand to the compositor every
 * frame. Each image a page loads costs its main thread about a third of a millisecond
 * (headless Chromium, this repository's machine), whatever its size: a row of a figure is
 * one image, not one a picture.
 * @param {{pixels: Float32Array, offset?: number, side?: number}[]} pictures each holds its
 *   image at `offset` (default 0), `side` x `side` (default 28)
 * @param {string[]} [labels] each picture's text alternative (none: decoration)
 * @returns {HTMLDivElement[]} one element a picture, in order
 */
export function pictureTiles(pictures, labels = []) {
  const tiles = [];
  let strip = [];
  const close = () => {
    const side = strip[0].side ?? MNIST_SIDE;
    const url = stripURL(strip, side);
    for (let i = 0; i < strip.length; i++) tiles.push(stripTile(url, i, strip.length, labels[tiles.length] ?? ''));
    strip = [];
  };
  for (const picture of pictures) {
    const side = picture.side ?? MNIST_SIDE;
    if (strip.length > 0 && ((strip[0].side ?? MNIST_SIDE) !== side || (strip.length + 1) * side * side > STRIP_PIXELS)) close();
    strip.push(picture);
  }
  if (strip.length > 0) close();
  return tiles;
}
