// The drawing pad: strokes are drawn antialiased on a high-resolution canvas and averaged down
// to the 28 x 28 image the network sees, which is what the visible canvas shows (crisp pixels,
// white on black like MNIST). Pointer Events cover mouse, touch and pen; the keyboard moves a
// cursor (arrows), paints (Space, or Shift+arrows to draw a line) and undoes (Ctrl+Z).

import { COLORS } from './palette.js';
import { paintImage } from './charts.js';
import { MNIST_SIDE } from './rules.js';

/** Brush diameters in image pixels (MNIST strokes are about 2-3 pixels wide). */
export const BRUSHES = Object.freeze({ thin: 1.6, medium: 2.4, thick: 3.4 });
/** Upsampling of the stroke canvas over the image. */
const SCALE = 10;
/** Undo steps kept. */
const UNDO_LIMIT = 30;

/** A drawing pad over a canvas; dispatches "change" after every change of the image. */
export class DrawingPad extends EventTarget {
  /**
   * @param {HTMLCanvasElement} canvas the visible pad (focusable)
   * @param {number} [side] image side
   */
  constructor(canvas, side = MNIST_SIDE) {
    super();
    this.canvas = canvas;
    this.side = side;
    this.brush = BRUSHES.medium;
    this.version = 0;
    this.undoStack = [];
    this.cursor = null;
    this.stroke = null;
    this.cached = null;
    this.strokes = document.createElement('canvas');
    this.strokes.width = this.strokes.height = side * SCALE;
    this.ink = this.strokes.getContext('2d', { willReadFrequently: true });
    this.view = document.createElement('canvas');
    this.view.width = this.view.height = side;
    canvas.width = canvas.height = side * SCALE;
    this.clearInk();
    this.listen();
    this.changed();
  }

  /** The image as the network sees it: side x side values in [0, 1], row-major (a copy). */
  pixels() {
    if (!this.cached) {
      const n = this.side;
      const big = this.ink.getImageData(0, 0, n * SCALE, n * SCALE).data;
      const out = new Float32Array(n * n);
      for (let y = 0; y < n * SCALE; y++) {
        const row = Math.floor(y / SCALE) * n;
        for (let x = 0; x < n * SCALE; x++) out[row + Math.floor(x / SCALE)] += big[4 * (y * n * SCALE + x)];
      }
      for (let i = 0; i < out.length; i++) out[i] /= 255 * SCALE * SCALE;
      this.cached = out;
    }
    return this.cached.slice();
  }

  /**
   * Replaces the image (undoable), e.g. with a digit or a pattern.
   * @param {Float32Array} pixels side x side values in [0, 1]
   */
  load(pixels) {
    const n = this.side;
    if (pixels.length !== n * n) throw new RangeError(`the pad takes ${n * n} pixels, got ${pixels.length}`);
    this.remember();
    paintImage(this.view, pixels, 0, n);
    this.ink.imageSmoothingEnabled = false;
    this.ink.drawImage(this.view, 0, 0, n * SCALE, n * SCALE);
    this.changed();
  }

  /** Clears the pad (undoable). */
  clear() {
    this.remember();
    this.clearInk();
    this.changed();
  }

  /** Undoes the last stroke, load or clear; returns whether there was one. */
  undo() {
    const last = this.undoStack.pop();
    if (!last) return false;
    this.ink.putImageData(last, 0, 0);
    this.changed();
    return true;
  }

  clearInk() {
    this.ink.fillStyle = '#000';
    this.ink.fillRect(0, 0, this.strokes.width, this.strokes.height);
  }

  remember() {
    this.undoStack.push(this.ink.getImageData(0, 0, this.strokes.width, this.strokes.height));
    if (this.undoStack.length > UNDO_LIMIT) this.undoStack.shift();
  }

  changed() {
    this.cached = null;
    this.version += 1;
    this.canvas.dataset.version = String(this.version);
    this.render();
    this.dispatchEvent(new Event('change'));
  }

