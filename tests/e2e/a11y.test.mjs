// Usable by everyone: axe-core finds no serious or critical WCAG fault on the page (every paper
// figure shown) or on the example post and each figure embedded in it, at a desktop's and a
// phone's width (contrast of every text, the correlation numbers included; scrolling regions
// the keyboard can reach; names for pictures and controls).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { site, openPage, accessibilityFaults, readyPostFigures, GRAVE } from './browser.mjs';

/** The widths checked: a desktop's and a phone's (CSS pixels). */
const WIDTHS = [{ name: 'desktop', width: 1280, height: 900 }, { name: 'phone', width: 390, height: 844 }];

describe('accessibility', () => {
  const env = site();

  for (const { name, width, height } of WIDTHS) {
    it(`the page with every paper figure shown has no serious or critical fault (${name})`, { timeout: 180_000 }, async () => {
      const { page, errors } = await openPage(env.browser.context, env.server.url);
      await page.setViewportSize({ width, height });
      const views = page.locator('[data-paper-figure]');
      for (let i = 0; i < await views.count(); i++) {
        await views.nth(i).scrollIntoViewIfNeeded();
        await views.nth(i).locator('figure.paper-figure[data-state="shown"]').waitFor({ timeout: 60_000 });
      }
      assert.deepEqual(await accessibilityFaults(page.mainFrame(), GRAVE), [], 'axe on the page');
      assert.deepEqual(errors, [], 'no console errors');
      await page.close();
    });

    it(`the example post and each figure in it have no serious or critical fault (${name})`, { timeout: 180_000 }, async () => {
      const { page, errors } = await openPage(env.browser.context, `${env.server.url}examples/post.html`);
      await page.setViewportSize({ width, height });
      const count = await readyPostFigures(page);
      assert.ok(count > 0, 'the post has figures');
      assert.deepEqual(await accessibilityFaults(page.mainFrame(), GRAVE), [], 'axe on the post');
      const frames = page.frames().filter((f) => f !== page.mainFrame());
      assert.equal(frames.length, count, 'a frame per figure');
      for (const frame of frames) {
        assert.deepEqual(await accessibilityFaults(frame, GRAVE), [], `axe in ${frame.url()}`);
      }
      assert.deepEqual(errors, [], 'no console errors');
      await page.close();
    });
  }
});
