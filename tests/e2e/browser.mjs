// Shared set-up of the browser tests: headless Debian Chromium driven by playwright-core, a
// fresh profile per browser, the page served by server.mjs, and helpers that read the page
// through its accessible names (the contract of DESIGN section 6).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';

/** Chromium from Debian's package (override with CHROMIUM=/path). */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
/** Where screenshots go for a person to look at (git-ignored). */
export const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

const BASE_FLAGS = ['--headless', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** WebGPU on SwiftShader (a software adapter: slow, but a real WebGPU implementation). */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'];

/**
 * Launches Chromium with a fresh profile.
 * @param {{webgpu?: boolean, args?: string[], serviceWorkers?: 'allow' | 'block'}} [options]
 *   `webgpu`: add the SwiftShader WebGPU flags; `args`: more flags; `serviceWorkers`: let the
 *   site's service worker run (blocked unless asked for)
 * @returns {Promise<{context: import('playwright-core').BrowserContext, close: () => Promise<void>}>}
 */
export async function launch({ webgpu = false, args = [], serviceWorkers = 'block' } = {}) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package or set CHROMIUM`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_FLAGS, ...(webgpu ? WEBGPU_FLAGS : []), ...args],
    viewport: { width: 1280, height: 900 },
    // The site's service worker answers the page's requests, which page.route() then cannot
    // see: only the offline test lets it run.
    serviceWorkers,
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The site and a browser for one suite of tests: served and launched before its tests, both
 * closed after them (the server even when closing the browser fails).
 * @param {{webgpu?: boolean, args?: string[]}} [options] for `launch`
 * @returns {{server: {url: string}, browser: {context: import('playwright-core').BrowserContext}}}
 *   filled once the suite's `before` has run
 */
export function site(options = {}) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await serve();
    env.browser = await launch(options);
  });
  after(async () => {
    try {
      await env.browser?.close();
    } finally {
      await env.server?.close();
    }
  });
  return env;
}

/**
 * Opens the page and collects what must never happen there: console errors and uncaught
 * exceptions (of the page and its workers), HTTP errors, Content-Security-Policy violations
 * and requests to any origin but the page's own.
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} url
 * @returns {Promise<{page: import('playwright-core').Page, errors: string[]}>}
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  const errors = await watch(page, new URL(url).origin);
  await page.goto(url);
  return { page, errors };
}

/**
 * Starts collecting a page's errors (see openPage); call before it navigates.
 * @param {import('playwright-core').Page} page
 * @param {string} origin the site's origin; any request elsewhere is an error
 * @returns {Promise<string[]>} filled as errors happen
 */
export async function watch(page, origin) {
  const errors = [];
  const consoleError = (where) => (m) => {
    if (m.type() === 'error') errors.push(`console${where}: ${m.text()} (${m.location().url})`);
  };
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', consoleError(''));
  page.on('worker', (w) => w.on('console', consoleError(' (worker)')));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('request', (r) => {
    const target = new URL(r.url());
    if (!['data:', 'blob:'].includes(target.protocol) && target.origin !== origin) errors.push(`request off the site's origin: ${r.url()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  return errors;
}

/**
 * Waits for document.body.dataset.state to be one of `states`; fails with the page's messages
 * if it becomes "error" instead (unless "error" is awaited).
 * @param {import('playwright-core').Page} page
 * @param {string[]} states
 * @param {number} timeout ms
 */
export async function waitForState(page, states, timeout) {
  const handle = await page.waitForFunction(
    (wanted) => (wanted.includes(document.body.dataset.state) || document.body.dataset.state === 'error') && document.body.dataset.state,
    states,
    { timeout, polling: 100 },
  );
  const state = await handle.jsonValue();
  if (!states.includes(state)) {
    throw new Error(`page state became "${state}" while waiting for ${states.join('/')}: ${await messages(page)}`);
  }
  return state;
}

/** The text of the page's message list and status bar, for failure messages. */
export async function messages(page) {
  const notices = await page.locator('#notices').innerText().catch(() => '');
  const status = await page.locator('#status').innerText().catch(() => '');
  return `status: ${JSON.stringify(status)}; messages: ${JSON.stringify(notices)}`;
}

