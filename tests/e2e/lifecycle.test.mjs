// The life of the networks in one tab: a configuration being checked cannot be trained, Stop
// before the first step trains nothing, training that diverges gives the previous network
// back, a kept network keeps the name of its own training image, the networks alive share
// one memory budget, and 100 train/free cycles do not grow the memory.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  site, openPage, waitForState, train, answerToPad, messages, drawnPicture,
} from './browser.mjs';

const SMALL = 'arch=conv&depth=2&channels=4&kernel=3&steps=20&seed=0&backend=cpu';
/** A ConvNet at SGD's largest learning rate: its loss overflows within a few dozen steps
 * (natively: infinite at step 20). */
const DIVERGES = 'arch=conv&depth=3&channels=8&kernel=3&opt=sgd&lr=10&steps=200&seed=0&backend=cpu';

/** Sets a link in the page and waits until the form has taken it (Train usable again). */
async function goTo(page, hash) {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForFunction(() => !document.querySelector('#train').disabled, null, { timeout: 60_000 });
}

/** The status line. */
const status = (page) => page.locator('#status-text').innerText();

describe('the networks of one tab', () => {
  const env = site();

  it('a changed configuration cannot be trained until it is checked, and the size line never names the last one', { timeout: 120_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    await page.waitForFunction(() => !document.querySelector('#train').disabled, null, { timeout: 60_000 });
    // Both fields in one task: nothing of the worker's answer can arrive in between.
    const seen = await page.evaluate(() => {
      for (const [id, value] of [['#f-depth', '32'], ['#f-channels', '1024']]) {
        const field = document.querySelector(id);
        field.value = value;
        field.dispatchEvent(new Event('input'));
      }
      return { disabled: document.querySelector('#train').disabled, size: document.querySelector('#size').textContent };
    });
    assert.equal(seen.disabled, true, 'Train is disabled while the new configuration is checked');
    assert.doesNotMatch(seen.size, /conv-d2-c4-k3/, `the size line must not name the previous network: ${seen.size}`);
    await page.waitForFunction(() => document.querySelector('#size').classList.contains('bad'), null, { timeout: 30_000 });
    assert.match(await page.locator('#size').innerText(), /conv-d32-c1024-k3 has [\d,]+ parameters, more than the limit/);
    assert.equal(await page.locator('#train').isDisabled(), true);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('Stop before the first step trains nothing: the previous network stays on the pad and is the one kept', { timeout: 180_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    await train(page, 120_000);
    await goTo(page, SMALL.replace('channels=4', 'channels=8'));
    // Train and Stop in one task: Stop comes while the network is still being built.
    await page.evaluate(() => {
      document.querySelector('#train').click();
      document.querySelector('#stop').click();
    });
    await page.waitForFunction(() => /nothing was trained/.test(document.querySelector('#status-text').textContent), null, { timeout: 60_000 });
    assert.match(await status(page), /The previous network, conv-d2-c4-k3, is back on the pad/);
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'trained');
    await page.getByRole('button', { name: 'Keep for comparison' }).click();
    const card = page.locator('#kept article');
    assert.equal(await card.locator('h3').innerText(), 'conv-d2-c4-k3', 'the kept network is the trained one');
    assert.match(await card.locator('.about').innerText(), /20 steps, loss \d/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('training that diverges says so and why, and the previous network answers on', { timeout: 180_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    await train(page, 120_000);
    await goTo(page, DIVERGES);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const notices = page.getByRole('list', { name: 'Messages' });
    await notices.getByText(/training diverged at step \d+/).waitFor({ timeout: 120_000 });
    const text = await notices.innerText();
    assert.match(text, /Training conv-d3-c8-k3 failed: training diverged at step \d+: the loss became (NaN|inf|-inf) \(the learning rate 10 is too large for this network; try a smaller one\)/);
    assert.match(text, /The previous network, conv-d2-c4-k3, is back on the pad/);
    await page.getByRole('button', { name: 'Load digit 3 into the drawing pad' }).click();
    const { output } = await answerToPad(page);
    assert.ok(output.some((v) => v > 0.1), 'the previous network answers the pad');
    assert.doesNotMatch(await notices.innerText(), /not a finite number/);
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'trained');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a kept network removed while a new one trains is still there to fall back to', { timeout: 180_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    // A slow CPU on record: the page then reads the loss after every step, and reports
    // progress before the diverging network below reaches its first infinite loss.
    await page.evaluate(() => localStorage.setItem('identity-crisis.speeds', JSON.stringify({ CPU: [{ flops: 1e6, msPerStep: 5000 }] })));
    await page.reload();
    await waitForState(page, ['ready'], 120_000);
    await train(page, 120_000);
    await page.getByRole('button', { name: 'Keep for comparison' }).click();
    await goTo(page, DIVERGES);
    // While the new network trains (its first progress shown), remove the kept one: it is
    // also what training falls back to.
    await page.evaluate(() => {
      const status = document.querySelector('#status-text');
      new MutationObserver((_, observer) => {
        if (/^Training conv-d3-c8-k3: step/.test(status.textContent)) {
          observer.disconnect();
          document.querySelector('#kept article .remove').click();
        }
      }).observe(status, { childList: true, characterData: true, subtree: true });
      document.querySelector('#train').click();
    });
    const notices = page.getByRole('list', { name: 'Messages' });
    await notices.getByText(/The previous network, conv-d2-c4-k3, is back on the pad/).waitFor({ timeout: 120_000 });
    assert.equal(await page.locator('#kept article').count(), 0, 'it left the comparison');
    await page.getByRole('button', { name: 'Load digit 3 into the drawing pad' }).click();
    const { output } = await answerToPad(page);
    assert.ok(output.some((v) => v > 0.1), 'the network given back answers the pad');
    assert.doesNotMatch(await notices.innerText(), /no network with id|Could not/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a kept network names its own training image; a link keeps an uploaded image, or says it replaced it', { timeout: 180_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    await page.getByRole('button', { name: 'Train on MNIST test digit 1 (a 2)' }).click();
    await train(page, 120_000);
    await page.getByRole('button', { name: "Train on the paper's 7" }).click();
    await page.getByRole('button', { name: 'Keep for comparison' }).click();
    assert.match(await page.locator('#kept article .about').innerText(), /trained on MNIST test digit 1 \(a 2\)$/);

    // Upload a picture, then follow links.
    const png = await drawnPicture(page, { width: 40, height: 40, background: '#000', ink: '#fff', bar: [16, 5, 8, 30] });
    await page.locator('#upload').setInputFiles({ name: 'bar.png', mimeType: 'image/png', buffer: png });
    const caption = page.locator('#training-caption');
    await page.getByText('your image bar.png').waitFor({ timeout: 10_000 });
    await goTo(page, SMALL.replace('depth=2', 'depth=3'));
    assert.equal(await caption.innerText(), 'your image bar.png (not part of the link)', 'a link without image= keeps the upload');
    await goTo(page, `${SMALL}&image=4`);
    assert.match(await caption.innerText(), /^MNIST test digit 4/);
    await page.getByRole('list', { name: 'Messages' }).getByText(/The link chose MNIST test digit 4 \(a \d\) as the training image, in place of your image bar.png/).waitFor({ timeout: 10_000 });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('networks alive share one memory budget: one too many is refused with the names of those to remove', { timeout: 300_000 }, async () => {
    // 784 -> 16,384 -> 784 takes about 98 MiB once trained: three kept take 294 MiB. Then
    // 784 -> 5,700 -> 5,700 -> 784 needs about 791 MiB to train, which fits the CPU path's
    // 1,024 MiB alone, but not beside the three.
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#arch=relu&hidden=1&width=16384&steps=1&backend=cpu`);
    await waitForState(page, ['ready'], 120_000);
    const keep = page.getByRole('button', { name: 'Keep for comparison' });
    for (let i = 0; i < 3; i++) {
      await page.waitForFunction(() => !document.querySelector('#train').disabled, null, { timeout: 60_000 });
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await page.waitForFunction((n) => document.body.dataset.state === 'trained' && !document.querySelector('#keep').disabled
        && document.querySelectorAll('#kept article').length === n, i, { timeout: 120_000 });
      await keep.click();
    }
    assert.equal(await page.locator('#kept article').count(), 3);
    await goTo(page, 'arch=relu&hidden=2&width=5700&steps=1&backend=cpu');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const notices = page.getByRole('list', { name: 'Messages' });
    await notices.getByText(/relu-h5700x2 needs about 791 MiB, but the networks alive already take 294 MiB of the 1024 MiB/).waitFor({ timeout: 60_000 })
      .catch(async (e) => {
        throw new Error(`${e.message}; ${await messages(page)}`);
      });
    assert.match(await notices.innerText(), /relu-h16384x1 \(98 MiB\), relu-h16384x1 \(98 MiB\), relu-h16384x1 \(98 MiB\)\. Remove one of them/);
    assert.equal(await page.locator('#kept article').count(), 3, 'the kept networks are all there');
    // Remove one: now it fits, and trains.
    await page.locator('#kept article .remove').first().click();
    await page.waitForFunction(() => !document.querySelector('#train').disabled, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.waitForFunction(() => /^Trained relu-h5700x2/.test(document.querySelector('#status-text').textContent), null, { timeout: 120_000 });
    assert.equal(await page.locator('#kept article').count(), 2);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('memory over 100 train/free cycles', () => {
  const env = site();

  it('wasm memory and JS heap after cycle 100 are within 5 % of cycle 10', { timeout: 600_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#arch=conv&depth=1&channels=1&kernel=3&steps=3&seed=0&backend=cpu`);
    await waitForState(page, ['ready'], 120_000);
    /** Runs in the page: trains `n` times, each new network replacing (and freeing) the last. */
    const cycles = (n) => page.evaluate(async (count) => {
      const until = (test) => new Promise((resolve, reject) => {
        const t0 = performance.now();
        const poll = () => {
          if (test()) resolve();
          else if (performance.now() - t0 > 60_000) reject(new Error(`timed out: ${document.querySelector('#status').textContent}`));
          else setTimeout(poll, 5);
        };
        poll();
      });
      const button = document.querySelector('#train');
      for (let i = 0; i < count; i++) {
        await until(() => !button.disabled);
        button.click();
        await until(() => button.disabled);
        await until(() => !button.disabled && document.body.dataset.state === 'trained');
      }
    }, n);
    // The JS heaps of the page and of its worker through the DevTools protocol, after a full
    // collection; the least of three readings (a reading taken while a task allocates is
    // higher, never lower).
    const cdp = await page.context().newCDPSession(page);
    const { targetInfos } = await cdp.send('Target.getTargets');
    const workerTarget = targetInfos.find((t) => t.type === 'worker' && t.url.endsWith('/js/worker.js'));
    assert.ok(workerTarget, 'the network worker is a target');
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: workerTarget.targetId, flatten: false });
    const replies = new Map();
    let nextId = 0;
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const reply = JSON.parse(e.message);
      replies.get(reply.id)?.(reply.result);
    });
    const inWorker = (method) => new Promise((resolve) => {
      const id = ++nextId;
      replies.set(id, resolve);
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
    });
    const least = async (read) => {
      const readings = [];
      for (let i = 0; i < 3; i++) {
        readings.push(await read());
        await page.waitForTimeout(100);
      }
      return Math.min(...readings);
    };
    const pageHeap = () => least(async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    });
    const workerHeap = () => least(async () => {
      await inWorker('HeapProfiler.collectGarbage');
      return (await inWorker('Runtime.getHeapUsage')).usedSize;
    });
    const measure = async () => {
      // The footer's memory line is refreshed after each training: wait for the last one.
      await page.waitForTimeout(500);
      const m = await page.evaluate(() => document.querySelector('#memory').dataset);
      return { wasm: Number(m.wasmBytes), networks: Number(m.networks), page: await pageHeap(), worker: await workerHeap() };
    };
    await cycles(10);
    const at10 = await measure();
    await cycles(90);
    const at100 = await measure();
    const mib = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;
    console.log(`memory after 10 cycles: wasm ${mib(at10.wasm)}, page heap ${mib(at10.page)}, worker heap ${mib(at10.worker)}, ${at10.networks} networks`);
    console.log(`memory after 100 cycles: wasm ${mib(at100.wasm)}, page heap ${mib(at100.page)}, worker heap ${mib(at100.worker)}, ${at100.networks} networks`);
    assert.equal(at100.networks, 1, 'one network alive: every replaced one was freed');
    assert.ok(at100.wasm <= at10.wasm * 1.05, `wasm memory grew from ${mib(at10.wasm)} to ${mib(at100.wasm)}`);
    assert.ok(at100.page <= at10.page * 1.05, `the page's JS heap grew from ${mib(at10.page)} to ${mib(at100.page)}`);
    assert.ok(at100.worker <= at10.worker * 1.05, `the worker's JS heap grew from ${mib(at10.worker)} to ${mib(at100.worker)}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
