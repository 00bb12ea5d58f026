// The page's link (www/js/state.js), in Node: a state written as a link and read back is the
// same state, and every bad key or value is ignored (its default kept) with a message that
// names the key and what it takes.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROPS, defaults, parseValue, fromHash, toHash, summarizeProblems, archOf, trainOf, MAX_HASH_CHARS,
} from '../../www/js/state.js';
import {
  MAX_DEPTH, MAX_KERNEL, MAX_LEARNING_RATE, SGD_MOMENTUM,
} from '../../www/js/rules.js';

/** The page's defaults, written out here rather than read from PROPS. */
const DEFAULTS = {
  arch: 'conv', depth: 3, channels: 32, kernel: 5, hidden: 1, width: 784, bottom: false,
  opt: null, lr: null, steps: null, seed: 0, image: null, backend: 'auto',
};

const prop = (name) => PROPS.find((p) => p.name === name);

describe('the link of the page', () => {
  it('every key has its documented default', () => {
    assert.deepEqual(defaults(), DEFAULTS);
    assert.deepEqual(defaults({ channels: 64 }), { ...DEFAULTS, channels: 64 }, 'an override replaces a default');
  });

  it("writes a ConvNet's keys only, optional ones only when set", () => {
    assert.equal(toHash(DEFAULTS), '#arch=conv&depth=3&channels=32&kernel=5&seed=0&backend=auto');
    assert.equal(
      toHash({ ...DEFAULTS, depth: 20, opt: 'adam', lr: 0.001, steps: 300, image: 7 }),
      '#arch=conv&depth=20&channels=32&kernel=5&opt=adam&lr=0.001&steps=300&seed=0&image=7&backend=auto',
    );
  });

  it("writes an FCN's keys only, and `bottom` only for a ReLU network", () => {
    const relu = {
      ...DEFAULTS, arch: 'relu', hidden: 2, width: 100, bottom: true, opt: 'sgd', lr: 0.01, steps: 500, seed: 7, image: 3, backend: 'cpu',
    };
    assert.equal(toHash(relu), '#arch=relu&hidden=2&width=100&bottom=true&opt=sgd&lr=0.01&steps=500&seed=7&image=3&backend=cpu');
    assert.equal(toHash({ ...relu, arch: 'linear' }), '#arch=linear&hidden=2&width=100&opt=sgd&lr=0.01&steps=500&seed=7&image=3&backend=cpu');
  });

  it('reads back every state it writes, with no problem and the keys it wrote as given', () => {
    const states = [
      DEFAULTS,
      { ...DEFAULTS, depth: MAX_DEPTH, channels: 1, kernel: MAX_KERNEL, seed: 4294967295, backend: 'webgpu' },
      { ...DEFAULTS, arch: 'relu', hidden: 0, width: 16, bottom: true, opt: 'adam', lr: MAX_LEARNING_RATE, steps: 1 },
      { ...DEFAULTS, arch: 'linear', hidden: 3, width: 784, lr: 1e-7, image: 0 },
    ];
    for (const state of states) {
      const hash = toHash(state);
      const { state: read, problems, given } = fromHash(hash);
      assert.deepEqual(problems, [], hash);
      assert.deepEqual(read, state, hash);
      assert.deepEqual([...given].sort(), [...new URLSearchParams(hash.slice(1)).keys()].sort(), hash);
    }
  });

  it('reads values as people write them: a sign, spaces, 1 and 0 for true and false, an empty optional', () => {
    const { state, problems } = fromHash('#depth=%2B5&channels=%2016%20&bottom=1&lr=.5&steps=&seed=0012');
    assert.deepEqual(problems, []);
    assert.equal(state.depth, 5);
    assert.equal(state.channels, 16);
    assert.equal(state.bottom, true);
    assert.equal(state.lr, 0.5);
    assert.equal(state.steps, null);
    assert.equal(state.seed, 12);
    assert.equal(fromHash('#lr=1e-3').state.lr, 0.001);
    assert.equal(fromHash('#bottom=0').state.bottom, false);
  });

  it('keeps the default of a bad value, and names the key and what it takes', () => {
    const cases = [
      ['depth=0', `depth must be an integer in 1..${MAX_DEPTH}`],
      [`depth=${MAX_DEPTH + 1}`, `depth must be an integer in 1..${MAX_DEPTH}`],
      ['depth=2.5', `depth must be an integer in 1..${MAX_DEPTH}`],
      ['depth=5.0', `depth must be an integer in 1..${MAX_DEPTH}`],
      ['depth=NaN', `depth must be an integer in 1..${MAX_DEPTH}`],
      ['kernel=4', `kernel must be an odd integer in 1..${MAX_KERNEL}`],
      ['arch=cnn', 'arch must be one of conv, relu, linear'],
      ['backend=gpu', 'backend must be one of auto, webgpu, cpu'],
      ['bottom=yes', 'bottom must be true or false'],
      ['lr=0', `lr must be a number in (0, ${MAX_LEARNING_RATE}]`],
      ['lr=-1', `lr must be a number in (0, ${MAX_LEARNING_RATE}]`],
      ['lr=Infinity', `lr must be a number in (0, ${MAX_LEARNING_RATE}]`],
      ['lr=0x10', `lr must be a number in (0, ${MAX_LEARNING_RATE}]`],
      ['seed=4294967296', 'seed must be an integer in 0..4294967295'],
      ['seed=', 'seed must be an integer in 0..4294967295'],
    ];
    for (const [pair, why] of cases) {
      const { state, problems, given } = fromHash(`#${pair}`);
      const key = pair.split('=')[0];
      assert.deepEqual(problems, [{ key, message: `Ignored "${pair}" in the link: ${why}` }], pair);
      assert.deepEqual(state, DEFAULTS, `${pair}: every key at its default`);
      assert.equal(given.size, 0, pair);
    }
  });

  it('ignores unknown and repeated keys, reading the first value of a key', () => {
    const { state, problems, given } = fromHash('#foo=1&depth=5&depth=6');
    assert.equal(state.depth, 5);
    assert.deepEqual([...given], ['depth']);
    assert.deepEqual(problems, [
      {
        key: 'foo',
        message: 'Ignored "foo=1" in the link: unknown key foo (known: arch, depth, channels, kernel, hidden, width, bottom, opt, lr, steps, seed, image, backend)',
      },
      { key: 'depth', message: 'Ignored "depth=6" in the link: depth is given more than once (only its first value is read)' },
    ]);
  });

  it('quotes a long key or value cut short', () => {
    const long = 'x'.repeat(50);
    const { problems } = fromHash(`#arch=${long}`);
    assert.equal(problems[0].message, `Ignored "arch=${'x'.repeat(40)}\u2026" in the link: arch must be one of conv, relu, linear`);
  });

  it('refuses a link too long to be one of its own, whole', () => {
    const hash = `#depth=5&seed=${'1'.repeat(MAX_HASH_CHARS)}`;
    const { state, problems, given } = fromHash(hash);
    assert.deepEqual(state, DEFAULTS, 'not even depth=5 is read');
    assert.equal(given.size, 0);
    assert.deepEqual(problems, [{
      key: null,
      message: `Ignored the link's settings: they are ${(hash.length - 1).toLocaleString('en-US')} characters long, `
        + `and this page reads at most ${MAX_HASH_CHARS.toLocaleString('en-US')}; every setting is at its default`,
    }]);
    assert.equal(fromHash(`#${'a'.repeat(MAX_HASH_CHARS)}`).problems[0].key, 'a'.repeat(MAX_HASH_CHARS), 'the longest link read is read');
  });

  it('keys absent from the link keep the base state', () => {
    const base = { ...DEFAULTS, depth: 9, seed: 4 };
    assert.deepEqual(fromHash('#seed=5', base).state, { ...base, seed: 5 });
  });

  it('says one problem as it is, and several as a count with the first three', () => {
    const p = (message) => ({ key: 'k', message });
    assert.equal(summarizeProblems([]), null);
    assert.equal(summarizeProblems([p('one')]), 'one');
    assert.equal(summarizeProblems([p('a'), p('b')]), 'The link has 2 problems, each ignored: a; b.');
    assert.equal(summarizeProblems([p('a'), p('b'), p('c')]), 'The link has 3 problems, each ignored: a; b; c.');
    assert.equal(summarizeProblems(['a', 'b', 'c', 'd', 'e'].map(p)), 'The link has 5 problems, each ignored: a; b; c; and 2 more.');
  });

  it('parseValue answers the value or why not', () => {
    assert.deepEqual(parseValue(prop('opt'), 'sgd'), { ok: true, value: 'sgd' });
    assert.deepEqual(parseValue(prop('opt'), ' '), { ok: true, value: null }, 'an optional key may be empty');
    assert.deepEqual(parseValue(prop('opt'), 'SGD'), { ok: false, message: 'opt must be one of adam, sgd' });
    assert.deepEqual(parseValue(prop('image'), '100'), { ok: false, message: 'image must be an integer in 0..99' });
    assert.deepEqual(parseValue(prop('image'), '99'), { ok: true, value: 99 });
  });
});

