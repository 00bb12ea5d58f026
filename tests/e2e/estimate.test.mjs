// How long training will take (www/js/estimate.js), in Node: a step's flops worked out by
// hand, the chunk between loss reads, the durations said to people, and the speeds kept in
// storage (a stand-in for localStorage), bad entries dropped.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  GUESSES, modelMs, flopsPerStep, layerWidths, lossEvery, formatMs, formatDuration, readSpeeds, SpeedBook, SPEEDS_KEY,
} from '../../www/js/estimate.js';

/** A Storage of a Map; `broken`: every call throws, as a denied localStorage does. */
function memoryStorage(initial = null, { broken = false } = {}) {
  const items = new Map(initial === null ? [] : [[SPEEDS_KEY, initial]]);
  return {
    items,
    getItem(key) {
      if (broken) throw new Error('denied');
      return items.has(key) ? items.get(key) : null;
    },
    setItem(key, value) {
      if (broken) throw new Error('denied');
      items.set(key, String(value));
    },
  };
}

describe('a step of training', () => {
  it('counts 6 flops per multiply-add of a ConvNet, per pixel', () => {
    // Depth 3, 32 channels, kernel 5: 1->32, 32->32, 32->1 channels, 25 taps each.
    const macs = 1 * 32 * 25 + 32 * 32 * 25 + 32 * 1 * 25;
    assert.equal(flopsPerStep({ arch: 'conv', depth: 3, channels: 32, kernel: 5 }), 6 * 784 * macs);
    assert.equal(flopsPerStep({ arch: 'conv', depth: 3, channels: 32, kernel: 5 }), 127_948_800);
    assert.equal(flopsPerStep({ arch: 'conv', depth: 1, channels: 99, kernel: 3 }, 14), 6 * 196 * 9, 'one layer: 1 channel in, 1 out');
  });

  it('counts 6 flops per weight of a fully connected network', () => {
    assert.equal(flopsPerStep({ arch: 'linear', hidden: [] }), 6 * 784 * 784);
    assert.equal(flopsPerStep({ arch: 'relu', hidden: [100], train_bottom_only: false }), 6 * (784 * 100 + 100 * 784));
    assert.equal(flopsPerStep({ arch: 'relu', hidden: [10, 20] }, 7), 6 * (49 * 10 + 10 * 20 + 20 * 49));
  });

  it('a cost model adds its overhead to the flops at its throughput', () => {
    assert.equal(modelMs({ overheadMs: 1, gflops: 20 }, 2e9), 101);
    assert.equal(modelMs({ overheadMs: 800, gflops: 0.35 }, 0), 800);
    assert.equal(modelMs(GUESSES.cpu, 20e6), GUESSES.cpu.overheadMs + 1);
  });

  it('reads the loss about every 150 ms, at least every step and at most every 20', () => {
    for (const [ms, every] of [[1, 20], [7.5, 20], [10, 15], [50, 3], [75, 2], [150, 1], [151, 1], [5000, 1], [0, 1], [-1, 1], [NaN, 1]]) {
      assert.equal(lossEvery(ms), every, `${ms} ms a step`);
    }
  });
});

describe('times for people', () => {
  it('a step in milliseconds: one decimal below 10, else whole and grouped', () => {
    assert.equal(formatMs(0.8), '0.8 ms');
    assert.equal(formatMs(9.44), '9.4 ms');
    assert.equal(formatMs(12.4), '12 ms');
    assert.equal(formatMs(1240.4), '1,240 ms');
  });

  it('a duration in the largest unit that fits', () => {
    for (const [ms, words] of [
      [Infinity, 'an unknown time'], [NaN, 'an unknown time'], [0, 'under a second'], [999, 'under a second'],
      [1000, 'about 1 s'], [40_400, 'about 40 s'], [89_400, 'about 89 s'], [90_000, 'about 2 min'],
      [180_000, 'about 3 min'], [5_399_000, 'about 90 min'], [5_400_000, 'about 1.5 h'], [36_000_000, 'about 10.0 h'],
    ]) assert.equal(formatDuration(ms), words, `${ms} ms`);
  });
});

