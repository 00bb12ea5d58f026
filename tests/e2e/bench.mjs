// The page's start in headless Chromium: the time and bytes on the wire until its first paper
// figure shows its shipped answers, the example post's bytes (first visit and second) and
// time to its first embedded figure, and the main thread while the worker trains (its longest
// task, how many took over 50 ms, and what ran in the longest frames), and the console errors
// of all these pages (there should be none): `npm run bench` (after `cargo xtask build`; `cargo xtask
// bench` runs it, with the training step against TensorFlow.js and jax-js in
// tests/bench/peers.mjs). A benchmark, not a test: it prints numbers and asserts nothing.

import { launch, waitForState, drawStroke, readyPostFigures } from './browser.mjs';
import { serve } from './server.mjs';

/**
 * Opens the page fresh (empty cache) and waits for the first paper figure's shipped answers.
 * @returns {Promise<{first_paper_answer_ms: number, bytes_on_the_wire: number}>}
 */
async function firstPaperAnswer(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__timings?.firstPaperAnswer !== undefined, null, { timeout: 60_000 });
  // What arrived by then, in absolute time: the page's requests and those of the worker that
  // fetches the figure files (not the network worker's: its wasm is not needed for this).
  const received = () => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .map((e) => ({ end: performance.timeOrigin + e.responseEnd, bytes: e.transferSize }));
  const { first, firstAt } = await page.evaluate(() => ({
    first: window.__timings.firstPaperAnswer,
    firstAt: performance.timeOrigin + window.__timings.firstPaperAnswer,
  }));
  const entries = await page.evaluate(received);
  for (const worker of page.workers().filter((w) => w.url().endsWith('/figure-worker.js'))) {
    entries.push(...await worker.evaluate(received));
  }
  await page.close();
  const bytes = entries.filter((e) => e.end <= firstAt).reduce((sum, e) => sum + e.bytes, 0);
  return { first_paper_answer_ms: Math.round(first), bytes_on_the_wire: bytes };
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
    let first = null;
    const count = await readyPostFigures(page, () => {
      first ??= Date.now() - started;
    });
    await page.waitForLoadState('networkidle');
    return { first, bytes, count };
  };
  const one = await visit();
  const two = await visit();
  await page.close();
  return { first_embed_shown_ms: one.first, first_visit_bytes: one.bytes, second_visit_bytes: two.bytes, figures: one.count };
}

/** A task longer than this delays a reader's input noticeably (the RAIL model's budget). */
const LONG_TASK_MS = 50;

/**
 * Trains a 3-layer 16-channel ConvNet for 300 steps on the CPU while drawing on the pad, and
 * watches the main thread: its longest task, the tasks over 50 ms, and the scripts that ran in
 * the long animation frames (Chromium's attribution: which function, called from what). The
 * Long Tasks API reports only tasks over 50 ms: a longest task of 0 means none took longer.
 * @returns {Promise<{longest_task_ms: number, tasks_over_50_ms: number, training_ms: number, long_frames: object[]}>}
 */
async function mainThreadWhileTraining(context, url) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__tasks = [];
    window.__frames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__frames.push({
          start: e.startTime,
          duration: Math.round(e.duration),
          scripts: e.scripts.map((s) => `${s.invokerType} ${s.invoker} -> ${s.sourceURL.split('/').pop()} ${s.sourceFunctionName} ${Math.round(s.duration)} ms`),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  });
  await page.goto(`${url}#arch=conv&depth=3&channels=16&kernel=5&steps=300&seed=1&backend=cpu`);
  await waitForState(page, ['ready'], 120_000);
  await page.waitForFunction(() => !document.querySelector('#train').disabled, null, { timeout: 60_000 });
  const t0 = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForState(page, ['training', 'trained'], 30_000);
  await drawStroke(page, [[0.2, 0.5], [0.5, 0.2], [0.8, 0.5], [0.5, 0.8]]);
  await waitForState(page, ['trained'], 240_000);
  const t1 = await page.evaluate(() => performance.now());
  const { tasks, frames } = await page.evaluate(() => ({ tasks: window.__tasks, frames: window.__frames }));
  await page.close();
  const during = (e) => e.start >= t0 && e.start <= t1;
  const durations = tasks.filter(during).map((t) => t.duration);
  return {
    longest_task_ms: Math.round(Math.max(0, ...durations)),
    tasks_over_50_ms: durations.filter((d) => d > LONG_TASK_MS).length,
    training_ms: Math.round(t1 - t0),
    long_frames: frames.filter(during).sort((a, b) => b.duration - a.duration).slice(0, 3)
      .map(({ duration, scripts }) => ({ duration, scripts })),
  };
}

/**
 * Collects the console errors of every page of `context` into `errors`: numbers of a page that
 * fails (a picture its policy blocks, a script that throws) measure something else.
 */
function watchErrors(context, errors) {
  context.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text().slice(0, 200));
  });
}

async function run() {
  const server = await serve();
  const browser = await launch();
  const errors = [];
  watchErrors(browser.context, errors);
  try {
    const first = await firstPaperAnswer(browser.context, server.url);
    const training = await mainThreadWhileTraining(browser.context, server.url);
    // A browser of its own: the post's first visit starts from an empty cache.
    const reader = await launch();
    watchErrors(reader.context, errors);
    try {
      const post = await examplePost(reader.context, server.url);
      return { ...first, main_thread_while_training: training, example_post: post, console_errors: errors };
    } finally {
      await reader.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

console.log(JSON.stringify(await run(), null, 1));