/**
 * Reads a picture (a canvas, an image once decoded, or a tile of a row's strip of pictures:
 * www/js/charts.js pictureTiles) as grey levels in [0, 1] at the given side (sampling pixel
 * centres).
 * @param {import('playwright-core').Locator} picture
 * @param {number} [side]
 * @returns {Promise<number[]>}
 */
export async function readPicture(picture, side = 28) {
  return picture.evaluate(async (p, n) => {
    let source = p;
    if (!(p instanceof HTMLCanvasElement)) {
      const style = getComputedStyle(p);
      const tiled = !(p instanceof HTMLImageElement);
      const image = tiled ? new Image() : p;
      if (tiled) image.src = style.backgroundImage.match(/^url\("(.*)"\)$/)[1];
      await image.decode();
      const [tile, tiles] = tiled ? [Number(style.getPropertyValue('--tile')), Number(style.getPropertyValue('--tiles'))] : [0, 1];
      source = document.createElement('canvas');
      source.width = image.naturalWidth / tiles;
      source.height = image.naturalHeight;
      source.getContext('2d').drawImage(image, tile * source.width, 0, source.width, source.height, 0, 0, source.width, source.height);
    }
    const { width, height } = source;
    const data = source.getContext('2d').getImageData(0, 0, width, height).data;
    const out = [];
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const px = Math.floor(((x + 0.5) * width) / n);
        const py = Math.floor(((y + 0.5) * height) / n);
        out.push(data[4 * (py * width + px)] / 255);
      }
    }
    return out;
  }, side);
}

/** Pearson correlation of two equally long arrays (0 if either is constant). */
export function pearson(a, b) {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return aa < 1e-12 || bb < 1e-12 ? 0 : ab / Math.sqrt(aa * bb);
}

/**
 * Brings an element to the middle of the window (clear of the sticky status bar) at a whole
 * pixel, and waits until it stays put: the paper's figures above it fill in as they come
 * near the window, and a stroke drawn while the page moves, or at another fraction of a
 * pixel, lands elsewhere on the pad.
 * @param {import('playwright-core').Locator} element
 */
async function steady(element) {
  await element.evaluate(async (el) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const deadline = performance.now() + 5000;
    let [last, still] = [NaN, 0];
    while (still < 12 && performance.now() < deadline) {
      if (still === 0) {
        el.scrollIntoView({ block: 'center' });
        const { top } = el.getBoundingClientRect();
        window.scrollBy(0, top - Math.round(top));
      }
      await frame();
      const { top } = el.getBoundingClientRect();
      still = top === last ? still + 1 : 0;
      last = top;
    }
  });
}

/**
 * The page's network worker (`js/worker.js`; the page has others, e.g. the one that reads the
 * figure files).
 * @param {import('playwright-core').Page} page
 * @returns {import('playwright-core').Worker | undefined}
 */
export function networkWorker(page) {
  return page.workers().find((w) => new URL(w.url()).pathname.endsWith('/js/worker.js'));
}

/**
 * Draws a stroke on a pad with mouse events, through points given in pad fractions.
 * @param {import('playwright-core').Page} page
 * @param {[number, number][]} points (0..1, 0..1)
 * @param {import('playwright-core').Locator} [pad] the pad (default: the training panel's)
 */