describe('speeds kept in storage', () => {
  it('reads well-formed measurements, and says whether the text held anything else', () => {
    // byBackend has no prototype (see the "__proto__" test): compared as a plain object.
    const read = (text) => {
      const { byBackend, clean } = readSpeeds(text);
      assert.equal(Object.getPrototypeOf(byBackend), null);
      return { byBackend: { ...byBackend }, clean };
    };
    assert.deepEqual(read(null), { byBackend: {}, clean: true });
    assert.deepEqual(read('{"CPU":[{"flops":1000000,"msPerStep":2}]}'), { byBackend: { CPU: [{ flops: 1e6, msPerStep: 2 }] }, clean: true });
    for (const bad of ['not json', '[1]', 'null', '3']) assert.deepEqual(read(bad), { byBackend: {}, clean: false }, bad);
  });

  it('drops bad measurements and stray fields, and keeps the last 12 per backend', () => {
    const text = JSON.stringify({
      CPU: [{ flops: -1, msPerStep: 2 }, { flops: 1e6, msPerStep: 0 }, { flops: 1e6, msPerStep: 2, note: 'x' }, null, 'fast'],
      GPU: 'fast',
      WebGPU: Array.from({ length: 13 }, (_, i) => ({ flops: i + 1, msPerStep: 1 })),
    });
    const { byBackend, clean } = readSpeeds(text);
    assert.equal(clean, false);
    assert.deepEqual(Object.keys(byBackend).sort(), ['CPU', 'WebGPU']);
    assert.deepEqual(byBackend.CPU, [{ flops: 1e6, msPerStep: 2 }]);
    assert.deepEqual(byBackend.WebGPU.map((m) => m.flops), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('a backend named "__proto__" is a plain key', () => {
    const { byBackend, clean } = readSpeeds('{"__proto__":[{"flops":5,"msPerStep":1}]}');
    assert.equal(clean, true);
    assert.deepEqual(Object.keys(byBackend), ['__proto__']);
    assert.deepEqual(byBackend.__proto__, [{ flops: 5, msPerStep: 1 }]);
  });

  it('guesses by the cost model until a speed is measured', () => {
    const book = new SpeedBook(null);
    const model = { overheadMs: 1, gflops: 20 };
    assert.deepEqual(book.msPerStep('CPU', 1e8, model), { msPerStep: 6, measured: false, exact: false });
  });

  it('scales the model by how far off it was at the nearest size measured', () => {
    const storage = memoryStorage();
    const book = new SpeedBook(storage);
    const model = { overheadMs: 1, gflops: 20 };
    book.record('CPU', 1e8, 10); // the model says 6 ms here
    assert.deepEqual(book.msPerStep('CPU', 1e8, model), { msPerStep: 10, measured: true, exact: true });
    const twice = book.msPerStep('CPU', 2e8, model); // the model says 11 ms
    assert.ok(Math.abs(twice.msPerStep - 11 * (10 / 6)) < 1e-9, `${twice.msPerStep}`);
    assert.equal(twice.exact, false);
    assert.equal(book.msPerStep('WebGPU', 1e8, model).measured, false, 'per backend');
    assert.deepEqual(JSON.parse(storage.items.get(SPEEDS_KEY)), { CPU: [{ flops: 1e8, msPerStep: 10 }] });
    // The nearest of two sizes: 1e9 is nearer to 8e8 than 1e8 is.
    book.record('CPU', 1e9, 202); // the model says 51 ms here: 202 is 4 times that
    const near = book.msPerStep('CPU', 8e8, model); // the model says 41 ms
    assert.ok(Math.abs(near.msPerStep - 41 * (202 / 51)) < 1e-9, `${near.msPerStep}`);
  });

  it('a new measurement at about the same size replaces the old; a bad one is ignored', () => {
    const storage = memoryStorage();
    const book = new SpeedBook(storage);
    book.record('CPU', 1e8, 10);
    book.record('CPU', 1.01e8, 20);
    book.record('CPU', 1e8, NaN);
    book.record('CPU', 0, 5);
    assert.deepEqual(JSON.parse(storage.items.get(SPEEDS_KEY)), { CPU: [{ flops: 1.01e8, msPerStep: 20 }] });
  });

  it('keeps the last 12 sizes measured on a backend', () => {
    const book = new SpeedBook(null);
    for (let i = 0; i < 14; i++) book.record('CPU', 1e6 * 2 ** i, 1);
    assert.deepEqual(book.byBackend.CPU.map((m) => m.flops), Array.from({ length: 12 }, (_, i) => 1e6 * 2 ** (i + 2)));
  });

  it('rewrites stored text that held bad entries, and keeps going where storage is denied', () => {
    const storage = memoryStorage('{"CPU":[{"flops":1,"msPerStep":0}],"GPU":[{"flops":2,"msPerStep":3}]}');
    new SpeedBook(storage);
    assert.equal(storage.items.get(SPEEDS_KEY), '{"GPU":[{"flops":2,"msPerStep":3}]}');
    const clean = memoryStorage('{"GPU":[{"flops":2,"msPerStep":3}]}');
    clean.setItem = () => assert.fail('clean text is not written again');
    new SpeedBook(clean);
    const denied = new SpeedBook(memoryStorage(null, { broken: true }));
    denied.record('CPU', 1e8, 10);
    assert.equal(denied.msPerStep('CPU', 1e8, { overheadMs: 1, gflops: 20 }).msPerStep, 10, 'remembered in memory');
  });
});

describe("a network's layers", () => {
  it("are the core's: the parameter counts they give equal those the CLI wrote into every figure file of the site", () => {
    // Every network a figure file names, with the parameter count `ArchConfig::param_count`
    // gave it; a weight per connection (per kernel tap for a ConvNet), and a bias per unit
    // above the input except in the linear nets.
    const counted = new Map();
    const visit = (value) => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') {
        if (value.arch && typeof value.arch === 'object' && Number.isInteger(value.params)) counted.set(JSON.stringify(value.arch), value);
        Object.values(value).forEach(visit);
      }
    };
    const folder = new URL('../../www/paper/', import.meta.url);
    for (const name of fs.readdirSync(folder).filter((f) => /^fig\d+\.json$/.test(f))) {
      visit(JSON.parse(fs.readFileSync(new URL(name, folder), 'utf8')));
    }
    assert.ok(counted.size >= 20, `networks with a parameter count in the figure files: ${counted.size}`);
    for (const { arch, params } of counted.values()) {
      const widths = layerWidths(arch);
      const taps = arch.arch === 'conv' ? arch.kernel * arch.kernel : 1;
      let weights = 0;
      for (let i = 1; i < widths.length; i++) weights += widths[i - 1] * widths[i] * taps;
      const biases = arch.arch === 'linear' ? 0 : widths.slice(1).reduce((a, b) => a + b, 0);
      assert.equal(weights + biases, params, JSON.stringify(arch));
    }
  });
});
