// The page on WebGPU, in Chromium's software adapter (SwiftShader): a real WebGPU
// implementation, about a second a training step. If this Chromium has no WebGPU these tests
// fail (they do not skip): the GPU path would be untested.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './server.mjs';
import {
  launch, openPage, waitForState, train, answerToPad, pearson, screenshot, messages,
} from './browser.mjs';

/** Depth 2, 4 channels, 3x3 kernels, 20 Adam steps at lr 0.01: ~1 s a step on SwiftShader. */
const TINY = 'arch=conv&depth=2&channels=4&kernel=3&opt=adam&lr=0.01&steps=20&seed=0';

describe('the page on WebGPU (SwiftShader)', () => {
  let server;
  let browser;
  let page;
  before(async () => {
    server = await serve();
    browser = await launch({ webgpu: true });
    const probe = await browser.context.newPage();
    await probe.goto(server.url);
    const adapter = await probe.evaluate(async () => {
      if (!navigator.gpu) return 'navigator.gpu is missing';
      const a = await navigator.gpu.requestAdapter();
      return a ? 'ok' : 'requestAdapter() returned null';
    });
    await probe.close();
    assert.equal(adapter, 'ok', `WebGPU is not available in this Chromium with the SwiftShader flags (${adapter}): the WebGPU tests cannot run`);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('(b) backend=webgpu trains on WebGPU and the loss goes down', { timeout: 420_000 }, async () => {
    ({ page } = await openPage(browser.context, `${server.url}#${TINY}&backend=webgpu`));
    await waitForState(page, ['ready'], 120_000);
    await train(page, 360_000);
    const status = await page.getByRole('status', { name: 'Backend and training progress' }).innerText();
    assert.match(await page.locator('#backend').innerText(), /^WebGPU/, `the badge should name WebGPU: ${status}`);
    const caption = await page.locator('#loss-caption').innerText();
    const losses = caption.match(/([\d.]+e[-+]\d+) \u2192 ([\d.]+e[-+]\d+)/);
    assert.ok(losses, `the loss caption should show the first and last loss: ${caption}`);
    const [first, last] = [Number(losses[1]), Number(losses[2])];
    // Margin: 20 steps of Adam at lr 0.01 on one image; the loss must fall by at least 10 %.
    assert.ok(last < 0.9 * first, `the loss should go down on WebGPU: ${first} -> ${last}`);
    await screenshot(page, 'webgpu-trained');
  });

  it('(f) two predictions read back one after the other give different, correct images', { timeout: 300_000 }, async () => {
    assert.ok(page, 'needs the network trained by (b)');
    await waitForState(page, ['trained'], 10_000);
    const load = (digit) => page.getByRole('button', { name: `Load digit ${digit} into the drawing pad` }).click();
    await load(1);
    await load(0);
    const zero = await answerToPad(page, 120_000);
    await load(1);
    const one = await answerToPad(page, 120_000);
    const differ = one.output.reduce((n, v, i) => n + (Math.abs(v - zero.output[i]) > 0.1 ? 1 : 0), 0);
    assert.ok(differ > 20, `the outputs for a 0 and a 1 should differ (only ${differ} pixels do): a stale read-back?`);
    const own0 = pearson(zero.output, zero.input);
    const other0 = pearson(zero.output, one.input);
    const own1 = pearson(one.output, one.input);
    const other1 = pearson(one.output, zero.input);
    assert.ok(own0 > other0, `the answer to the 0 should match the 0 (${own0.toFixed(2)}) better than the 1 (${other0.toFixed(2)})`);
    assert.ok(own1 > other1, `the answer to the 1 should match the 1 (${own1.toFixed(2)}) better than the 0 (${other1.toFixed(2)})`);
    await page.close();
  });

  it('(c) backend=auto does not pick the software adapter: the badge says CPU and why', { timeout: 240_000 }, async () => {
    const { page: auto } = await openPage(browser.context, `${server.url}#${TINY}&backend=auto`);
    await waitForState(auto, ['ready'], 120_000);
    const badge = auto.locator('#backend');
    await auto.waitForFunction(() => ['cpu', 'webgpu'].includes(document.querySelector('#backend').dataset.kind), null, { timeout: 120_000 })
      .catch(async (e) => {
        throw new Error(`${e.message}; ${await messages(auto)}`);
      });
    const status = await auto.getByRole('status', { name: 'Backend and training progress' }).innerText();
    assert.equal(await badge.innerText(), 'CPU', `auto should run on the CPU next to a software adapter: ${status}`);
    assert.match(status, /software/i, `the reason should mention the software adapter: ${status}`);
    assert.doesNotMatch(status, /no WebGPU/i, `WebGPU should be available here (the reason says otherwise): ${status}`);
    await auto.close();
  });
});