describe("the worker's arguments for a state", () => {
  it('archOf() gives the network of a state, in identity-wasm form', () => {
    assert.deepEqual(archOf(DEFAULTS), { arch: 'conv', depth: 3, channels: 32, kernel: 5 });
    assert.deepEqual(archOf({ ...DEFAULTS, arch: 'relu', hidden: 2, width: 100, bottom: true }), { arch: 'relu', hidden: [100, 100], train_bottom_only: true });
    assert.deepEqual(archOf({ ...DEFAULTS, arch: 'linear', hidden: 0, width: 100, bottom: true }), { arch: 'linear', hidden: [] });
  });

  it("trainOf() gives only the training settings the reader set", () => {
    assert.deepEqual(trainOf(DEFAULTS, 4), { seed: 0, loss_every: 4 });
    assert.deepEqual(trainOf({ ...DEFAULTS, seed: 3, opt: 'sgd', lr: 0.5, steps: 200 }, 10), {
      seed: 3, loss_every: 10, optimizer: { name: 'sgd', momentum: SGD_MOMENTUM }, learning_rate: 0.5, steps: 200,
    });
    assert.deepEqual(trainOf({ ...DEFAULTS, opt: 'adam' }, 1), { seed: 0, loss_every: 1, optimizer: { name: 'adam' } });
  });
});
