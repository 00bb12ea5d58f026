// Links that a visitor or a script can send: 1,200 generated ones per run (a fixed seed and a
// fresh one, printed) loaded into one page with a kept network. For each: no page error or
// unhandled rejection, the page handles it and comes back (the longest a link held the main
// thread is printed, not asserted: it depends on the machine), a message names the first bad
// key (or says that the link is too long), and at the end the worker is alive and the kept
// network still answers.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { site, openPage, waitForState, train } from './browser.mjs';
import { links, freshSeed } from './fuzz.mjs';

const SMALL = 'arch=conv&depth=2&channels=4&kernel=3&steps=20&seed=0&backend=cpu';
/** Links per seed; two seeds. */
const PER_SEED = 600;
/** Links handed to the page per round trip. */
const BATCH = 50;

/** Runs in the page: sets each hash and measures until the main thread is free again. */
async function loadLinks(hashes) {
  const results = [];
  for (const hash of hashes) {
    const before = location.hash;
    const t0 = performance.now();
    const changed = new Promise((resolve) => {
      addEventListener('hashchange', resolve, { once: true });
      setTimeout(resolve, 3000);
    });
    location.hash = hash;
    if (location.hash !== before) await changed;
    await new Promise((resolve) => setTimeout(resolve, 0));
    const ms = performance.now() - t0;
    const items = [...document.querySelectorAll('#notices li')];
    results.push({
      ms,
      notice: document.querySelector('#notices li[data-key="link"]')?.textContent ?? '',
      notices: items.length,
      unexpected: items.filter((li) => /Unexpected error/.test(li.textContent)).map((li) => li.textContent),
      state: document.body.dataset.state,
    });
  }
  return results;
}

describe('generated links', () => {
  const env = site();

  it('1,200 bad links: no error, no frozen tab, a message naming the bad key, the kept network survives', { timeout: 600_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    await train(page, 120_000);
    await page.getByRole('button', { name: 'Keep for comparison' }).click();
    await page.evaluate(() => {
      window.__rejections = [];
      addEventListener('unhandledrejection', (e) => window.__rejections.push(String(e.reason)));
    });

    const fresh = freshSeed();
    console.log(`link fuzzer: seeds 20200214 and ${fresh} (replay: links(seed, ${PER_SEED}) in fuzz.mjs)`);
    let count = 0;
    let worst = 0;
    let huge = 0;
    for (const seed of [20200214, fresh]) {
      const generated = links(seed, PER_SEED);
      for (let i = 0; i < generated.length; i += BATCH) {
        const batch = generated.slice(i, i + BATCH);
        const results = await page.evaluate(loadLinks, batch.map((l) => l.hash));
        results.forEach((r, j) => {
          const { hash, firstBad, huge: long } = batch[j];
          const which = `seed ${seed}, link ${i + j} (${hash.length} chars): #${hash.slice(0, 200)}`;
          count += 1;
          huge += long ? 1 : 0;
          worst = Math.max(worst, r.ms);
          assert.deepEqual(r.unexpected, [], `${which}: an unexpected error was shown`);
          assert.notEqual(r.state, 'error', `${which}: the page went into its error state`);
          assert.ok(r.notices <= 8, `${which}: ${r.notices} messages shown; they must not pile up`);
          if (long) {
            assert.match(r.notice, /characters long/, `${which}: a link over the limit needs its message, got ${JSON.stringify(r.notice)}`);
          } else if (firstBad !== null && firstBad !== '') {
            assert.ok(r.notice.includes(`"${firstBad.slice(0, 40)}`), `${which}: the message should name ${JSON.stringify(firstBad)}, got ${JSON.stringify(r.notice.slice(0, 300))}`);
          }
        });
      }
    }
    console.log(`link fuzzer: ${count} links (${huge} over the length limit), slowest ${worst.toFixed(0)} ms of main thread`);
    assert.ok(count >= 1000);
    assert.deepEqual(await page.evaluate(() => window.__rejections), [], 'no unhandled rejection');

    // The kept network still answers, and the worker still trains.
    await page.evaluate((hash) => {
      location.hash = hash;
    }, SMALL);
    const kept = page.locator('#kept article');
    assert.equal(await kept.count(), 1, 'the kept network survives');
    await page.getByRole('button', { name: 'Load digit 3 into the drawing pad' }).click();
    const version = await page.getByLabel('Drawing pad', { exact: true }).getAttribute('data-version');
    await page.waitForFunction((v) => document.querySelector('#kept canvas').dataset.version === v, version, { timeout: 60_000 });
    await train(page, 120_000);
    assert.deepEqual(errors, [], 'no console errors, CSP violations or requests off the site');
    await page.close();
  });

  it('a link with thousands of bad keys makes one message, and the next link replaces it', { timeout: 120_000 }, async () => {
    const bad = Array.from({ length: 300 }, (_, i) => `k${i}=1`).join('&');
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${bad}`);
    await waitForState(page, ['ready'], 120_000);
    const notices = page.getByRole('list', { name: 'Messages' });
    const text = await notices.innerText();
    assert.match(text, /The link has 300 problems, each ignored: Ignored "k0=1" in the link: unknown key k0/);
    assert.match(text, /and 297 more/);
    assert.equal(await notices.locator('li').count(), 1, 'one message for the whole link');
    await page.evaluate(() => {
      location.hash = 'arch=conv&depth=99';
    });
    await notices.getByText('"depth=99"').waitFor({ timeout: 10_000 });
    assert.doesNotMatch(await notices.innerText(), /300 problems/, "the earlier link's message is gone");
    await page.evaluate(() => {
      location.hash = 'arch=conv&depth=3';
    });
    await page.waitForFunction(() => !document.querySelector('#notices li[data-key="link"]'), null, { timeout: 10_000 });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
