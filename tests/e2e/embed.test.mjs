// The embed on another site: a host page on a second origin loads embed.js once and puts in
// <identity-crisis> elements and a plain iframe of embed.html. The figures render and answer,
// take their height from the framed page, start only when they come near the window, say what
// is wrong with a bad attribute inside the figure, and ask nothing of any origin but the two.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  site, openPage, screenshot, train, waitForState, answerToPad,
} from './browser.mjs';
import {
  MEASURED_WIDTHS, FIGURE_HEIGHTS, LAB_HEIGHTS, reservedHeight,
} from '../../www/js/embed-heights.js';

/** A blog post on its own origin, with the site's embeds (`site`: the site's base URL). */
function post(site) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A post with live figures</title><link rel="icon" href="data:,">
<script type="module" src="${site}embed.js"></script>
<style>body { margin: 0 auto; max-width: 900px; font: 16px/1.5 serif; } .spacer { height: 3000px; }</style>
</head><body>
<h1>A post</h1>
<p>The first figure has attributes the embed does not know.</p>
<identity-crisis id="bad" view="nope" colour="red"></identity-crisis>
<identity-crisis id="bare" view="gallery" arch="fcn" train_hide="true" drawing_hide="true" claims_hide="true"></identity-crisis>
<div class="spacer"></div>
<identity-crisis id="far" view="gallery" arch="conv"></identity-crisis>
<div class="spacer"></div><div class="spacer"></div>
<iframe id="plain" src="${site}embed.html#view=heatmap&amp;arch=conv" loading="lazy" title="Fig. 7" style="width:100%;height:720px;border:0"></iframe>
</body></html>`;
}

/** A post with every figure of the registry by number (`numbers`), and two bad numbers. */
function everyFigure(site, numbers) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Every figure</title><link rel="icon" href="data:,">
<script type="module" src="${site}embed.js"></script>
</head><body>
${numbers.map((n) => `<identity-crisis id="f${n}" figure="${n}"></identity-crisis>`).join('\n')}
<identity-crisis id="too-far" figure="${Math.max(...numbers) + 1}"></identity-crisis>
<identity-crisis id="not-a-number" figure="fig. 2"></identity-crisis>
</body></html>`;
}

/** Serves `html` at / of a fresh origin (127.0.0.1, a free port). */
async function host(html) {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(req.url === '/' ? html : 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Closing drops the browser's idle keep-alive connections too (else close waits for them).
  const close = () => new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
  return { url: `http://127.0.0.1:${server.address().port}/`, close };
}

/** Waits until `check()` holds (polled every 100 ms), failing with `what` after `timeout` ms. */
async function waitUntil(check, what, timeout = 30_000) {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Collects a host page's errors: uncaught exceptions, console errors, failed responses, and
 * any request to an origin other than `origins` (the site's and the host's).
 * @returns {{errors: string[], requested: string[]}} filled as the page runs
 */
function watchHost(page, origins) {
  const allowed = new Set(origins.map((u) => new URL(u).origin));
  const errors = [];
  const requested = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()} (${m.location().url})`));
  page.on('response', (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()} for ${r.url()}`));
  page.on('request', (r) => {
    const target = new URL(r.url());
    requested.push(r.url());
    if (!['data:', 'blob:'].includes(target.protocol) && !allowed.has(target.origin)) errors.push(`request off the two origins: ${r.url()}`);
  });
  return { errors, requested };
}

/** The frame of an <identity-crisis> element (inside its shadow root). */
const frameOf = (page, id) => page.locator(`#${id}`).locator('iframe').contentFrame();

