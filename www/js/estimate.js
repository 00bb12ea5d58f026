// How long training will take, before it starts: floating-point operations per step divided
// by a throughput, measured in this browser once a network has trained on that backend, else
// a guess.

import { grouped } from './numbers.js';
import { MNIST_SIDE } from './rules.js';

/**
 * Cost models until a speed is measured here: a fixed cost per step (dispatch, the loss read)
 * plus the flops at a throughput. Fitted to measurements on a 2-core machine (the CPU's:
 * `cargo xtask bench`; the software adapter's: DESIGN section 7); the hardware GPU's numbers
 * are a rough guess.
 */
export const GUESSES = Object.freeze({
  // Our CPU convolution in wasm (flex): ConvNet depth 3 and 5 x 32 channels took 7.4 and
  // 18.7 ms a step (128 and 369 Mflop), 128 channels 234 ms (5.8 Gflop), `cargo xtask bench`.
  cpu: Object.freeze({ overheadMs: 1, gflops: 20 }),
  // A hardware GPU through WebGPU.
  gpu: Object.freeze({ overheadMs: 2, gflops: 100 }),
  // A software adapter (SwiftShader): about a second a step even for tiny networks.
  software: Object.freeze({ overheadMs: 800, gflops: 0.35 }),
});

/**
 * Milliseconds per step a cost model predicts.
 * @param {{overheadMs: number, gflops: number}} model
 * @param {number} flops
 * @returns {number}
 */
export function modelMs(model, flops) {
  return model.overheadMs + flops / (model.gflops * 1e6);
}

/** A training chunk (steps between loss reads) should take about this long. */
const CHUNK_MS = 150;
/** At most this many steps between loss reads (the curve needs points). */
const MAX_LOSS_EVERY = 20;

/**
 * The widths of a network's layers, input first: a ConvNet's channels (one in, `channels`
 * between, one out), an FCN's units (the image's pixels in and out). The core's
 * `ArchConfig::widths`; tests/e2e/estimate.test.mjs checks them against the parameter counts
 * the CLI wrote into every figure file.
 * @param {{arch: string, depth?: number, channels?: number, hidden?: number[]}} arch an ArchConfig
 * @param {number} [side] image side
 * @returns {number[]}
 */
export function layerWidths(arch, side = MNIST_SIDE) {
  if (arch.arch === 'conv') return [1, ...Array(arch.depth - 1).fill(arch.channels), 1];
  return [side * side, ...arch.hidden, side * side];
}

/**
 * Floating-point operations of one training step (forward and backward, about 3 x 2 flops per
 * multiply-add) on one image.
 * @param {{arch: string, depth?: number, channels?: number, kernel?: number, hidden?: number[]}} arch an ArchConfig
 * @param {number} [side] image side
 * @returns {number}
 */
export function flopsPerStep(arch, side = MNIST_SIDE) {
  const widths = layerWidths(arch, side);
  // A ConvNet's multiply-adds are per pixel and kernel tap; an FCN's per connection.
  const perConnection = arch.arch === 'conv' ? side * side * arch.kernel * arch.kernel : 1;
  let macs = 0;
  for (let i = 1; i < widths.length; i++) macs += widths[i - 1] * widths[i] * perConnection;
  return 6 * macs;
}

/**
 * Optimiser steps between loss reads so that a chunk takes about CHUNK_MS.
 * @param {number} msPerStep expected milliseconds per step
 * @returns {number} in 1..MAX_LOSS_EVERY
 */
export function lossEvery(msPerStep) {
  if (!(msPerStep > 0)) return 1;
  return Math.max(1, Math.min(MAX_LOSS_EVERY, Math.floor(CHUNK_MS / msPerStep)));
}

/**
 * Milliseconds a step, for people: "0.8 ms", "12 ms", "1,240 ms".
 * @param {number} ms
 * @returns {string}
 */
export function formatMs(ms) {
  return `${ms < 10 ? ms.toFixed(1) : grouped(Math.round(ms))} ms`;
}

/**
 * Formats an expected duration for people: "under a second", "about 40 s", "about 3 min".
 * @param {number} ms
 * @returns {string}
 */
export function formatDuration(ms) {
  if (!Number.isFinite(ms)) return 'an unknown time';
  const s = ms / 1000;
  if (s < 1) return 'under a second';
  if (s < 90) return `about ${Math.round(s)} s`;
  if (s < 5400) return `about ${Math.round(s / 60)} min`;
  return `about ${(s / 3600).toFixed(1)} h`;
}

