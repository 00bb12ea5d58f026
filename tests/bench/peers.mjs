// The browser side of `cargo xtask bench`: the benchmark's training step in the same headless
// Chromium three ways, ours (identity-wasm: burn's flex backend in wasm, and WebGPU),
// TensorFlow.js 4.22 (its WebGL and CPU backends) and jax-js 0.1.25 (its wasm device), with our
// CPU's speed-up over the fastest peer. Same networks, one 28 x 28 image, mean squared error,
// each network's default optimiser as `identity-crisis bench` reports it (SGD with momentum or
// Adam). Reads that benchmark's JSON (its `results`: architecture and training configuration)
// from the file named by its first argument. Prints a table; asserts nothing.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../e2e/browser.mjs';
import { serve } from '../e2e/server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MODULES = path.join(HERE, 'node_modules');
/** Steps timed per network and library (after 3 warm-up steps). */
const STEPS = { conv: 10, relu: 10, linear: 20 };
const BIG = 64; // channels from which a ConvNet is timed on fewer steps
const WARMUP = 3;

/** The bench page, on the site's origin (so our wasm loads as the page's does). */
const PAGE = '<!doctype html><meta charset="utf-8"><title>peers</title><script src="/peers/@tensorflow/tfjs/dist/tf.min.js"></script>';

/** Runs in the page: times our training step (identity-wasm on `backend`: cpu or webgpu). */
async function ours({ arch, train, steps, warmup, backend }) {
  const wasm = await import('/pkg/identity_wasm.js');
  await wasm.default();
  const session = await wasm.createSession(arch, { ...train, steps: steps + warmup, loss_every: warmup, tolerance: 0 }, backend);
  await session.advance();
  const t0 = performance.now();
  let p;
  do p = await session.advance(); while (!p.stop);
  const ms = (performance.now() - t0) / steps;
  session.free();
  return ms;
}

/** Runs in the page: times the step in TensorFlow.js on `backend`. */
async function tfjs({ arch, train, steps, warmup, backend }) {
  /* global tf */
  await tf.setBackend(backend);
  await tf.ready();
  const side = 28;
  const image = tf.randomUniform([1, side, side, 1]);
  const vars = [];
  let forward;
  if (arch.arch === 'conv') {
    const widths = [1, ...Array(arch.depth - 1).fill(arch.channels), 1];
    for (let i = 0; i < arch.depth; i++) {
      const bound = 1 / Math.sqrt(widths[i] * arch.kernel * arch.kernel);
      vars.push([tf.variable(tf.randomUniform([arch.kernel, arch.kernel, widths[i], widths[i + 1]], -bound, bound)),
        tf.variable(tf.randomUniform([widths[i + 1]], -bound, bound))]);
    }
    forward = (x) => vars.reduce((a, [w, b], i) => {
      const y = tf.conv2d(a, w, 1, 'same').add(b);
      return i < vars.length - 1 ? tf.relu(y) : y;
    }, x);
  } else {
    const relu = arch.arch === 'relu';
    const widths = [side * side, ...arch.hidden, side * side];
    for (let i = 0; i < widths.length - 1; i++) {
      const bound = 1 / Math.sqrt(widths[i]);
      vars.push([tf.variable(tf.randomUniform([widths[i], widths[i + 1]], -bound, bound)),
        relu ? tf.variable(tf.randomUniform([widths[i + 1]], -bound, bound)) : null]);
    }
    forward = (x) => vars.reduce((a, [w, b], i) => {
      const y = b ? tf.matMul(a, w).add(b) : tf.matMul(a, w);
      return relu && i < vars.length - 1 ? tf.relu(y) : y;
    }, x.reshape([1, side * side])).reshape([1, side, side, 1]);
  }
  const opt = train.optimizer.name === 'sgd'
    ? tf.train.momentum(train.learning_rate, train.optimizer.momentum)
    : tf.train.adam(train.learning_rate, 0.9, 0.999, 1e-5);
  const step = (read) => {
    const loss = opt.minimize(() => tf.losses.meanSquaredError(image, forward(image)), true);
    if (read) loss.dataSync();
    loss.dispose();
  };
  for (let i = 0; i < warmup; i++) step(i === warmup - 1);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step((i + 1) % 5 === 0 || i === steps - 1);
  const ms = (performance.now() - t0) / steps;
  opt.dispose();
  vars.flat().forEach((v) => v?.dispose());
  image.dispose();
  return ms;
}