export async function drawStroke(page, points, pad = page.getByLabel('Drawing pad', { exact: true })) {
  await steady(pad);
  const box = await pad.boundingBox();
  const at = ([fx, fy]) => [box.x + fx * box.width, box.y + fy * box.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

/**
 * A picture drawn by the page's canvas: a bar on a plain background, encoded as the browser
 * encodes it (the files a reader's own tools would make).
 * @param {import('playwright-core').Page} page
 * @param {{width: number, height: number, type?: string, background: string, ink: string, bar: [number, number, number, number]}} picture
 *   `type`: "image/png" (default), "image/jpeg" or "image/webp"; `bar`: x, y, width, height
 * @returns {Promise<Buffer>} the file's bytes
 */
export async function drawnPicture(page, picture) {
  const url = await page.evaluate(({ width, height, type = 'image/png', background, ink, bar }) => {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    const ctx = c.getContext('2d');
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = ink;
    ctx.fillRect(...bar);
    return c.toDataURL(type);
  }, picture);
  return Buffer.from(url.split(',')[1], 'base64');
}

/**
 * Scrolls to each figure of the example post in turn (`identity-crisis` elements and plain
 * `iframe.figure`s) and waits until its framed page is ready.
 * @param {import('playwright-core').Page} page on the post
 * @param {(index: number) => void} [onReady] called as each figure gets ready
 * @returns {Promise<number>} how many figures the post has
 */
export async function readyPostFigures(page, onReady = () => undefined) {
  const figures = page.locator('identity-crisis, iframe.figure');
  const count = await figures.count();
  for (let i = 0; i < count; i++) {
    const figure = figures.nth(i);
    await figure.scrollIntoViewIfNeeded();
    const frame = (await figure.evaluate((el) => el.tagName)) === 'IFRAME'
      ? figure.contentFrame()
      : figure.locator('iframe').contentFrame();
    await frame.locator('body[data-state="ready"]').waitFor({ timeout: 120_000 });
    onReady(i);
  }
  return count;
}

/** axe-core's script (npm `axe-core`), put into a frame to check it. */
const AXE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules/axe-core/axe.min.js');

/** The impacts of an accessibility fault that a page of ours must not have. */
export const GRAVE = Object.freeze(['serious', 'critical']);

/**
 * The WCAG faults axe-core finds in one frame's document (not inside its frames), each as
 * "impact rule xN: the first elements and why".
 * @param {import('playwright-core').Frame} frame
 * @param {readonly string[]} [impacts] the impacts to report (default: all)
 * @returns {Promise<string[]>}
 */
export async function accessibilityFaults(frame, impacts = ['minor', 'moderate', ...GRAVE]) {
  if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(fs.readFileSync(AXE, 'utf8'));
  return frame.evaluate(async (wanted) => {
    const { violations } = await window.axe.run(document, { iframes: false, resultTypes: ['violations'] });
    return violations.filter((v) => wanted.includes(v.impact)).map((v) => `${v.impact} ${v.id} x${v.nodes.length}: ${v.nodes.slice(0, 3)
      .map((n) => `${n.target.join(' ')} (${[...n.any, ...n.all, ...n.none][0]?.message ?? v.help})`).join('; ')}`);
  }, impacts);
}

/** Saves a full-page screenshot under SCREENSHOTS. */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Presses Train and waits until training ends ("trained"); fails with the page's messages if
 * it ends in "error".
 * @param {import('playwright-core').Page} page
 * @param {number} timeout ms
 */
export async function train(page, timeout) {
  const button = page.getByRole('button', { name: 'Train', exact: true });
  await button.waitFor();
  await page.waitForFunction(() => !document.querySelector('#train').disabled, null, { timeout: 120_000 });
  await button.click();
  await waitForState(page, ['training', 'trained'], 30_000);
  await waitForState(page, ['trained'], timeout);
}

/**
 * Waits until the network output shows the answer to the pad's current image, then reads
 * both (28 x 28 grey levels).
 * @param {import('playwright-core').Page} page
 * @param {number} [timeout] ms
 * @returns {Promise<{input: number[], output: number[]}>}
 */
export async function answerToPad(page, timeout = 60_000) {
  await page.waitForFunction(() => {
    const pad = document.querySelector('#pad');
    const out = document.querySelector('#output');
    return out.dataset.version !== undefined && out.dataset.version === pad.dataset.version;
  }, null, { timeout, polling: 50 });
  const input = await readPicture(page.getByLabel('Drawing pad', { exact: true }));
  const output = await readPicture(page.getByLabel('Network output', { exact: true }));
  return { input, output };
}

/**
 * The numbers shown under the output.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{identity: number, constant: number, verdict: string}>}
 */
export async function correlations(page) {
  const panel = page.getByRole('region', { name: /Draw, and see what it learned/ });
  const text = async (label) => (await panel.getByLabel(label).textContent()).trim();
  return {
    identity: Number(await text('Correlation to identity')),
    constant: Number(await text('Correlation to constant')),
    verdict: await text('Verdict'),
  };
}
