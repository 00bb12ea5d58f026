// The paper's figures on the page: every figure of the registry answered from the shipped data
// with no training (at a desktop's width and a phone's), reached by its link (#fig-N), the
// "Your drawing" column (with the networks the site ships, and with one exported by the page
// and served in place of a shipped file), and a figure file of the wrong shape.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  site, openPage, watch, waitForState, train, drawStroke, readPicture, screenshot, networkWorker,
} from './browser.mjs';

/** The figures whose networks the site ships, in page order (their sizes are counted by the worker). */
const SHIPPED_VIEWS = [6, 1, 5, 7, 8, 10];
/** The accessible name of the pad of the "Your drawing" column. */
const PAD = 'Pad for your drawing, answered by every network of Fig. 6';
/** A correlation as the page writes it. */
const NUMBER = /^(-?\d\.\d\d|n\/a)$/;

/** The figure of Fig. `n` (a view's figure element carries the number it shows). */
const figureOf = (page, n) => page.locator(`figure.paper-figure[data-figure="${n}"]`);

/** Scrolls the view of Fig. `n` into sight and waits until it has drawn (or failed). */
async function showView(page, n) {
  await page.locator(`[data-paper-figure="${n}"]`).scrollIntoViewIfNeeded();
  await page.waitForSelector(`figure.paper-figure[data-figure="${n}"][data-state="shown"], figure.paper-figure[data-figure="${n}"][data-state="error"]`, { timeout: 30_000 });
  return figureOf(page, n);
}

/**
 * What a figure shows: pictures painted (of the first dozen), heatmap cells coloured, lines of
 * its charts; and by how many pixels its widest part overflows the figure (a table that
 * scrolls sideways in its own box does not).
 */
async function shownData(figure) {
  const pictures = await figure.locator('.pic .pixels').all();
  let painted = 0;
  for (const picture of pictures.slice(0, 12)) {
    if ((await readPicture(picture)).some((v) => v > 0.1)) painted += 1;
  }
  return figure.evaluate((el, p) => ({
    pictures: el.querySelectorAll('.pic .pixels').length,
    painted: p,
    cells: [...el.querySelectorAll('table.heatmap td')].filter((td) => td.style.background !== '').length,
    lines: el.querySelectorAll('svg polyline, svg path').length,
    overflow: el.scrollWidth - el.clientWidth,
  }), painted);
}

/** How many of a figure's pictures hold something brighter than black. */
async function paintedPictures(figure) {
  const pictures = await figure.locator('.pic .pixels').all();
  let painted = 0;
  for (const picture of pictures) {
    if ((await readPicture(picture)).some((v) => v > 0.1)) painted += 1;
  }
  return { painted, total: pictures.length };
}

/** The live cells of the test-row view showing Fig. `n` (6: ConvNets, 4: FCNs), one per row. */
const liveCells = (page, n = 6) => figureOf(page, n).locator('tbody tr:not(.inputs) td:last-child');

/** Waits until a live cell's answer is to the pad's current drawing. */
async function answersPad(page, row, timeout = 60_000) {
  await page.waitForFunction((r) => {
    const pad = document.querySelector('figure.paper-figure canvas.pad');
    const cells = document.querySelectorAll('figure.paper-figure[data-figure="6"] tbody tr:not(.inputs) td:last-child canvas');
    return cells[r]?.dataset.version !== undefined && cells[r].dataset.version === pad.dataset.version;
  }, row, { timeout, polling: 50 });
}

/** Polls `check` until it holds (or fails with `what` after `timeout` ms). */
async function waitFor(check, what, timeout = 30_000) {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A network of `arch` (a ConvNet), trained one step on the training panel and exported.
 * @returns {Promise<string>} the file's path
 */
async function exportedNetwork(env, arch) {
  const link = `arch=conv&depth=${arch.depth}&channels=${arch.channels}&kernel=${arch.kernel}&steps=1&seed=0&backend=cpu`;
  const { page } = await openPage(env.browser.context, `${env.server.url}#${link}`);
  await waitForState(page, ['ready'], 120_000);
  await train(page, 120_000);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export network', exact: true }).click(),
  ]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'identity-paper-')), 'net.bpk');
  await download.saveAs(file);
  await page.close();
  return file;
}