/** Runs in the page: times the step in jax-js on its wasm device (one jitted step). */
async function jaxjs({ arch, train, steps, warmup }) {
  const jax = await import('/peers/@jax-js/jax/dist/index.js');
  const { numpy: np, lax, nn, random, jit, valueAndGrad, tree } = jax;
  await jax.init('wasm');
  jax.defaultDevice('wasm');
  const side = 28;
  let seed = 0;
  const uniform = (shape, bound) => random.uniform(random.key(seed++), shape, { minval: -bound, maxval: bound });
  let params;
  let forward;
  if (arch.arch === 'conv') {
    const widths = [1, ...Array(arch.depth - 1).fill(arch.channels), 1];
    params = widths.slice(0, -1).map((w, i) => {
      const bound = 1 / Math.sqrt(w * arch.kernel * arch.kernel);
      return { w: uniform([widths[i + 1], w, arch.kernel, arch.kernel], bound), b: uniform([1, widths[i + 1], 1, 1], bound) };
    });
    forward = (p, x) => p.reduce((a, { w, b }, i) => {
      const y = lax.conv(a, w, [1, 1], 'SAME').add(b);
      return i < p.length - 1 ? nn.relu(y) : y;
    }, x);
  } else {
    const relu = arch.arch === 'relu';
    const widths = [side * side, ...arch.hidden, side * side];
    params = widths.slice(0, -1).map((w, i) => {
      const bound = 1 / Math.sqrt(w);
      return relu ? { w: uniform([w, widths[i + 1]], bound), b: uniform([1, widths[i + 1]], bound) } : { w: uniform([w, widths[i + 1]], bound) };
    });
    forward = (p, x) => p.reduce((a, { w, b }, i) => {
      const y = b ? np.matmul(a, w).add(b) : np.matmul(a, w);
      return relu && i < p.length - 1 ? nn.relu(y) : y;
    }, x.reshape([1, side * side]));
  }
  const image = random.uniform(random.key(1), [1, 1, side, side]);
  const target = arch.arch === 'conv' ? image.ref : image.ref.reshape([1, side * side]);
  const loss = (p, x, t) => np.mean(np.square(forward(p, x).sub(t)));
  const lr = train.learning_rate;
  const sgd = train.optimizer.name === 'sgd';
  const momentum = sgd ? train.optimizer.momentum : 0;
  // The optimiser's state: momentum buffers (SGD) or first and second moments (Adam).
  let state = sgd
    ? { v: tree.map((a) => np.zerosLike(a.ref), params) }
    : { m: tree.map((a) => np.zerosLike(a.ref), params), s: tree.map((a) => np.zerosLike(a.ref), params), t: np.array(0) };
  // Every array is used once (jax-js counts references): `tree.ref` keeps one for later.
  const update = jit((p, st, x, t) => {
    const [l, g] = valueAndGrad(loss)(tree.ref(p), x, t);
    if (sgd) {
      const v = tree.map((vi, gi) => vi.mul(momentum).add(gi), st.v, g);
      return [l, tree.map((pi, vi) => pi.sub(vi.mul(lr)), p, tree.ref(v)), { v }];
    }
    const step = st.t.add(1);
    const m = tree.map((mi, gi) => mi.mul(0.9).add(gi.mul(0.1)), st.m, tree.ref(g));
    const s = tree.map((si, gi) => si.mul(0.999).add(np.square(gi).mul(0.001)), st.s, g);
    const c1 = np.subtract(1, np.power(0.9, step.ref));
    const c2 = np.subtract(1, np.power(0.999, step.ref));
    const next = tree.map((pi, mi, si) => pi.sub(mi.div(c1.ref).mul(lr).div(np.sqrt(si.div(c2.ref)).add(1e-5))), p, tree.ref(m), tree.ref(s));
    c1.dispose();
    c2.dispose();
    return [l, next, { m, s, t: step }];
  });
  const run = async (n) => {
    for (let i = 0; i < n; i++) {
      const [l, p, st] = update(params, state, image.ref, target.ref);
      params = p;
      state = st;
      if ((i + 1) % 5 === 0 || i === n - 1) await l.data();
      else l.dispose();
    }
  };
  await run(warmup);
  const t0 = performance.now();
  await run(steps);
  return (performance.now() - t0) / steps;
}

