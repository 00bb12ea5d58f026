// Milliseconds per training step in headless Chromium, on burn's CPU backend (flex in wasm)
// and on WebGPU over SwiftShader; the time and bytes on the wire until the page's first
// paper figure shows its shipped answers; and the example post's bytes (first visit and
// second) and time to its first embedded figure: `npm run bench` (after `cargo xtask build`).
// A benchmark, not a test: it prints numbers and asserts nothing. `BENCH_WEBGPU=0` skips WebGPU.

import { launch } from './browser.mjs';
import { serve } from './server.mjs';

/** The configurations of the table, each with how many steps to time per backend. */
const CONFIGS = [
  { name: 'conv d3 32ch', arch: { arch: 'conv', depth: 3, channels: 32, kernel: 5 }, cpu: 20, webgpu: 3 },
  { name: 'conv d5 32ch', arch: { arch: 'conv', depth: 5, channels: 32, kernel: 5 }, cpu: 10, webgpu: 3 },
  { name: 'conv d5 128ch', arch: { arch: 'conv', depth: 5, channels: 128, kernel: 5 }, cpu: 3, webgpu: 1 },
  { name: 'relu 3x784', arch: { arch: 'relu', hidden: [784, 784, 784], train_bottom_only: false }, cpu: 20, webgpu: 5 },
  { name: 'linear 1 layer', arch: { arch: 'linear', hidden: [] }, cpu: 20, webgpu: 5 },
];

/** Runs in the page: warms up with 2 steps, then times `steps` steps ending in one read. */
async function timeSteps({ arch, backend, steps }) {
  const wasm = await import('/pkg/identity_wasm.js');
  await wasm.default();
  const adam = { name: 'adam' };
  const warm = await wasm.createSession(arch, { optimizer: adam, steps: 2, loss_every: 2 }, backend);
  await warm.advance();
  warm.free();
  const session = await wasm.createSession(arch, { optimizer: adam, steps: steps + 2, loss_every: 2 }, backend);
  await session.advance();
  const label = session.backend().label;
  const t0 = performance.now();
  let p;
  do p = await session.advance(); while (!p.stop);
  const ms = (performance.now() - t0) / (p.step - 2);
  session.free();
  return { label, ms };
}

/**
 * Opens the page fresh (empty cache) and waits for the first paper figure's shipped answers.
 * @returns {Promise<{first_paper_answer_ms: number, bytes_on_the_wire: number}>}
 */
async function firstPaperAnswer(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__timings?.firstPaperAnswer !== undefined, null, { timeout: 60_000 });
  const result = await page.evaluate(() => {
    const first = window.__timings.firstPaperAnswer;
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    const bytes = entries.filter((e) => e.responseEnd <= first).reduce((sum, e) => sum + e.transferSize, 0);
    return { first_paper_answer_ms: Math.round(first), bytes_on_the_wire: bytes };
  });
  await page.close();
  return result;
}

/**
 * Opens the example post (`www/examples/post.html`) twice in one browser (the second visit
 * with its cache), scrolling to every figure so that each loads, and counts the bytes received
 * by the post and all its frames.
 * @returns {Promise<{first_embed_shown_ms: number, first_visit_bytes: number, second_visit_bytes: number, figures: number}>}
 */
async function examplePost(context, url) {
  const page = await context.newPage();
  let bytes = 0;
  page.on('requestfinished', async (request) => {
    const sizes = await request.sizes();
    bytes += sizes.responseBodySize + sizes.responseHeadersSize;
  });
  const visit = async () => {
    bytes = 0;
    const started = Date.now();
    await page.goto(`${url}examples/post.html`);
    const figures = page.locator('identity-crisis, iframe.figure');
    const count = await figures.count();
    let first = null;
    for (let i = 0; i < count; i++) {
      const figure = figures.nth(i);
      await figure.scrollIntoViewIfNeeded();
      const frame = (await figure.evaluate((el) => el.tagName)) === 'IFRAME'
        ? figure.contentFrame()
        : figure.locator('iframe').contentFrame();
      await frame.locator('body[data-state="ready"]').waitFor({ timeout: 120_000 });
      first ??= Date.now() - started;
    }
    await page.waitForLoadState('networkidle');
    return { first, bytes, count };
  };
  const one = await visit();
  const two = await visit();
  await page.close();
  return { first_embed_shown_ms: one.first, first_visit_bytes: one.bytes, second_visit_bytes: two.bytes, figures: one.count };
}

async function run(webgpu) {
  const server = await serve();
  const browser = await launch({ webgpu });
  console.error(JSON.stringify(await firstPaperAnswer(browser.context, server.url)));
  // A browser of its own: the post's first visit starts from an empty cache.
  const reader = await launch();
  try {
    console.error(JSON.stringify(await examplePost(reader.context, server.url)));
  } finally {
    await reader.close();
  }
  const page = await browser.context.newPage();
  // Any page of the site's origin will do (this one is a 404): the bench imports the module.
  await page.goto(`${server.url}bench`);
  const results = [];
  try {
    for (const backend of webgpu ? ['cpu', 'webgpu'] : ['cpu']) {
      for (const c of CONFIGS) {
        const steps = backend === 'cpu' ? c.cpu : c.webgpu;
        try {
          const r = await page.evaluate(timeSteps, { arch: c.arch, backend, steps });
          results.push({ config: c.name, backend: r.label, steps, ms_per_step: Math.round(r.ms * 10) / 10 });
        } catch (e) {
          results.push({ config: c.name, backend, error: String(e.message ?? e) });
        }
        console.error(JSON.stringify(results.at(-1)));
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return results;
}

console.log(JSON.stringify(await run(process.env.BENCH_WEBGPU !== '0'), null, 1));
