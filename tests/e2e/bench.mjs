// The page's start in headless Chromium: the time and bytes on the wire until its first paper
// figure shows its shipped answers, and the example post's bytes (first visit and second) and
// time to its first embedded figure: `npm run bench` (after `cargo xtask build`; `cargo xtask
// bench` runs it, with the training step against TensorFlow.js and jax-js in
// tests/bench/peers.mjs). A benchmark, not a test: it prints numbers and asserts nothing.

import { launch } from './browser.mjs';
import { serve } from './server.mjs';

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

async function run() {
  const server = await serve();
  const browser = await launch();
  try {
    const first = await firstPaperAnswer(browser.context, server.url);
    // A browser of its own: the post's first visit starts from an empty cache.
    const reader = await launch();
    try {
      return { ...first, example_post: await examplePost(reader.context, server.url) };
    } finally {
      await reader.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

console.log(JSON.stringify(await run(), null, 1));