/**
 * Serves fig6.json with ids on some rows, and `file` as the shipped network of the ids of
 * `shipped` (the others are not on the site).
 * @param {import('playwright-core').Page} page before it navigates
 * @param {object} served fig6.json as the site has it
 * @param {string} file a network file
 * @param {Object<number, string>} ids row -> id
 * @param {string[]} [shipped] the ids served `file` (default: row 0's)
 */
async function serveAsShipped(page, served, file, ids, shipped = [ids[0]]) {
  const figure = structuredClone(served);
  for (const [row, id] of Object.entries(ids)) figure.runs[0].rows[row].network.id = id;
  await page.route('**/paper/fig6.json', (route) => route.fulfill({ json: figure }));
  for (const id of shipped) {
    await page.route(`**/paper/models/${id}.bpk`, (route) => route.fulfill({ body: fs.readFileSync(file), contentType: 'application/octet-stream' }));
  }
  await page.route('**/paper/models/shipped.json', (route) => route.fulfill({ json: shipped }));
}

/**
 * Serves the page's worker with a window on what it holds (`self.networksAlive()`,
 * `self.wasmBytes()`), for tests that count its networks; call before the page navigates.
 * @param {import('playwright-core').Page} page
 */
async function watchWorker(page) {
  await page.route('**/js/worker.js', async (route) => {
    const response = await route.fetch();
    const hook = '\nself.networksAlive = () => worker.entries.size;\nself.wasmBytes = () => worker.memory?.buffer.byteLength ?? 0;\n';
    await route.fulfill({ response, body: (await response.text()) + hook });
  });
}

/** fig6.json as served, parsed. */
async function servedFigure(url, n) {
  const response = await fetch(new URL(`paper/fig${n}.json`, url));
  assert.ok(response.ok, `paper/fig${n}.json is served (${response.status})`);
  return response.json();
}

