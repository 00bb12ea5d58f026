// The site offline once visited: the service worker (www/sw.js, with the list `cargo xtask
// build` writes) keeps every file, and the shipped networks a view fetched. With the browser
// set offline, a reload still shows the paper's figures, answers a drawing and trains.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, watch, waitForState, train, drawStroke,
} from './browser.mjs';
import { serve } from './server.mjs';

/** A ConvNet that trains in seconds. */
const SMALL = 'arch=conv&depth=2&channels=4&kernel=3&steps=20&seed=0&backend=cpu';
const PAD = 'Pad for your drawing, answered by every network of Fig. 6';

describe('the site offline', () => {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await serve();
    env.browser = await launch({ serviceWorkers: 'allow' });
  });
  after(async () => {
    try {
      await env.browser?.close();
    } finally {
      await env.server?.close();
    }
  });

  it('after one visit, a reload with no network shows the figures, answers a drawing and trains', { timeout: 300_000 }, async () => {
    const page = await env.browser.context.newPage();
    const errors = await watch(page, new URL(env.server.url).origin);
    await page.goto(`${env.server.url}#${SMALL}`);
    // The service worker installs (every file of the site cached) and takes the page over.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 120_000 });
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      const cache = await caches.open(names.find((n) => n.startsWith('identity-crisis-')));
      return (await cache.keys()).length;
    });
    console.log(`offline: the service worker cached ${cached} files`);
    // The first view's networks are fetched (and kept) when the reader draws.
    const pad = page.getByLabel(PAD, { exact: true });
    await drawStroke(page, [[0.3, 0.3], [0.7, 0.7]], pad);
    await page.locator('figure.paper-figure[data-figure="6"] tbody tr:not(.inputs) td:last-child canvas[data-version]').first().waitFor({ timeout: 120_000 });
    await waitForState(page, ['ready'], 120_000);

    await env.browser.context.setOffline(true);
    try {
      await page.reload();
      await page.locator('figure.paper-figure[data-figure="6"][data-state="shown"]').waitFor({ timeout: 60_000 });
      await drawStroke(page, [[0.2, 0.5], [0.8, 0.5]], pad);
      await page.locator('figure.paper-figure[data-figure="6"] tbody tr:not(.inputs) td:last-child canvas[data-version]').first().waitFor({ timeout: 120_000 });
      await waitForState(page, ['ready'], 120_000);
      await train(page, 120_000);
      const status = await page.getByRole('status', { name: 'Backend and training progress' }).innerText();
      assert.match(status, /20 steps/, `trained offline: ${status}`);
    } finally {
      await env.browser.context.setOffline(false);
    }
    assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), [], 'no errors');
    await page.close();
  });
});
