// The page's start in headless Chromium: the time and bytes on the wire until its first paper
// figure shows its shipped answers, the example post's bytes (first visit and second) and
// time to its first embedded figure, the page and the post loading at a phone's and a
// desktop's size (blocking time, longest task, layout shift, axe's findings), the main thread
// while the worker trains (its longest task, how many took over 50 ms, and what ran in the
// longest frames), and the console errors of all these pages (there should be none): `npm run
// bench` (after `cargo xtask build`; `cargo xtask bench` runs it, with the training step
// against TensorFlow.js and jax-js in tests/bench/peers.mjs and Lighthouse in
// tests/bench/lighthouse.mjs). A benchmark, not a test: it prints numbers and asserts nothing.

import { launch, waitForState, drawStroke, readyPostFigures, accessibilityFaults } from './browser.mjs';
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

/** The sizes the page and the post load at: Lighthouse's phone (a Moto G Power) and desktop. */
const SIZES = [{ name: 'phone', width: 412, height: 823 }, { name: 'desktop', width: 1350, height: 940 }];

/** How long the main thread is watched after the figures in sight have drawn (ms). */
const QUIET_MS = 3_000;

/**
 * Records, in every frame of a page, its long tasks and layout shifts (before it loads).
 * @param {import('playwright-core').Page} page
 */
async function watchLoad(page) {
  await page.addInitScript(() => {
    window.__load = { tasks: [], shifts: [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__load.tasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__load.shifts.push({ at: e.startTime, value: e.value });
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

/**
 * A frame's layout shift as Chromium scores it (CLS): the largest sum of shifts in a window
 * of at most 5 s whose shifts are less than 1 s apart.
 * @param {{at: number, value: number}[]} shifts in time order
 * @returns {number}
 */
function layoutShift(shifts) {
  let best = 0;
  let window = { start: -Infinity, last: -Infinity, sum: 0 };
  for (const { at, value } of shifts) {
    if (at - window.last >= 1000 || at - window.start >= 5000) window = { start: at, last: at, sum: 0 };
    window.sum += value;
    window.last = at;
    best = Math.max(best, window.sum);
  }
  return best;
}

/**
 * Loads the page, or the example post with each of its figures, at `size`, and measures its
 * main thread (the blocking time: each long task's time over 50 ms, summed; the longest task),
 * its layout shift (the post's own, and the largest inside one of its frames, each scored in
 * its frame's window) and axe's findings, "impact rule xN" (the post's frames included). On this machine, unthrottled: Lighthouse's phone numbers are these
 * tasks times four, simulated (tests/bench/lighthouse.mjs).
 * @returns {Promise<object>}
 */
async function loading(context, url, size, post) {
  const page = await context.newPage();
  await page.setViewportSize({ width: size.width, height: size.height });
  await watchLoad(page);
  await page.goto(post ? `${url}examples/post.html` : url);
  if (post) await readyPostFigures(page);
  else await page.locator('figure.paper-figure[data-state="shown"]').first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(QUIET_MS);
  const frames = page.frames();
  const measured = await Promise.all(frames.map((f) => f.evaluate(() => window.__load).catch(() => null)));
  const tasks = measured.flatMap((m, i) => (i === 0 && m ? m.tasks : []));
  const shifts = measured.map((m) => (m ? layoutShift(m.shifts) : 0));
  const faults = [];
  for (const [i, frame] of frames.entries()) {
    for (const fault of await accessibilityFaults(frame)) faults.push(`${i === 0 ? '' : `frame ${i}: `}${fault.split(':')[0]}`);
  }
  await page.close();
  return {
    blocking_time_ms: Math.round(tasks.reduce((sum, d) => sum + Math.max(0, d - LONG_TASK_MS), 0)),
    longest_task_ms: Math.round(Math.max(0, ...tasks)),
    layout_shift: Number(shifts[0].toFixed(3)),
    ...(post ? { largest_layout_shift_in_a_frame: Number(Math.max(0, ...shifts.slice(1)).toFixed(3)) } : {}),
    axe_faults: faults,
  };
}

/**
 * The page and the post loading, at each of SIZES.
 * @returns {Promise<object>}
 */
async function loads(context, url) {
  const out = {};
  for (const size of SIZES) {
    out[`page/${size.name}`] = await loading(context, url, size, false);
    out[`example_post/${size.name}`] = await loading(context, url, size, true);
  }
  return out;
}

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
    const loaded = await loads(browser.context, server.url);
    const training = await mainThreadWhileTraining(browser.context, server.url);
    // A browser of its own: the post's first visit starts from an empty cache.
    const reader = await launch();
    watchErrors(reader.context, errors);
    try {
      const post = await examplePost(reader.context, server.url);
      return { ...first, loading: loaded, main_thread_while_training: training, example_post: post, console_errors: errors };
    } finally {
      await reader.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

console.log(JSON.stringify(await run(), null, 1));
