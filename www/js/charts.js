// Pictures of data: images at data resolution (scaled by CSS) and the live loss curve.

import { COLORS, gray } from './palette.js';

/**
 * Paints one side x side image (values in [0, 1], row-major) into a canvas at data
 * resolution; CSS scales it up with crisp pixels.
 * @param {HTMLCanvasElement} canvas
 * @param {Float32Array} pixels holds the image at `offset`
 * @param {number} [offset] index of the image's first pixel
 * @param {number} [side]
 */
export function paintImage(canvas, pixels, offset = 0, side = 28) {
  if (pixels.length < offset + side * side) {
    throw new RangeError(`an image of side ${side} at ${offset} needs ${offset + side * side} values, got ${pixels.length}`);
  }
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

/** A loss curve on a log scale, redrawn as points arrive and when its canvas is resized. */
export class LossChart {
  /** @param {HTMLCanvasElement} canvas sized by CSS */
  constructor(canvas) {
    this.canvas = canvas;
    this.points = [];
    this.steps = 1;
    new ResizeObserver(() => this.draw()).observe(canvas);
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
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
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
 * A small canvas showing one image (crisp pixels, sized by CSS).
 * @param {Float32Array} pixels holds the image at `offset`
 * @param {number} [offset]
 * @param {string} [label] accessible name (the canvas is then an image for screen readers)
 * @returns {HTMLCanvasElement}
 */
export function imageCanvas(pixels, offset = 0, label = '') {
  const canvas = document.createElement('canvas');
  canvas.className = 'pixels';
  paintImage(canvas, pixels, offset);
  if (label) {
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', label);
  } else {
    canvas.setAttribute('aria-hidden', 'true');
  }
  return canvas;
}