describe('the embed on another site', () => {
  const env = site();
  let blog = null;
  before(async () => {
    blog = await host(post(env.server.url));
  });
  after(async () => blog?.close());

  it('a custom element and a plain iframe render and answer, size themselves, load when near, and report a bad attribute inside the figure', { timeout: 300_000 }, async () => {
    const page = await env.browser.context.newPage();
    const { errors, requested } = watchHost(page, [env.server.url, blog.url]);
    const wasmResponses = [];
    page.on('response', (r) => new URL(r.url()).pathname.endsWith('.wasm') && wasmResponses.push(r));
    const started = Date.now();
    await page.goto(blog.url);

    // The element near the top loads at once: the figure shows its defaults, and the message
    // names the bad attributes.
    const bad = frameOf(page, 'bad');
    await bad.locator('figure.paper-figure[data-figure="6"][data-state="shown"]').waitFor({ timeout: 60_000 });
    console.log(`embed: first figure shown ${Date.now() - started} ms after navigation`);
    const message = await bad.getByRole('list', { name: 'Messages' }).innerText();
    assert.match(message, /unknown key colour \(known: view, arch, toggle_hide, train_hide, drawing_hide, claims_hide, figure\)/, message);
    assert.match(message, /view must be one of gallery, eq1, heatmap, layers, sizes, train, pad/, message);

    // Hidden controls are not shown (and the FCN figure, Fig. 4, is).
    const bare = frameOf(page, 'bare');
    await bare.locator('figure.paper-figure[data-figure="4"][data-state="shown"]').waitFor({ timeout: 60_000 });
    assert.equal(await bare.getByRole('button', { name: 'Train it here', exact: true }).isVisible(), false, 'train_hide');
    assert.equal(await bare.getByRole('columnheader', { name: 'Your drawing', exact: true }).isVisible(), false, 'drawing_hide');
    assert.equal(await bare.locator('details.claims').isVisible(), false, 'claims_hide');

    // Figures looked at but not used start no worker: the network code is not even fetched.
    const wasm = () => requested.filter((u) => new URL(u).pathname.endsWith('.wasm')).length;
    assert.equal(wasm(), 0, 'no figure has loaded the network code before the reader draws or trains');

    // The far one has made no frame, and nothing of its view was asked for.
    assert.equal(await page.locator('#far').evaluate((el) => el.shadowRoot.querySelector('iframe')), null, 'no frame before the element comes near');
    const framed = () => requested.filter((u) => new URL(u).pathname.endsWith('/embed.html')).length;
    assert.equal(framed(), 2, 'only the two figures near the top have loaded their frame');

    await page.locator('#far').scrollIntoViewIfNeeded();
    const far = frameOf(page, 'far');
    await far.locator('figure.paper-figure[data-figure="6"][data-state="shown"]').waitFor({ timeout: 60_000 });
    assert.equal(framed(), 3, 'the far figure loads its frame once near');
    // The frame takes the height its page reports.
    let heights = null;
    for (let i = 0; i < 50; i++) {
      const outer = await page.locator('#far').evaluate((el) => el.shadowRoot.querySelector('iframe').getBoundingClientRect().height);
      const inner = await far.locator('html').evaluate((html) => html.getBoundingClientRect().height);
      heights = { outer, inner };
      if (Math.abs(outer - Math.ceil(inner)) <= 1) break;
      await page.waitForTimeout(100);
    }
    assert.ok(Math.abs(heights.outer - Math.ceil(heights.inner)) <= 1, `the frame is as tall as its page: ${JSON.stringify(heights)}`);

    // A stroke on its pad is answered by the shipped networks, inside the frame.
    const pad = far.getByLabel('Pad for your drawing, answered by every network of Fig. 6', { exact: true });
    await pad.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await far.locator('figure.paper-figure[data-figure="6"] tbody tr:not(.inputs) td:last-child canvas[data-version]').first().waitFor({ timeout: 120_000 });
    assert.equal(wasm(), 1, 'one worker, the drawn-on figure\'s, has loaded the network code');

    // A second figure in use starts its own worker, but the network code is not downloaded
    // again: the browser's cache holds it (a revalidation costs no body).
    const badPad = bad.getByLabel('Pad for your drawing, answered by every network of Fig. 6', { exact: true });
    await badPad.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await bad.locator('figure.paper-figure[data-figure="6"] tbody tr:not(.inputs) td:last-child canvas[data-version]').first().waitFor({ timeout: 120_000 });
    assert.equal(wasm(), 2, 'the second figure in use has a worker of its own');
    const wasmBodies = await Promise.all(wasmResponses.map(async (r) => ({ status: r.status(), body: (await r.request().sizes()).responseBodySize })));
    console.log(`embed: the network code's responses for two figures: ${JSON.stringify(wasmBodies)}`);
    assert.equal(wasmBodies.filter((r) => r.body > 0).length, 1, `downloaded once: ${JSON.stringify(wasmBodies)}`);

    // "Train it here" in the embed trains on the CPU, and waits while the figure is out of
    // sight: its progress line stays put, and moves again when the figure is back.
    await far.getByRole('button', { name: 'Train it here', exact: true }).click();
    await far.locator('.train-text').getByText(/in all/).waitFor({ timeout: 60_000 });
    const narrow = far.getByRole('button', { name: /^Train at \d+ channels$/ });
    await (await narrow.isVisible() ? narrow : far.getByRole('button', { name: 'Start training', exact: true })).click();
    const progress = far.locator('progress[aria-label="Training here: progress"]');
    const text = () => far.locator('.train-text').innerText();
    await far.locator('.train-text').getByText(/^Training .* step \d+/).waitFor({ timeout: 60_000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(1000);
    const away = await text();
    await page.waitForTimeout(1500);
    assert.equal(await text(), away, 'training waits while the figure is out of sight');
    await page.locator('#far').scrollIntoViewIfNeeded();
    await waitUntil(async () => (await text()) !== away, 'training goes on when the figure is back');
    await far.getByRole('button', { name: 'Stop training here', exact: true }).click();
    await far.locator('.train-text').getByText(/^Stopped\./).waitFor({ timeout: 60_000 });
    assert.ok(await progress.count() === 1);

    // The plain iframe (for hosts without scripts) shows its heatmap.
    await page.locator('#plain').scrollIntoViewIfNeeded();
    const plain = page.frameLocator('#plain');
    await plain.locator('figure.paper-figure[data-figure="7"][data-state="shown"] table.heatmap').first().waitFor({ timeout: 60_000 });

    await screenshot(page, 'embed-host');
    assert.deepEqual(errors, [], 'no errors, no request off the two origins');
    await page.close();
  });

  it('<identity-crisis figure="N"> shows every figure of the registry from another origin; a bad number names the range', { timeout: 600_000 }, async () => {
    const registry = await (await fetch(new URL('paper/index.json', env.server.url))).json();
    const numbers = registry.figures.map((f) => f.figure);
    const range = `${Math.min(...numbers)}..${Math.max(...numbers)}`;
    const every = await host(everyFigure(env.server.url, numbers));
    try {
      const page = await env.browser.context.newPage();
      const { errors } = watchHost(page, [env.server.url, every.url]);
      await page.goto(every.url);
      const started = Date.now();
      for (const n of numbers) {
        await page.locator(`#f${n}`).scrollIntoViewIfNeeded();
        const frame = frameOf(page, `f${n}`);
        const figure = frame.locator(`figure.paper-figure[data-figure="${n}"]`);
        await frame.locator(`figure.paper-figure[data-figure="${n}"]:is([data-state="shown"], [data-state="error"])`).waitFor({ timeout: 60_000 });
        assert.equal(await figure.getAttribute('data-state'), 'shown', `Fig. ${n}: ${(await figure.innerText()).slice(0, 200)}`);
        assert.match(await figure.locator('figcaption').innerText(), new RegExp(`^Fig\\. ${n}\\b`));
        const shown = await figure.evaluate((el) => el.querySelectorAll('.pic .pixels, table.heatmap td, svg polyline, svg path').length);
        assert.ok(shown > 0, `Fig. ${n} shows its data in the frame`);
      }
      console.log(`embed: ${numbers.length} figures by number shown in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      for (const id of ['too-far', 'not-a-number']) {
        await page.locator(`#${id}`).scrollIntoViewIfNeeded();
        const messages = frameOf(page, id).getByRole('list', { name: 'Messages' });
        await messages.getByText(/figure must be/).waitFor({ timeout: 60_000 });
        assert.match(await messages.innerText(), new RegExp(`figure must be an integer in ${range.replace(/\./g, '\\.')}`), `${id}: the message names the range`);
      }
      assert.deepEqual(errors, [], 'no errors, no request off the two origins');
      await page.close();
    } finally {
      await every.close();
    }
  });

  it('the lab as embeds: the drawing pad and the training panel take the page\'s keys, train, answer and size themselves', { timeout: 300_000 }, async () => {
    const lab = await host(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lab embeds</title><link rel="icon" href="data:,">
<script type="module" src="${env.server.url}embed.js"></script></head><body>
<identity-crisis id="pad" view="pad" arch="conv" depth="1" channels="4" kernel="3" steps="40" form_hide="true"></identity-crisis>
<identity-crisis id="panel" view="train" arch="relu" hidden="1" width="16" depth="abc" drawing_hide="true"></identity-crisis>
<iframe id="plain" src="${env.server.url}embed.html#view=pad&amp;arch=linear&amp;hidden=0&amp;lr=-1" title="pad" style="width:100%;height:600px;border:0"></iframe>
<iframe id="direct" src="${env.server.url}?embed#view=gallery&amp;depth=2" title="lab" style="width:100%;height:600px;border:0"></iframe>
</body></html>`);
    try {
      const page = await env.browser.context.newPage();
      const { errors } = watchHost(page, [env.server.url, lab.url]);
      await page.goto(lab.url);

      // The pad, on the network its keys name: nothing of the page around the lab shows.
      const pad = await (await page.locator('#pad').locator('iframe').elementHandle()).contentFrame();
      await waitForState(pad, ['ready'], 120_000);
      assert.match(new URL(pad.url()).search, /^\?embed/, `the lab's view is the page framed alone: ${pad.url()}`);
      for (const [name, shown] of [['Identity Crisis', false], ['Copy the input, or draw the 7?', false], ['Draw, and see what it learned', true]]) {
        assert.equal(await pad.getByRole('heading', { name: new RegExp(name.replace(/[?,]/g, '.')) }).first().isVisible(), shown, `heading "${name}" ${shown ? 'shown' : 'hidden'}`);
      }
      assert.equal(await pad.locator('#config').isVisible(), false, 'the form is not part of the pad');
      const size = await pad.locator('#size').innerText();
      assert.match(size, /conv-d1-c4-k3|parameters/, `the pad names its network's size: ${size}`);
      await train(pad, 180_000);
      const status = await pad.getByRole('status', { name: 'Backend and training progress' }).innerText();
      assert.match(status, /CPU/, `an embed trains on the CPU unless its keys ask: ${status}`);
      assert.match(status, /40 steps/, `the steps key is taken: ${status}`);
      await pad.getByLabel('Drawing pad', { exact: true }).focus();
      await page.keyboard.press('Shift+ArrowRight');
      const { output } = await answerToPad(pad);
      assert.ok(output.some((v) => v > 0.1), 'the trained network answers a stroke');
      // The element is as tall as its page.
      const outer = await page.locator('#pad').evaluate((el) => el.shadowRoot.querySelector('iframe').getBoundingClientRect().height);
      const inner = await pad.locator('html').evaluate((html) => html.getBoundingClientRect().height);
      assert.ok(Math.abs(outer - Math.ceil(inner)) <= 1, `the pad's frame is as tall as its page: ${outer} against ${inner}`);

      // The training panel: the page's keys in its form, a bad one named inside the figure.
      const panel = await (await page.locator('#panel').locator('iframe').elementHandle()).contentFrame();
      await waitForState(panel, ['ready'], 120_000);
      assert.equal(await panel.getByLabel('Kind').inputValue(), 'relu');
      assert.equal(await panel.getByLabel('Width').inputValue(), '16');
      assert.equal(await panel.locator('#draw-card').isVisible(), false, 'drawing_hide');
      const said = await panel.getByRole('list', { name: 'Messages' }).innerText();
      assert.match(said, /depth must be an integer in 1\.\.32/, said);

      // A plain iframe of embed.html shows the lab too, and names its bad value.
      const plain = page.frameLocator('#plain');
      await plain.locator('body[data-state="ready"]').waitFor({ timeout: 120_000 });
      assert.match(await plain.getByRole('list', { name: 'Messages' }).innerText(), /lr must be a number in \(0, 10\]/);
      assert.equal(await plain.locator('#draw-card').isVisible(), true);

      // The page framed as an embed reads the lab's keys whatever the view: a figure's view is
      // named and the training panel shown, with the keys that are good.
      const direct = page.frameLocator('#direct');
      await direct.locator('body[data-state="ready"]').waitFor({ timeout: 120_000 });
      assert.match(await direct.getByRole('list', { name: 'Messages' }).innerText(), /view must be one of train, pad/);
      assert.equal(await direct.getByLabel('Depth (layers)').inputValue(), '2');
      assert.equal(await direct.locator('#config').isVisible(), true);

      await screenshot(page, 'embed-lab');
      assert.deepEqual(errors, [], 'no errors, no request off the two origins');
      await page.close();
    } finally {
      await lab.close();
    }
  });

  it('the example post shows its four figures (three elements, one iframe) with no policy violation', { timeout: 300_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}examples/post.html`);
    const frames = [page.locator('identity-crisis').nth(0), page.locator('identity-crisis').nth(1), page.locator('iframe.figure')];
    for (const [i, figure] of [6, 8, 7].entries()) {
      await frames[i].scrollIntoViewIfNeeded();
      const frame = i < 2 ? frames[i].locator('iframe').contentFrame() : page.frameLocator('iframe.figure');
      await frame.locator(`figure.paper-figure[data-figure="${figure}"][data-state="shown"]`).waitFor({ timeout: 60_000 });
      // As wide as the post's column, whatever the post's styles.
      const [outer, column] = await frames[i].evaluate((el) => [el.getBoundingClientRect().width, document.querySelector('article p').getBoundingClientRect().width]);
      assert.ok(Math.abs(outer - column) < 2, `figure ${figure} fills the column: ${outer} of ${column}`);
    }
    // The last is the drawing pad on the network its attributes name, ready to train.
    const padElement = page.locator('identity-crisis[view="pad"]');
    await padElement.scrollIntoViewIfNeeded();
    const pad = padElement.locator('iframe').contentFrame();
    await pad.locator('body[data-state="ready"]').waitFor({ timeout: 120_000 });
    assert.match(await pad.locator('#size').innerText(), /conv-d3-c16-k5/);
    assert.equal(await pad.getByRole('button', { name: 'Train', exact: true }).isEnabled(), true);
    const widths = await page.locator('identity-crisis').first().evaluate((el) => [el.shadowRoot.querySelector('iframe').getBoundingClientRect().width, el.getBoundingClientRect().width]);
    assert.ok(Math.abs(widths[0] - widths[1]) < 2, `the frame fills its element: ${widths}`);
    await screenshot(page, 'embed-example-post');
    assert.deepEqual(errors, [], 'no console errors, no policy violation, no request off the site');
    await page.close();
  });

  it('each figure and view reserves the height it takes once drawn (embed-heights.js), so the post does not move as a figure comes in', { timeout: 420_000 }, async () => {
    const registry = await (await fetch(new URL('paper/index.json', env.server.url))).json();
    assert.deepEqual(Object.keys(FIGURE_HEIGHTS).map(Number), registry.figures.map((f) => f.figure), 'a height for every figure of the registry (node tests/e2e/measure-heights.mjs)');
    const shown = [
      ...registry.figures.map(({ figure }) => ({ hash: `figure=${figure}`, shown: { figure } })),
      ...Object.keys(LAB_HEIGHTS).map((view) => ({ hash: `view=${view}&arch=conv`, shown: { view } })),
    ];
    // Each alone, at the narrowest and a wide measured width.
    for (const width of [MEASURED_WIDTHS[0], MEASURED_WIDTHS[3]]) {
      for (const { hash, shown: what } of shown) {
        const page = await env.browser.context.newPage();
        await page.setViewportSize({ width, height: 800 });
        await page.goto(`${env.server.url}embed.html#${hash}`);
        await page.locator('body[data-state="ready"]').waitFor({ timeout: 120_000 });
        if (what.figure) {
          await page.locator('figure.paper-figure[data-state="shown"]').waitFor({ timeout: 60_000 });
          // The networks' sizes come from the data, or from the worker after the pictures.
          await page.waitForFunction(() => [...document.querySelectorAll('.params')].every((p) => / parameters$/.test(p.textContent)), null, { timeout: 120_000 });
        }
        const drawn = await page.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
        const reserved = reservedHeight(what, width);
        assert.ok(Math.abs(drawn - reserved) <= 0.05 * drawn, `${hash} at ${width} px: drawn ${drawn} px, reserved ${reserved} px (measure it again: node tests/e2e/measure-heights.mjs)`);
        await page.close();
      }
    }
    // The names embeds had before figures had numbers reserve their figure's height.
    assert.equal(reservedHeight({ view: 'heatmap', arch: 'fcn' }, 360), FIGURE_HEIGHTS[5][0]);
    assert.equal(reservedHeight({ view: 'gallery' }, 800), FIGURE_HEIGHTS[6][3]);
    // The example post, at a desktop's and a phone's size: nothing in sight moves while it loads.
    for (const [width, height] of [[1350, 940], [412, 823]]) {
      const page = await env.browser.context.newPage();
      await page.setViewportSize({ width, height });
      await page.addInitScript(() => {
        window.__shift = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
        }).observe({ type: 'layout-shift', buffered: true });
      });
      await page.goto(`${env.server.url}examples/post.html`);
      await page.evaluate(() => customElements.whenDefined('identity-crisis'));
      // The first figure, where it loads at once (near the window), drawn.
      const first = page.locator('identity-crisis').first();
      if (await first.evaluate((el) => el.getBoundingClientRect().top < innerHeight)) {
        await first.locator('iframe').contentFrame().locator('figure.paper-figure[data-state="shown"]').waitFor({ timeout: 120_000 });
      }
      const shift = await page.evaluate(() => window.__shift);
      assert.ok(shift <= 0.1, `the post's layout shift while it loads at ${width} x ${height}: ${shift.toFixed(3)} (0.1 is "needs improvement")`);
      await page.close();
    }
  });
});