describe('the paper figures', () => {
  const env = site();

  it('the shipped figures show their answers, the first one pixel for pixel as its file has them, with no training and no error', { timeout: 240_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, env.server.url);
    const region = page.getByRole('region', { name: 'Paper figures' });
    await region.waitFor();
    await showView(page, 6);
    const first = await page.evaluate(() => window.__timings.firstPaperAnswer);
    const wire = await page.evaluate((t) => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .filter((e) => e.responseEnd <= t).reduce((sum, e) => sum + e.transferSize, 0), first);
    console.log(`time to the first answer of the paper's figures: ${Math.round(first)} ms after navigation, ${Math.round(wire / 1024)} KiB on the wire by then`);
    assert.ok(first > 0, `window.__timings.firstPaperAnswer should be a time in ms, got ${first}`);
    // The pictures are the figure file's, pixel for pixel and the right way up (its inputs).
    const { inputs } = (await servedFigure(env.server.url, 6)).runs[0];
    const shown = figureOf(page, 6).locator('tbody tr.inputs .pic .pixels');
    assert.equal(await shown.count(), inputs.pictures.length, 'Fig. 6: a picture per input');
    for (const [i, { levels }] of inputs.pictures.entries()) {
      const expected = [...Buffer.from(levels, 'base64')].map((b) => b / 255);
      assert.deepEqual(await readPicture(shown.nth(i)), expected, `Fig. 6: the ${inputs.names[i]} input as fig6.json has it`);
    }
    for (const n of SHIPPED_VIEWS) {
      const figure = await showView(page, n);
      assert.equal(await figure.getAttribute('data-state'), 'shown', `Fig. ${n}: ${await figure.innerText()}`);
      assert.ok(await region.locator(`figure[data-figure="${n}"]`).count() === 1, `Fig. ${n} is inside the region`);
      const caption = await figure.locator('figcaption').innerText();
      assert.match(caption, new RegExp(`^Fig\\. ${n}\\b`), `the caption starts with the figure number: ${caption}`);
      const heatmap = n === 5 || n === 7;
      if (heatmap) {
        const coloured = await figure.locator('table.heatmap td').evaluateAll((tds) => tds.filter((td) => td.style.background !== '').length);
        assert.ok(coloured > 0, `Fig. ${n}: cells coloured (${coloured})`);
      } else {
        const { painted, total } = await paintedPictures(figure);
        assert.ok(total > 0 && painted > total / 2, `Fig. ${n}: pictures painted (${painted} of ${total})`);
      }
      const numbers = heatmap
        ? await figure.locator('table.heatmap td').allInnerTexts()
        : await figure.locator('.pic-numbers span').allInnerTexts();
      assert.ok(numbers.length > 0 && numbers.every((t) => NUMBER.test(t.trim())), `Fig. ${n}: numbers shown (${numbers.slice(0, 5)}...)`);
      // Sizes come from the worker's count (the network code loads after the pictures).
      await figure.locator('.params').first().waitFor();
      await page.waitForFunction((el) => [...el.querySelectorAll('.params')].every((p) => / parameters$/.test(p.textContent) && !/counting|unknown/.test(p.textContent)), await figure.elementHandle(), { timeout: 120_000 });
    }
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready', 'nothing was trained');
    await screenshot(page, 'paper-figures');
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    it(`every figure of the registry is on the page, captioned "Fig. N", and shows its data with no training and no error (${name})`, { timeout: 420_000 }, async () => {
      const registry = await (await fetch(new URL('paper/index.json', env.server.url))).json();
      const page = await env.browser.context.newPage();
      await page.setViewportSize(viewport);
      const errors = await watch(page, new URL(env.server.url).origin);
      await page.goto(env.server.url);
      const places = await page.locator('[data-paper-figure]').evaluateAll((els) => els.map((e) => Number(e.dataset.paperFigure)));
      const numbers = registry.figures.map((f) => f.figure);
      assert.deepEqual([...places].sort((a, b) => a - b), [...numbers].sort((a, b) => a - b), 'the article places every figure of the registry, once');
      const started = Date.now();
      for (const n of places) {
        const figure = await showView(page, n);
        assert.equal(await figure.getAttribute('data-state'), 'shown', `Fig. ${n}: ${(await figure.innerText()).slice(0, 300)}`);
        // textContent: a figure scrolled out of the window by the ones filling in above it is
        // not rendered (content-visibility), and has no innerText.
        assert.match(await figure.locator('figcaption').evaluate((c) => c.textContent), new RegExp(`^Fig\\. ${n}\\b`), `Fig. ${n}: the caption starts with its number`);
        const data = await shownData(figure);
        assert.ok(data.painted > 0 || data.cells > 0 || data.lines > 0, `Fig. ${n} shows data: ${JSON.stringify(data)}`);
        assert.ok(data.overflow <= 1, `Fig. ${n} fits the page's width (${JSON.stringify(data)})`);
      }
      console.log(`${name}: all ${places.length} figures shown in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready', 'nothing was trained');
      assert.deepEqual(errors, [], 'no console errors');
      await page.close();
    });
  }

  it('a link to a figure (#fig-N) opens it and scrolls it into the window, from the table of contents too', { timeout: 180_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#fig-27`);
    const inWindow = async (n) => {
      await page.waitForSelector(`figure.paper-figure[data-figure="${n}"][data-state="shown"]`, { timeout: 60_000 });
      // Kept at the top while the figures around it fill in.
      await page.waitForTimeout(1500);
      const top = await page.locator(`#fig-${n}`).evaluate((el) => el.getBoundingClientRect().top);
      assert.ok(Math.abs(top) < 40, `Fig. ${n} is at the top of the window (top ${top})`);
    };
    await inWindow(27);
    await page.getByRole('navigation', { name: "The paper's figures on this page" }).getByRole('link', { name: 'Fig.\u00a013', exact: true }).click();
    await inWindow(13);
    assert.equal(new URL(page.url()).hash, '#fig-13');
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it("Fig. 4's drawing column says which of its networks are not shipped", { timeout: 120_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#fig-4`);
    const fig4 = await showView(page, 4);
    const served = await servedFigure(env.server.url, 4);
    const rowNames = await fig4.locator('.test-row tbody th .name').allInnerTexts();
    assert.deepEqual(rowNames, served.runs[0].rows.map((r) => r.network.label), 'one row per FCN of fig4.json');
    assert.equal(await fig4.getByRole('columnheader', { name: 'Your drawing', exact: true }).count(), 1, 'a column headed "Your drawing"');
    // FCN rows with no file shipped (the deep ones are over the repository's size limit)
    // say so, and a stroke (or a key) changes nothing there.
    const list = await fetch(new URL('paper/models/shipped.json', env.server.url));
    const ids = new Set(list.ok ? await list.json() : []);
    const unshipped = served.runs[0].rows.map((r, i) => (ids.has(r.network.id) ? null : i)).filter((i) => i !== null);
    assert.ok(unshipped.length > 0, 'some of Fig. 4\'s networks are not shipped');
    const pad = page.getByLabel('Pad for your drawing, answered by every network of Fig. 4', { exact: true });
    await drawStroke(page, [[0.3, 0.3], [0.7, 0.3], [0.5, 0.8]], pad);
    await pad.focus();
    await page.keyboard.press('Space');
    for (const i of unshipped) await liveCells(page, 4).nth(i).getByText('not shipped: Train it here').waitFor({ timeout: 30_000 });
    assert.ok(Number(await pad.getAttribute('data-version')) >= 3, 'the stroke and the key changed the pad');
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('the networks load when the reader reaches for the pad, and a stroke on "Your drawing" is answered by every network the site ships for the view', { timeout: 300_000 }, async () => {
    const served = await servedFigure(env.server.url, 6);
    const list = await fetch(new URL('paper/models/shipped.json', env.server.url));
    const ids = new Set(list.ok ? await list.json() : []);
    const shipped = served.runs[0].rows.map((row, i) => (ids.has(row.network.id) ? i : null)).filter((i) => i !== null);
    assert.ok(shipped.length > 0, 'the site ships networks for Fig. 6 (cargo xtask models writes them into www/paper/models/)');
    const { page, errors } = await openPage(env.browser.context, env.server.url);
    await showView(page, 6);
    await page.waitForTimeout(1000);
    const fetched = () => page.evaluate(() => performance.getEntriesByType('resource').filter((e) => /\/paper\/models\/[0-9a-f]{16}\.bpk$/.test(e.name)).length);
    assert.equal(await fetched(), 0, 'no network file is fetched before the reader reaches for the pad');
    const pad = page.getByLabel(PAD, { exact: true });
    await drawStroke(page, [[0.25, 0.3], [0.75, 0.3], [0.5, 0.85]], pad);
    for (const i of shipped) {
      await answersPad(page, i, 240_000);
      const numbers = await liveCells(page).nth(i).locator('.pic-numbers span').allInnerTexts();
      assert.equal(numbers.length, 2, `row ${i} shows two correlations: ${numbers}`);
    }
    await screenshot(page, 'paper-drawing-shipped');
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it("Fig. 12's drawing column feeds the drawing to the top layer of every network that ships", { timeout: 300_000 }, async () => {
    const served = (await servedFigure(env.server.url, 12)).runs[0];
    const list = await fetch(new URL('paper/models/shipped.json', env.server.url));
    const ids = new Set(list.ok ? await list.json() : []);
    const shipped = served.rows.map((row, i) => (ids.has(row.network.id) ? i : null)).filter((i) => i !== null);
    assert.ok(shipped.length > 0, 'the site ships networks of Fig. 12');
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#fig-12`);
    const figure = await showView(page, 12);
    const pad = page.getByLabel('Pad for your drawing, answered by every network of Fig. 12', { exact: true });
    await drawStroke(page, [[0.3, 0.25], [0.7, 0.25], [0.45, 0.85]], pad);
    const cells = figure.locator('tbody tr:not(.inputs) td:last-child');
    for (const i of shipped) {
      await cells.nth(i).locator('canvas[data-version]').waitFor({ timeout: 240_000 });
      const numbers = await cells.nth(i).locator('.pic-numbers span').allInnerTexts();
      assert.ok(numbers.length === 2 && numbers.every((t) => NUMBER.test(t.trim())), `row ${i}: two correlations (${numbers})`);
    }
    // The top layer alone is not the whole network: the 20-layer net's whole answer is the
    // training digit, its top layer's is not (Fig. 12's own numbers say the same).
    const twenty = served.rows.findIndex((r) => r.network.arch.depth === 20);
    if (shipped.includes(twenty)) {
      const [, toTraining] = (await cells.nth(twenty).locator('.pic-numbers span').allInnerTexts()).map(Number);
      console.log(`Fig. 12 on a drawing: the 20-layer net's top layer correlates ${toTraining} with the training digit`);
      assert.ok(toTraining < 0.9, `the top layer alone does not draw the 7 (${toTraining})`);
    }
    // Fig. 24 cuts one network three times: it is retrained once.
    const fig24 = await showView(page, 24);
    await fig24.getByRole('button', { name: 'Train it here', exact: true }).click();
    await fig24.locator('.train-text').getByText(/^Retrain the ConvNet here on /).waitFor({ timeout: 120_000 });
    await fig24.getByRole('button', { name: 'Cancel', exact: true }).click();
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('a network exported by the page, served as a shipped file, answers the drawing live; a missing or mismatched file is said so', { timeout: 300_000 }, async () => {
    const served = await servedFigure(env.server.url, 6);
    const rows = served.runs[0].rows;
    const { arch } = rows[0].network;
    assert.equal(arch.arch, 'conv', 'the first row of Fig. 6 is a ConvNet');

    const file = await exportedNetwork(env, arch);

    // Served as row 0's file; row 1 names a file the site does not have; row 2 a file that
    // holds row 0's network, not row 2's.
    const ids = ['0123456789abcdef', 'fedcba9876543210', '00112233aabbccdd'];
    const page = await env.browser.context.newPage();
    const errors = await watch(page, new URL(env.server.url).origin);
    await serveAsShipped(page, served, file, { 0: ids[0], 1: ids[1], 2: ids[2] }, [ids[0], ids[2]]);
    await watchWorker(page);
    await page.goto(env.server.url);
    await showView(page, 6);
    const pad = page.getByLabel(PAD, { exact: true });
    // Reaching for the pad (here: the keyboard's focus) loads the networks.
    await pad.focus();
    await answersPad(page, 0, 120_000);
    const before = await readPicture(liveCells(page).nth(0).locator('canvas'));
    await drawStroke(page, [[0.2, 0.2], [0.8, 0.8]], pad);
    await answersPad(page, 0, 60_000);
    const after = await readPicture(liveCells(page).nth(0).locator('canvas'));
    assert.notDeepEqual(after, before, 'the answer follows the drawing');
    const numbers = await liveCells(page).nth(0).locator('.pic-numbers span').allInnerTexts();
    assert.ok(numbers.length === 2 && numbers.every((v) => NUMBER.test(v)), `two correlations: ${numbers}`);
    assert.match(await liveCells(page).nth(0).locator('canvas').getAttribute('aria-label'), /to your drawing: identity .*, constant /);
    await liveCells(page).nth(1).getByText('not shipped: Train it here').waitFor({ timeout: 30_000 });
    await liveCells(page).nth(2).getByText(/holds .*, not this row's network/).waitFor({ timeout: 60_000 });
    // The keyboard draws too, and is answered.
    await pad.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await answersPad(page, 0, 60_000);
    await screenshot(page, 'paper-drawing-live');

    // The worker holds the networks of the figure in use only: the FCNs of Fig. 4 (none
    // shipped here) take the ConvNets' place when the reader draws there, and the ConvNets
    // come back when the reader draws on Fig. 6 again.
    const worker = networkWorker(page);
    const alive = () => worker.evaluate(() => self.networksAlive());
    const withConvNets = await alive();
    await showView(page, 4);
    await drawStroke(page, [[0.3, 0.3], [0.7, 0.7]], page.getByLabel('Pad for your drawing, answered by every network of Fig. 4', { exact: true }));
    await waitFor(async () => (await alive()) === withConvNets - 1, 'the ConvNet freed when the FCNs are drawn on');
    await showView(page, 6);
    await drawStroke(page, [[0.2, 0.5], [0.8, 0.5]], pad);
    await answersPad(page, 0, 60_000);
    assert.equal(await alive(), withConvNets, 'the ConvNet imported again on return');
    console.log(`wasm memory after the round trip: ${Math.round((await worker.evaluate(() => self.wasmBytes())) / 2 ** 20)} MiB`);
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it("the figures' networks make room when the reader's own network does not fit", { timeout: 300_000 }, async () => {
    const served = await servedFigure(env.server.url, 6);
    const file = await exportedNetwork(env, served.runs[0].rows[0].network.arch);
    const page = await env.browser.context.newPage();
    const errors = await watch(page, new URL(env.server.url).origin);
    await serveAsShipped(page, served, file, { 0: '0123456789abcdef' });
    // Three kept 784 -> 16,384 -> 784 take 294 MiB; 784 -> 5,700 -> 5,700 -> 784 needs about
    // 791 MiB to train: refused beside them, whatever the figures hold, which the figures
    // give back first (the message then counts the reader's networks alone).
    await page.goto(`${env.server.url}#arch=relu&hidden=1&width=16384&steps=1&backend=cpu`);
    await showView(page, 6);
    await page.getByLabel(PAD, { exact: true }).focus();
    await answersPad(page, 0, 120_000);
    await waitForState(page, ['ready'], 120_000);
    for (let i = 0; i < 3; i++) {
      await train(page, 120_000);
      await page.getByRole('button', { name: 'Keep for comparison' }).click();
    }
    await page.evaluate(() => {
      location.hash = 'arch=relu&hidden=2&width=5700&steps=1&backend=cpu';
    });
    await page.waitForFunction(() => !document.querySelector('#train').disabled, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.getByRole('list', { name: 'Messages' }).getByText(/relu-h5700x2 needs about 791 MiB, but the networks alive already take 294 MiB/).waitFor({ timeout: 60_000 })
      .catch(async (e) => {
        throw new Error(`${e.message}; ${await page.locator('#notices').innerText()}`);
      });
    await liveCells(page).nth(0).getByText(/given back to make room for your own network/).waitFor({ timeout: 10_000 });
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('"Train it here" shows the expected time first, offers narrower networks when that is long, trains them one by one and stops', { timeout: 300_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, env.server.url);
    await showView(page, 6);
    const view = page.locator('[data-paper-figure="6"] figure');
    await view.getByRole('button', { name: 'Train it here', exact: true }).click();
    const text = view.locator('.train-text');
    await text.getByText(/in all/).waitFor({ timeout: 120_000 });
    console.log(`Train it here: ${await text.innerText()}`);
    // Eight 32-channel ConvNets of up to 4,000 steps take longer than a few minutes on this
    // machine's CPU: narrower ones are offered, with their time.
    const narrow = view.getByRole('button', { name: /^Train at \d+ channels$/ });
    assert.ok(await narrow.isVisible(), `a narrower width is offered: ${await text.innerText()}`);
    assert.match(await text.innerText(), /Narrower ones \(at \d+ channels\) take /);
    await narrow.click();
    const first = view.locator('tbody tr:not(.inputs)').nth(0);
    await first.getByText(/retrained here at \d+ channels: loss \S+ after \d+ steps/).waitFor({ timeout: 240_000 });
    await view.getByRole('button', { name: 'Stop training here', exact: true }).click();
    await text.getByText(/^Stopped\./).waitFor({ timeout: 60_000 });
    assert.equal(await view.getByRole('button', { name: 'Train it here', exact: true }).isEnabled(), true, 'it can be asked again');
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('"Train it here" on Fig. 7 measures the heatmap rows of the networks retrained here beside the shipped ones', { timeout: 300_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, env.server.url);
    const figure = await showView(page, 7);
    await figure.getByRole('button', { name: 'Train it here', exact: true }).click();
    await figure.locator('.train-text').getByText(/in all/).waitFor({ timeout: 120_000 });
    const narrow = figure.getByRole('button', { name: /^Train at \d+ channels$/ });
    await (await narrow.isVisible() ? narrow : figure.getByRole('button', { name: 'Start training', exact: true })).click();
    // The first ConvNet (1 layer) trains in seconds; its rows appear under "retrained here".
    const retrained = figure.locator('.retrained table.heatmap');
    await retrained.first().waitFor({ timeout: 240_000 });
    await figure.getByRole('button', { name: 'Stop training here', exact: true }).click();
    await figure.locator('.train-text').getByText(/^Stopped\./).waitFor({ timeout: 60_000 });
    const served = (await servedFigure(env.server.url, 7)).runs[0];
    const cells = await retrained.first().locator('tbody tr').first().locator('td').allInnerTexts();
    assert.equal(cells.length, served.rhos.length, `a cell per rho: ${cells}`);
    assert.ok(cells.every((t) => NUMBER.test(t.trim())), `correlations: ${cells}`);
    assert.match(await figure.locator('.retrained').innerText(), /retrained here/);
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('"Train it here" on Fig. 17 measures how far each layer of a network retrained here moved, beside the shipped curves', { timeout: 300_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#fig-17`);
    const figure = await showView(page, 17);
    await figure.getByRole('button', { name: 'Train it here', exact: true }).click();
    await figure.locator('.train-text').getByText(/in all/).waitFor({ timeout: 120_000 });
    const narrow = figure.getByRole('button', { name: /^Train at \d+ hidden units$/ });
    await (await narrow.isVisible() ? narrow : figure.getByRole('button', { name: 'Start training', exact: true })).click();
    // The first network (one hidden layer) trains first; its curve joins the legend and the numbers.
    const legend = figure.locator('.chart-legend');
    await legend.getByText(/retrained here/).first().waitFor({ timeout: 240_000 });
    await figure.getByRole('button', { name: 'Stop training here', exact: true }).click();
    await figure.locator('.train-text').getByText(/^Stopped\./).waitFor({ timeout: 60_000 });
    const served = (await servedFigure(env.server.url, 17)).runs[0];
    const row = figure.locator('details table tbody tr').filter({ hasText: 'retrained here' }).first();
    // The numbers are folded away (a closed <details>): read as text, not as rendered.
    const cells = await row.locator('td').evaluateAll((tds) => tds.map((td) => td.textContent.trim()));
    assert.equal(cells.filter((t) => t !== '' && t !== '\u2013' && t !== '-').length, served.rows[0].changes.length, `a number for each layer of ${served.rows[0].network.label}: ${cells}`);
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('"Train it here" on Fig. 1 retrains the linear network, whose answers join the shipped ones', { timeout: 240_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, env.server.url);
    const figure = await showView(page, 1);
    const rowsBefore = await figure.locator('tbody tr:not(.inputs)').count();
    await figure.getByRole('button', { name: 'Train it here', exact: true }).click();
    await figure.locator('.train-text').getByText(/^Retrain the linear network here/).waitFor({ timeout: 120_000 });
    await figure.getByRole('button', { name: 'Start training', exact: true }).click();
    await figure.locator('.train-text').getByText(/^Retrained the linear network here/).waitFor({ timeout: 180_000 });
    // The table is built again with the new row, a slice of rows per frame.
    const rows = figure.locator('tbody tr:not(.inputs)');
    await waitFor(async () => (await rows.count()) === rowsBefore + 1, 'a row for the network retrained here', 30_000);
    await waitFor(async () => (await rows.filter({ hasText: 'retrained here' }).count()) === 1, 'the retrained row', 30_000);
    const retrained = rows.filter({ hasText: 'retrained here' });
    const numbers = await retrained.locator('.pic-numbers span').allInnerTexts();
    const served = (await servedFigure(env.server.url, 1)).runs[0];
    assert.equal(numbers.length, 2 * served.inputs.names.length, `two correlations an input: ${numbers}`);
    assert.ok(numbers.every((t) => NUMBER.test(t.trim())), `correlations: ${numbers}`);
    // Fig. 10 and 8 plan their retraining the same way (their training takes minutes).
    for (const n of [10, 8]) {
      const other = await showView(page, n);
      await other.getByRole('button', { name: 'Train it here', exact: true }).click();
      await other.locator('.train-text').getByText(/^Retrain the .* in all/).waitFor({ timeout: 120_000 });
      await other.getByRole('button', { name: 'Cancel', exact: true }).click();
    }
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('Fig. 8 shows the layers of the reader\'s drawing in the random and the trained networks', { timeout: 300_000 }, async () => {
    const page = await env.browser.context.newPage();
    const errors = await watch(page, new URL(env.server.url).origin);
    await watchWorker(page);
    await page.goto(env.server.url);
    const figure = await showView(page, 8);
    const served = (await servedFigure(env.server.url, 8)).runs[0];
    // The networks of the page's own panel (its untrained preview), before any figure's.
    await waitForState(page, ['ready'], 120_000);
    const worker = networkWorker(page);
    const alive = () => worker.evaluate(() => self.networksAlive());
    const own = await alive();
    const pad = figure.getByLabel('Pad for your drawing, seen inside the networks of Fig. 8', { exact: true });
    await drawStroke(page, [[0.3, 0.2], [0.7, 0.2], [0.45, 0.85]], pad);
    const mine = figure.locator('table.layers').nth(1);
    // One row per network of the figure (the random 20-layer net is the trained one's
    // initialisation) once all are loaded, one picture per layer, each with its two correlations.
    const rows = mine.locator('tbody tr:not(.inputs)');
    await waitFor(async () => (await rows.count()) === served.networks.length, 'a row per network of the figure', 240_000);
    for (const [i, net] of served.networks.entries()) {
      const pictures = rows.nth(i).locator('.pic .pixels');
      // A row is there while its network loads; its layers come when the network answers.
      await waitFor(async () => (await pictures.count()) === 1 + net.layers.length, `${net.network.label}: the input and its ${net.layers.length} layers`, 120_000);
      const numbers = await rows.nth(i).locator('.pic-numbers span').allInnerTexts();
      assert.equal(numbers.length, 2 * net.layers.length, `${net.network.label}: two correlations a layer`);
      assert.ok(numbers.every((t) => NUMBER.test(t.trim())), `${net.network.label}: ${numbers.slice(0, 4)}`);
    }
    // The input column shows the drawing, not the figure's digit.
    const input = await readPicture(rows.nth(0).locator('.pic .pixels').first());
    const digit = await readPicture(figure.locator('table.layers').nth(0).locator('tbody tr:not(.inputs)').nth(0).locator('.pic .pixels').first());
    assert.notDeepEqual(input, digit, 'the drawing is the input');
    // The trained 20-layer net answers with the training digit whatever the drawing: its
    // output layer correlates with the training digit, not with the drawing.
    const last = served.networks.findIndex((n) => n.state === 'trained' && n.network.arch.depth === 20);
    const out = rows.nth(last).locator('.pic').last().locator('.pic-numbers span');
    const [toInput, toTraining] = (await out.allInnerTexts()).map(Number);
    console.log(`Fig. 8 on a drawing: the trained 20-layer net's output correlates ${toInput} with the drawing, ${toTraining} with the training digit`);
    // Every view visited, then back to the first and drawn on: the worker holds the first
    // view's networks only (Fig. 8's were freed when they came in).
    const report = async (when) => console.log(`wasm memory ${when}: ${Math.round((await worker.evaluate(() => self.wasmBytes())) / 2 ** 20)} MiB, ${(await alive()) - own} networks of the figures`);
    await report('with Fig. 8\'s networks');
    for (const n of SHIPPED_VIEWS) await showView(page, n);
    await showView(page, 6);
    await drawStroke(page, [[0.3, 0.3], [0.7, 0.7]], page.getByLabel(PAD, { exact: true }));
    const shippedSix = (await servedFigure(env.server.url, 6)).runs[0].rows.length;
    await waitFor(async () => (await alive()) === own + shippedSix, `the worker holds Fig. 6's ${shippedSix} networks and the page's own ${own} only`, 120_000);
    await report('after visiting every view and drawing on the first');
    assert.deepEqual(errors, [], 'no console errors');
    await screenshot(page, 'paper-fig8-drawing');
    await page.close();
  });

  it('a figure file of the wrong shape gets a message in its view, and the other views still work', { timeout: 120_000 }, async () => {
    const page = await env.browser.context.newPage();
    const errors = await watch(page, new URL(env.server.url).origin);
    await page.route('**/paper/fig7.json', (route) => route.fulfill({ json: { figure: 7, scale: 'quick', backend: 'flex', seconds: 1, runs: [{ seed: 0, figure: 7, kind: 'heatmap', measure: 'correlation', rhos: [0, 1], probes_per_rho: 2, rows: 'oops' }], claims: [] } }));
    await page.route('**/paper/fig1.json', (route) => route.fulfill({ body: '{"figure": 1, "runs": [', contentType: 'application/json' }));
    await page.goto(env.server.url);
    await showView(page, 6);
    const broken = await showView(page, 7);
    assert.equal(await broken.getAttribute('data-state'), 'error');
    assert.match(await broken.locator('figcaption').innerText(), /^Fig\. 7\b/, 'the caption stays');
    assert.match(await broken.getByRole('alert').innerText(), /fig7\.json is not a figure file of the expected shape: runs\[0\]\.rows: expected a list, got the text "oops"/);
    const unreadable = await showView(page, 1);
    assert.match(await unreadable.getByRole('alert').innerText(), /fig1\.json could not be read/);
    for (const n of [5, 8]) assert.equal(await (await showView(page, n)).getAttribute('data-state'), 'shown', `Fig. ${n} still works`);
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });
});