const [configsFile] = process.argv.slice(2);
if (!configsFile) throw new Error('usage: node peers.mjs <identity-crisis bench --json output>');
const configs = JSON.parse(fs.readFileSync(configsFile, 'utf8')).results;
const server = await serve();
// WebGPU on, as the page has it (here a software adapter, SwiftShader, unless a GPU is there).
const browser = await launch({ webgpu: true });
const results = [];
try {
  const page = await browser.context.newPage();
  await page.route(`${server.url}peers/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/peers/bench.html') return route.fulfill({ contentType: 'text/html', body: PAGE });
    const file = path.join(MODULES, decodeURIComponent(url.pathname.slice('/peers/'.length)));
    if (!file.startsWith(MODULES) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ contentType: file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream', body: fs.readFileSync(file) });
  });
  await page.goto(`${server.url}peers/bench.html`);
  for (const { config, arch, train } of configs) {
    const steps = arch.arch === 'conv' && arch.channels >= BIG ? 3 : STEPS[arch.arch];
    const args = { arch, train, steps, warmup: WARMUP };
    const row = { config, steps };
    for (const [name, fn, extra] of [
      ['ours (flex, wasm)', ours, { backend: 'cpu' }], ['ours (WebGPU)', ours, { backend: 'webgpu' }],
      ['tfjs webgl', tfjs, { backend: 'webgl' }], ['tfjs cpu', tfjs, { backend: 'cpu' }], ['jax-js wasm', jaxjs, {}],
    ]) {
      try {
        row[name] = Math.round((await page.evaluate(fn, { ...args, ...extra })) * 10) / 10;
      } catch (error) {
        row[name] = null;
        row[`${name} error`] = String(error.message ?? error).split('\n')[0];
      }
      console.error(`${config} ${name}: ${row[name] ?? row[`${name} error`]}`);
    }
    const peers = ['tfjs webgl', 'tfjs cpu', 'jax-js wasm'].map((n) => row[n]).filter((v) => v !== null);
    row['best peer / ours'] = peers.length && row['ours (flex, wasm)'] ? Math.round((Math.min(...peers) / row['ours (flex, wasm)']) * 10) / 10 : null;
    results.push(row);
  }
} finally {
  await browser.close();
  await server.close();
}
const columns = ['ours (flex, wasm)', 'ours (WebGPU)', 'tfjs webgl', 'tfjs cpu', 'jax-js wasm', 'best peer / ours'];
console.log('\nms per training step in headless Chromium (best peer / ours: how many times faster our CPU step is)');
console.log(['network'.padEnd(18), ...columns.map((c) => c.padStart(17))].join(' '));
for (const row of results) {
  console.log([row.config.padEnd(18), ...columns.map((c) => String(row[c] ?? 'failed').padStart(17))].join(' '));
}
for (const row of results) {
  for (const c of columns) if (row[`${c} error`]) console.log(`${row.config}, ${c}: ${row[`${c} error`]}`);
}