  /** Draws the image (crisp pixels), a faint pixel grid and the keyboard cursor. */
  render() {
    const n = this.side;
    paintImage(this.view, this.pixels(), 0, n);
    const ctx = this.canvas.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.view, 0, 0, n * SCALE, n * SCALE);
    ctx.strokeStyle = COLORS.padGrid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = 1; i < n; i++) {
      ctx.moveTo(i * SCALE + 0.5, 0);
      ctx.lineTo(i * SCALE + 0.5, n * SCALE);
      ctx.moveTo(0, i * SCALE + 0.5);
      ctx.lineTo(n * SCALE, i * SCALE + 0.5);
    }
    ctx.stroke();
    if (this.cursor) {
      const r = (this.brush * SCALE) / 2;
      ctx.strokeStyle = COLORS.cursor;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc((this.cursor.x + 0.5) * SCALE, (this.cursor.y + 0.5) * SCALE, r, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }

  /** Where a pointer event falls, in stroke-canvas units. */
  at(event) {
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) / rect.width) * this.strokes.width,
      y: ((event.clientY - rect.top) / rect.height) * this.strokes.height,
    };
  }

  /** Paints a smooth segment: a quadratic curve through the midpoints of the last points. */
  paint(from, control, to) {
    const ctx = this.ink;
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    ctx.lineWidth = this.brush * SCALE;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    if (from.x === to.x && from.y === to.y && control.x === to.x && control.y === to.y) {
      ctx.arc(to.x, to.y, (this.brush * SCALE) / 2, 0, 2 * Math.PI);
      ctx.fill();
      return;
    }
    ctx.moveTo(from.x, from.y);
    ctx.quadraticCurveTo(control.x, control.y, to.x, to.y);
    ctx.stroke();
  }

  listen() {
    const c = this.canvas;
    c.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      c.focus({ preventScroll: true });
      c.setPointerCapture(e.pointerId);
      this.cursor = null;
      this.remember();
      const p = this.at(e);
      this.stroke = { id: e.pointerId, last: p, mid: p };
      this.paint(p, p, p);
      this.changed();
    });
    c.addEventListener('pointermove', (e) => {
      if (!this.stroke || e.pointerId !== this.stroke.id) return;
      const events = e.getCoalescedEvents?.() ?? [];
      for (const ev of events.length ? events : [e]) {
        const p = this.at(ev);
        const mid = { x: (this.stroke.last.x + p.x) / 2, y: (this.stroke.last.y + p.y) / 2 };
        this.paint(this.stroke.mid, this.stroke.last, mid);
        this.stroke.last = p;
        this.stroke.mid = mid;
      }
      this.changed();
    });
    const end = (e) => {
      if (!this.stroke || e.pointerId !== this.stroke.id) return;
      this.paint(this.stroke.mid, this.stroke.last, this.stroke.last);
      this.stroke = null;
      this.changed();
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('keydown', (e) => this.key(e));
    c.addEventListener('blur', () => {
      this.cursor = null;
      this.render();
    });
  }

  /** Keyboard drawing: arrows move the cursor, Shift+arrows draw, Space/Enter paint a dot. */
  key(e) {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      this.undo();
      return;
    }
    const centre = Math.floor(this.side / 2);
    const cursor = this.cursor ?? { x: centre, y: centre };
    const toInk = (p) => ({ x: (p.x + 0.5) * SCALE, y: (p.y + 0.5) * SCALE });
    if (moves[e.key]) {
      e.preventDefault();
      const [dx, dy] = moves[e.key];
      const next = {
        x: Math.max(0, Math.min(this.side - 1, cursor.x + dx)),
        y: Math.max(0, Math.min(this.side - 1, cursor.y + dy)),
      };
      this.cursor = next;
      if (e.shiftKey) {
        this.remember();
        this.paint(toInk(cursor), toInk(cursor), toInk(next));
        this.changed();
      } else {
        this.render();
      }
    } else if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      this.cursor = cursor;
      this.remember();
      const p = toInk(cursor);
      this.paint(p, p, p);
      this.changed();
    }
  }
}