/** Network sizes whose flops differ by less than this (in log) count as the same size. */
const SAME_SIZE = 0.05;

/** How far apart two network sizes are: |log(a / b)| of their flops. */
const sizeDistance = (a, b) => Math.abs(Math.log(a / b));

/** Where SpeedBook keeps its measurements in localStorage. */
export const SPEEDS_KEY = 'identity-crisis.speeds';
/** Measurements kept per backend. */
const SPEEDS_PER_BACKEND = 12;

/** Whether `m` is a measurement SpeedBook wrote: `{flops, msPerStep}`, both finite and > 0. */
function isMeasurement(m) {
  return m !== null && typeof m === 'object'
    && Number.isFinite(m.flops) && m.flops > 0 && Number.isFinite(m.msPerStep) && m.msPerStep > 0;
}

/**
 * The measurements in a stored text, keeping only well-formed ones: storage is shared with
 * whatever else ran on this origin, older versions and people editing it by hand.
 * @param {string | null} text
 * @returns {{byBackend: Object<string, {flops: number, msPerStep: number}[]>, clean: boolean}}
 *   the measurements, and whether the text held nothing else
 */
export function readSpeeds(text) {
  let parsed;
  try {
    parsed = JSON.parse(text ?? '{}');
  } catch {
    return { byBackend: Object.create(null), clean: false };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { byBackend: Object.create(null), clean: false };
  const byBackend = Object.create(null); // a "__proto__" backend stays a plain key
  let clean = true;
  for (const [backend, list] of Object.entries(parsed)) {
    const good = Array.isArray(list) ? list.filter(isMeasurement).slice(-SPEEDS_PER_BACKEND) : [];
    if (!Array.isArray(list) || good.length !== list.length) clean = false;
    if (good.length > 0) byBackend[backend] = good.map(({ flops, msPerStep }) => ({ flops, msPerStep }));
  }
  return { byBackend, clean };
}

/** The page's localStorage, or null where the browser denies it (e.g. in some frames). */
export function browserStorage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Measured speeds per backend, kept in localStorage so that estimates improve over visits. */
export class SpeedBook {
  /** @param {Storage | null} storage where to keep measurements (null: only in memory) */
  constructor(storage) {
    this.storage = storage;
    let text = null;
    try {
      text = storage?.getItem(SPEEDS_KEY) ?? null;
    } catch {
      // storage denied: estimates stay in memory
    }
    const { byBackend, clean } = readSpeeds(text);
    this.byBackend = byBackend;
    if (!clean) this.save(); // a bad entry is replaced by the good ones
  }

  /** Writes the measurements back, if storage allows. */
  save() {
    try {
      this.storage?.setItem(SPEEDS_KEY, JSON.stringify(this.byBackend));
    } catch {
      // storage full or denied: estimates stay in memory
    }
  }

  /**
   * Remembers the last ms/step seen for a backend at a network size.
   * @param {string} backend a backend label, e.g. "CPU" or "WebGPU (SwiftShader)"
   * @param {number} flops flopsPerStep of the network
   * @param {number} msPerStep measured
   */
  record(backend, flops, msPerStep) {
    if (!isMeasurement({ flops, msPerStep })) return;
    const list = (this.byBackend[backend] ?? []).filter((m) => sizeDistance(m.flops, flops) > SAME_SIZE);
    list.push({ flops, msPerStep });
    this.byBackend[backend] = list.slice(-SPEEDS_PER_BACKEND);
    this.save();
  }

  /**
   * Expected milliseconds per step: the cost model, scaled by how far off it was at the
   * nearest network size measured on this backend.
   * @param {string} backend a backend label
   * @param {number} flops flopsPerStep of the network
   * @param {{overheadMs: number, gflops: number}} model the guess for this kind of backend
   * @returns {{msPerStep: number, measured: boolean, exact: boolean}} `exact`: measured at
   *   this very size (within SAME_SIZE)
   */
  msPerStep(backend, flops, model) {
    const list = this.byBackend[backend] ?? [];
    const guess = modelMs(model, flops);
    if (list.length === 0) return { msPerStep: guess, measured: false, exact: false };
    const distance = (m) => sizeDistance(m.flops, flops);
    const nearest = list.reduce((a, b) => (distance(a) <= distance(b) ? a : b));
    return {
      msPerStep: guess * (nearest.msPerStep / modelMs(model, nearest.flops)),
      measured: true,
      exact: distance(nearest) <= SAME_SIZE,
    };
  }
}
