// The page on the CPU path (burn's flex backend in wasm): training, drawing, the link, the
// main thread staying responsive, failure paths. Configurations are in each test's link.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  site, openPage, waitForState, train, drawStroke, answerToPad, correlations, readPicture, screenshot, messages, networkWorker,
} from './browser.mjs';
import { RHOS } from '../../www/js/rules.js';

/** A small ConvNet that trains in seconds on the CPU. */
const SMALL = 'arch=conv&depth=2&channels=8&kernel=3&steps=100&seed=0&backend=cpu';

describe('the page on the CPU', () => {
  const env = site();

  it('(a) trains a small ConvNet, answers a mouse drawing with an image, two correlations and a verdict', { timeout: 240_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    await train(page, 180_000);
    const status = await page.getByRole('status', { name: 'Backend and training progress' }).innerText();
    assert.match(status, /CPU/, `the status should name the CPU backend: ${status}`);
    assert.match(status, /100 steps/, `the status should report the finished training: ${status}`);

    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    // An empty pad is a flat image: its correlation to the output is undefined, not 0.
    await answerToPad(page);
    assert.equal((await page.locator('#corr-identity').textContent()).trim(), 'n/a', 'an empty pad has no correlation to the identity');
    await drawStroke(page, [[0.3, 0.25], [0.7, 0.25], [0.45, 0.8]]);
    const { input, output } = await answerToPad(page);
    assert.ok(input.some((v) => v > 0.5), 'the stroke should show on the pad');
    const lit = output.filter((v) => v > 0.1).length;
    assert.ok(lit > 10, `the network output should not be blank (${lit} of 784 pixels lit)`);

    const c = await correlations(page);
    for (const [name, value] of [['identity', c.identity], ['constant', c.constant]]) {
      assert.ok(Number.isFinite(value) && value >= -1 && value <= 1, `correlation to ${name} should be a number in [-1, 1], got ${value}`);
    }
    assert.ok(['identity', 'memorized', 'neither', 'both'].includes(c.verdict), `a verdict should be shown, got ${JSON.stringify(c.verdict)}`);
    const first = await page.evaluate(() => window.__timings.firstPrediction);
    assert.ok(first > 0, `window.__timings.firstPrediction should be a time in ms, got ${first}`);

    // The heatmap row in both senses of rho: the same answer at rho = 1 (the training image
    // itself in both), other inputs below it (cosine-orthogonal ones at rho = 0).
    // Two rows (identity, constant) of one cell per rho, the figures' rhos (rules.js).
    const n = RHOS.length;
    const cells = () => page.evaluate(() => [...document.querySelectorAll('#heatmap tbody td')].map((td) => td.textContent));
    await page.waitForFunction((count) => document.querySelectorAll('#heatmap tbody td').length === count, 2 * n, { timeout: 60_000 });
    const pearson = await cells();
    await page.selectOption('#rho-sense', 'cosine');
    await page.waitForFunction(([before, count]) => {
      const now = [...document.querySelectorAll('#heatmap tbody td')].map((td) => td.textContent);
      return now.length === count && now.join() !== before.join();
    }, [pearson, 2 * n], { timeout: 60_000 });
    const cosine = await cells();
    assert.deepEqual([cosine[n - 1], cosine[2 * n - 1]], [pearson[n - 1], pearson[2 * n - 1]], `rho = 1 is the training image in both senses: ${pearson} / ${cosine}`);
    assert.notDeepEqual([cosine[0], cosine[n]], [pearson[0], pearson[n]], 'rho = 0 inputs differ between the senses');
    await screenshot(page, 'cpu-trained-and-drawn');
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('(f) an exported network imported again answers identically; a damaged file is refused and the network stays', { timeout: 300_000 }, async () => {
    // The same input each time, pixel for pixel: a digit put on the pad (a mouse stroke's
    // pixels depend on how the browser delivered its moves, which a busy page changes).
    const answer = async (page) => {
      await page.getByRole('button', { name: 'Clear', exact: true }).click();
      await page.getByRole('button', { name: 'Load digit 3 into the drawing pad' }).click();
      const { input, output } = await answerToPad(page);
      assert.ok(input.some((v) => v > 0.5), 'the digit should show on the pad');
      return { input, output, ...(await correlations(page)) };
    };
    const importFile = async (page, file) => {
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: 'Import network', exact: true }).click(),
      ]);
      await chooser.setFiles(file);
    };
    const status = (page) => page.getByRole('status', { name: 'Backend and training progress' }).innerText();

    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    assert.ok(await page.getByRole('button', { name: 'Export network', exact: true }).isDisabled(), 'an untrained network cannot be exported');
    await train(page, 180_000);
    const trained = await answer(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export network', exact: true }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^identity-crisis-.*\.bpk$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-export-'));
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = fs.readFileSync(file);
    assert.ok(bytes.length > 1000, `the file holds the weights: ${bytes.length} bytes`);

    // A fresh page: the untrained network answers otherwise; the imported one as trained.
    await page.reload();
    await waitForState(page, ['ready'], 120_000);
    const untrained = await answer(page);
    assert.notDeepEqual(untrained.output, trained.output, 'the untrained network answers otherwise');
    await importFile(page, file);
    await waitForState(page, ['trained'], 60_000);
    assert.match(await status(page), /Imported .* trained 100 steps/);
    const imported = await answer(page);
    assert.deepEqual(imported, trained, 'the imported network answers exactly as the exported one');

    // Damaged files: a message naming what is wrong, and the imported network stays on the pad.
    const notices = page.getByRole('list', { name: 'Messages' });
    for (const [name, content, reason] of [
      ['truncated.bpk', bytes.subarray(0, bytes.length >> 1), /truncated|do not fit/],
      ['notes.bpk', Buffer.from('not a network'), /not a network file/],
    ]) {
      const damaged = path.join(dir, name);
      fs.writeFileSync(damaged, content);
      await importFile(page, damaged);
      const message = notices.getByText(`Could not import ${name}`);
      await message.waitFor({ timeout: 60_000 });
      assert.match(await message.innerText(), reason);
      assert.equal(await page.evaluate(() => document.body.dataset.state), 'trained');
      assert.match(await status(page), /Imported/);
    }
    assert.deepEqual(await answer(page), trained, 'the network on the pad is still the imported one');
    fs.rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('(d) a bad link shows a message naming each bad key, and training still works', { timeout: 240_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#depth=abc&arch=banana&channels=8&kernel=3&steps=30&backend=cpu`);
    const notices = page.getByRole('list', { name: 'Messages' });
    await notices.getByText('"depth=abc"').waitFor({ timeout: 30_000 });
    const text = await notices.innerText();
    assert.match(text, /Ignored "depth=abc" in the link: depth must be an integer in 1\.\.32/);
    assert.match(text, /Ignored "arch=banana" in the link: arch must be one of conv, relu, linear/);
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /arch=conv&depth=3&channels=8/, `the link should be rewritten with the defaults: ${hash}`);
    await waitForState(page, ['ready'], 120_000);
    await train(page, 180_000);
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('(e) while the worker trains, the pad answers strokes and animation frames keep coming', { timeout: 300_000 }, async () => {
    // How long the main thread's tasks take depends on the machine: that is a number of the
    // page benchmark (`npm run bench`: the longest task while training). Here, what does not:
    // the page keeps painting and answering the reader's drawing during training.
    const page = await env.browser.context.newPage();
    await page.addInitScript(() => {
      window.__frames = 0;
      const count = () => {
        window.__frames += 1;
        requestAnimationFrame(count);
      };
      requestAnimationFrame(count);
    });
    // Depth 3 x 16 channels with a budget that outlasts the test: stopped by hand below.
    await page.goto(`${env.server.url}#arch=conv&depth=3&channels=16&kernel=5&steps=100000&seed=1&backend=cpu`);
    await waitForState(page, ['ready'], 120_000);
    await page.waitForFunction(() => !document.querySelector('#train').disabled, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForState(page, ['training'], 30_000);
    await page.waitForFunction(() => /step \d/.test(document.querySelector('#status').innerText), null, { timeout: 60_000 });
    const frames = await page.evaluate(() => window.__frames);
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await drawStroke(page, [[0.2, 0.5], [0.5, 0.2], [0.8, 0.5], [0.5, 0.8]]);
    const { input, output } = await answerToPad(page, 120_000);
    assert.ok(input.some((v) => v > 0.5), 'the stroke shows on the pad');
    assert.equal(output.length, 784, 'the network answered the stroke');
    await page.waitForFunction((before) => window.__frames >= before + 30, frames, { timeout: 120_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'training', 'all of it happened while the worker trained');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForState(page, ['trained'], 60_000);
    await page.close();
  });

  it('the pad draws with the keyboard and Undo takes it back', { timeout: 120_000 }, async () => {
    const { page } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    const pad = page.getByLabel('Drawing pad', { exact: true });
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await pad.focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
    // Reading the pad without its keyboard cursor (drawn while the pad has focus).
    const withoutCursor = async () => {
      await pad.evaluate((c) => c.blur());
      const pixels = await readPicture(pad);
      await pad.focus();
      return pixels;
    };
    const drawn = await withoutCursor();
    assert.ok(drawn.filter((v) => v > 0.5).length >= 5, 'Space and Shift+arrows should paint a line');
    for (let i = 0; i < 6; i++) await page.keyboard.press('Control+z');
    const undone = await withoutCursor();
    assert.ok(undone.every((v) => v < 0.05), 'Ctrl+Z should undo back to the cleared pad');
    await page.close();
  });

  it('a network too large to train is refused with the reason, and the page stays usable', { timeout: 180_000 }, async () => {
    // 20 layers of 1,024 channels: far over identity-core's parameter limit.
    const { page } = await openPage(env.browser.context, `${env.server.url}#arch=conv&depth=20&channels=1024&kernel=5&backend=cpu`);
    await waitForState(page, ['ready'], 120_000);
    const size = page.locator('#size');
    await page.waitForFunction(() => document.querySelector('#size').classList.contains('bad'), null, { timeout: 60_000 });
    assert.match(await size.innerText(), /cannot be built: .*parameters/);
    assert.equal(await page.getByRole('button', { name: 'Train', exact: true }).isDisabled(), true, 'Train is disabled for an invalid network');
    // Back to a small network: Train works again.
    await page.getByLabel('Channels').fill('8');
    await page.getByLabel('Depth (layers)').fill('2');
    await page.locator('summary', { hasText: 'Training settings' }).click();
    await page.getByLabel('Steps').fill('20');
    await train(page, 120_000);
    await page.close();
  });

  it('a dead worker (a wasm trap) is reported, and the next Train works in a fresh worker', { timeout: 240_000 }, async () => {
    const { page } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    await page.waitForFunction(() => window.__timings.firstPrediction, null, { timeout: 60_000 });
    const worker = networkWorker(page);
    assert.ok(worker, 'the page should run a worker');
    // What a Rust panic in wasm looks like to JavaScript: an uncaught RuntimeError.
    await worker.evaluate(() => setTimeout(() => {
      throw new WebAssembly.RuntimeError('unreachable (simulated trap)');
    }, 0));
    await waitForState(page, ['error'], 30_000).catch(async (e) => {
      throw new Error(`${e.message}; ${await messages(page)}`);
    });
    const notices = await page.getByRole('list', { name: 'Messages' }).innerText();
    assert.match(notices, /network worker stopped \(unreachable \(simulated trap\)\)/);
    await train(page, 180_000);
    await page.close();
  });

  it('Stop ends training early; kept networks answer the same drawing side by side and can be removed', { timeout: 300_000 }, async () => {
    // A ConvNet with a long budget (stopped by hand), then a ReLU FCN (1 hidden layer of 784,
    // 60 steps): two kept networks.
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#arch=conv&depth=2&channels=8&kernel=3&steps=100000&backend=cpu`);
    await waitForState(page, ['ready'], 120_000);
    await page.waitForFunction(() => !document.querySelector('#train').disabled, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForState(page, ['training'], 30_000);
    await page.waitForFunction(() => /step \d/.test(document.querySelector('#status').innerText), null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForState(page, ['trained'], 60_000);
    assert.match(await page.locator('#status').innerText(), /\(stopped\)/);
    const keep = page.getByRole('button', { name: 'Keep for comparison' });
    await keep.click();

    await page.getByLabel('Network from the paper').selectOption({ label: '1 hidden layer of 784' });
    await page.locator('summary', { hasText: 'Training settings' }).click();
    await page.getByLabel('Steps').fill('60');
    assert.match(await page.evaluate(() => location.hash), /arch=relu&hidden=1&width=784&bottom=false&steps=60/);
    await train(page, 240_000);
    await keep.click();

    const cards = page.locator('#kept article');
    assert.equal(await cards.count(), 2, 'two kept networks');
    await page.getByRole('button', { name: 'Load digit 3 into the drawing pad' }).click();
    const version = await page.getByLabel('Drawing pad', { exact: true }).getAttribute('data-version');
    await page.waitForFunction((v) => [...document.querySelectorAll('#kept canvas')].every((c) => c.dataset.version === v), version, { timeout: 60_000 });
    for (const name of ['conv-d2-c8-k3', 'relu-h784x1']) {
      const card = cards.filter({ hasText: name });
      const value = Number(await card.getByLabel('Correlation to identity').textContent());
      assert.ok(value >= -1 && value <= 1, `${name} should show its correlation to the identity, got ${value}`);
    }
    await screenshot(page, 'compare');
    await page.getByRole('button', { name: 'Remove conv-d2-c8-k3' }).click();
    assert.equal(await cards.count(), 1, 'one kept network after Remove');
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('an uploaded picture becomes an MNIST-like training image, so does the drawing; a file that is not an image gets a message', { timeout: 120_000 }, async () => {
    const { page } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    // A dark "3" on white paper, as a photo of a digit would be.
    const png = await page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 120;
      c.height = 90;
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, 120, 90);
      ctx.fillStyle = '#111';
      ctx.font = 'bold 70px sans-serif';
      ctx.fillText('3', 40, 75);
      return c.toDataURL('image/png').split(',')[1];
    });
    const upload = page.locator('#upload');
    await upload.setInputFiles({ name: 'three.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    await page.getByText('your image three.png').waitFor({ timeout: 10_000 });
    const pixels = await readPicture(page.getByRole('img', { name: 'Training image', exact: true }));
    const mean = pixels.reduce((a, b) => a + b, 0) / pixels.length;
    assert.ok(mean > 0.03 && mean < 0.4, `a white digit on black (inverted from the light picture), mean ${mean.toFixed(2)}`);
    assert.ok(pixels.slice(0, 28).every((v) => v < 0.05), 'centred with a black margin, as in MNIST');

    await page.getByRole('button', { name: 'Use my drawing' }).click();
    assert.equal(await page.locator('#training-caption').innerText(), 'your drawing (not part of the link)');

    await upload.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
    const notices = page.getByRole('list', { name: 'Messages' });
    await notices.getByText('"notes.txt" is not an image').waitFor({ timeout: 10_000 });
    await page.close();
  });

  it('(g) screenshot at phone width', { timeout: 180_000 }, async () => {
    const page = await env.browser.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    await page.waitForFunction(() => window.__timings.firstPrediction, null, { timeout: 60_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page should not scroll sideways at phone width (${overflow} px too wide)`);
    await screenshot(page, 'phone');
    await page.close();
  });
});
