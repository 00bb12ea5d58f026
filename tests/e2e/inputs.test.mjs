// Files, storage and the site's security policy: uploads that are truncated, enormous, empty,
// SVG or text in disguise get a message that says what is wrong and leave the training image
// as it was; a corrupt speed cache in localStorage is replaced; every response carries the
// page's Content-Security-Policy, and nothing violates it.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { site, openPage, waitForState, train, readCanvas } from './browser.mjs';

const SMALL = 'arch=conv&depth=2&channels=4&kernel=3&steps=20&seed=0&backend=cpu';

/** A PNG file: the signature and the chunks, with their CRCs. */
function png(width, height, { pixels = null, truncate = null } = {}) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  const rows = pixels ?? Buffer.alloc(0);
  const file = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return truncate === null ? file : file.subarray(0, truncate);
}

/** A 40 x 40 grey PNG with a white bar on black: a decodable digit-like picture. */
function barPng() {
  const side = 40;
  const rows = Buffer.alloc(side * (side + 1));
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) rows[y * (side + 1) + 1 + x] = x > 15 && x < 24 && y > 5 && y < 35 ? 255 : 0;
  }
  return png(side, side, { pixels: rows });
}

describe('uploads, storage and the security policy', () => {
  const env = site();

  it('bad uploads get a message that says what is wrong, and the training image stays', { timeout: 180_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    const upload = page.locator('#upload');
    const caption = page.locator('#training-caption');
    const notices = page.getByRole('list', { name: 'Messages' });
    const jpeg = Buffer.from((await page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 64;
      c.height = 48;
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, 64, 48);
      ctx.fillStyle = '#000';
      ctx.fillRect(28, 4, 8, 40);
      return c.toDataURL('image/jpeg', 0.9);
    })).split(',')[1], 'base64');
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    assert.ok(sof > 0, 'the JPEG has a frame header');
    const cases = [
      { name: 'empty.png', buffer: Buffer.alloc(0), message: /"empty.png" is empty \(0 bytes\)/ },
      { name: 'notes.png', buffer: Buffer.from('these are notes, not a picture'), message: /"notes.png" is not an image this page can read: it takes a PNG, JPEG, GIF, WebP or BMP picture/ },
      { name: 'seven.svg', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28"><path d="M4 4h20L10 26"/></svg>'), message: /"seven.svg" is an SVG drawing, which this page does not take/ },
      { name: 'huge.png', buffer: png(16000, 16000), message: /"huge.png" is 16,000 x 16,000 pixels; pictures of up to 50 megapixels are taken/ },
      { name: 'cut-header.png', buffer: barPng().subarray(0, 20), message: /"cut-header.png" is a damaged PNG file/ },
      { name: 'truncated.png', buffer: barPng().subarray(0, 60), message: /"truncated.png" could not be decoded: a damaged or truncated PNG file/ },
      { name: 'cut-header.jpg', buffer: jpeg.subarray(0, sof + 4), message: /"cut-header.jpg" is a damaged JPEG file/ },
      { name: 'zero-size.png', buffer: png(0, 10), message: /"zero-size.png" claims a size of 0 x 10 pixels/ },
    ];
    for (const c of cases) {
      const before = await readCanvas(page.getByRole('img', { name: 'Training image', exact: true }));
      await upload.setInputFiles({ name: c.name, mimeType: 'image/png', buffer: c.buffer });
      await notices.getByText(c.message).waitFor({ timeout: 20_000 });
      assert.equal(await caption.innerText(), "the paper's 7", `${c.name}: the training image stays`);
      assert.deepEqual(await readCanvas(page.getByRole('img', { name: 'Training image', exact: true })), before, `${c.name}: its pixels too`);
    }
    // Good files of each kind are taken: a PNG, a JPEG (even one cut after its frame header,
    // which the browser decodes partly), a WebP.
    const webp = Buffer.from((await page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 30;
      c.height = 30;
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, 30, 30);
      ctx.fillStyle = '#fff';
      ctx.fillRect(12, 3, 6, 24);
      return c.toDataURL('image/webp');
    })).split(',')[1], 'base64');
    for (const [name, buffer] of [['bar.png', barPng()], ['bar.jpg', jpeg], ['bar.webp', webp]]) {
      await upload.setInputFiles({ name, mimeType: 'image/png', buffer });
      await page.getByText(`your image ${name}`).waitFor({ timeout: 20_000 });
    }
    const pixels = await readCanvas(page.getByRole('img', { name: 'Training image', exact: true }));
    assert.ok(pixels.some((v) => v > 0.5), 'the uploaded bar shows as the training image');
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('a corrupt speed cache in localStorage is replaced, and training still works', { timeout: 180_000 }, async () => {
    const page = await env.browser.context.newPage();
    await page.goto(`${env.server.url}#${SMALL}`);
    for (const bad of ['{"CPU":5}', 'not json', '[1,2]', '{"CPU":[{"flops":-1,"msPerStep":"x"}],"__proto__":[{"flops":1,"msPerStep":1}]}']) {
      await page.evaluate((text) => localStorage.setItem('identity-crisis.speeds', text), bad);
      await page.reload();
      await waitForState(page, ['ready'], 120_000);
      await train(page, 120_000);
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('identity-crisis.speeds')));
      assert.ok(Array.isArray(stored.CPU) && stored.CPU.every((m) => m.flops > 0 && m.msPerStep > 0), `after ${bad}: the cache holds good measurements only: ${JSON.stringify(stored)}`);
      assert.match(await page.locator('#size').innerText(), /as measured here/, `after ${bad}: the estimate uses the new measurement`);
    }
    await page.close();
  });

  it('network sizes are exact in the browser\'s 32-bit wasm across the page\'s whole range', { timeout: 180_000 }, async () => {
    // In wasm32 a `usize` has 32 bits: sums of parameters wrapped, and about 20,000 ConvNets
    // in the page's ranges passed as small ones (issue 14). The link first, as a
    // reader sees it; then 20,000 random ConvNets and FCNs (plus the corners of the ranges)
    // checked against exact BigInt sizes, through the same `describe` the page calls.
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#arch=conv&depth=5&channels=1024&kernel=37&backend=cpu`);
    await page.waitForFunction(() => document.querySelector('#size').classList.contains('bad'), null, { timeout: 120_000 });
    assert.match(await page.locator('#size').innerText(), /conv-d5-c1024-k37 has 4\d{9} parameters, more than the limit of 200000000/);
    assert.equal(await page.locator('#train').isDisabled(), true);
    const seed = Math.floor(Math.random() * 2 ** 31);
    console.log(`wasm32 size check: seed ${seed}`);
    const report = await page.evaluate(async (seed0) => {
      const wasm = await import('/pkg/identity_wasm.js');
      await wasm.default();
      let a = seed0 >>> 0;
      const next = () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = Math.imul(a ^ (a >>> 15), a | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
      const MAX_PARAMS = 200000000n;
      const MAX_MEMORY = 8n << 30n;
      const px = 784n;
      const exact = (arch) => {
        if (arch.arch === 'conv') {
          const [d, c, k2] = [BigInt(arch.depth), BigInt(arch.channels), BigInt(arch.kernel) ** 2n];
          const params = d === 1n ? k2 + 1n : (k2 * c + c) + (d - 2n) * (k2 * c * c + c) + (k2 * c + 1n);
          return { params, memory: 20n * params + 12n * (2n + (d - 1n) * c) * px };
        }
        const widths = [px, ...arch.hidden.map(BigInt), px];
        const bias = arch.arch === 'relu' ? 1n : 0n;
        let params = 0n;
        for (let i = 1; i < widths.length; i++) params += widths[i - 1] * widths[i] + bias * widths[i];
        return { params, memory: 20n * params + 12n * widths.reduce((x, y) => x + y, 0n) };
      };
      const archs = [];
      for (const depth of [1, 2, 5, 31, 32]) {
        for (const channels of [1, 2, 1023, 1024]) {
          for (const kernel of [1, 3, 37, 61, 63]) archs.push({ arch: 'conv', depth, channels, kernel });
        }
      }
      for (let i = 0; i < 20000; i++) {
        if (i % 4 === 3) {
          const width = int(1, 16384);
          const hidden = Array(int(0, 16)).fill(width);
          archs.push(next() < 0.5 || hidden.length === 0 ? { arch: 'linear', hidden } : { arch: 'relu', hidden, train_bottom_only: false });
        } else {
          archs.push({ arch: 'conv', depth: int(1, 32), channels: int(1, 1024), kernel: 2 * int(0, 31) + 1 });
        }
      }
      const wrong = [];
      let accepted = 0;
      for (const arch of archs) {
        const { params, memory } = exact(arch);
        const fits = params <= MAX_PARAMS && memory <= MAX_MEMORY;
        let shown;
        try {
          const d = wasm.describe(arch);
          shown = { ok: true, params: BigInt(d.params), memory: BigInt(d.memory_bytes) };
        } catch (e) {
          const counted = String(e.message).match(/has (\d+) parameters/);
          shown = { ok: false, params: counted ? BigInt(counted[1]) : null, message: String(e.message) };
        }
        const good = shown.ok
          ? fits && shown.params === params && shown.memory === memory
          : !fits && (shown.params === null ? params <= MAX_PARAMS : shown.params === params);
        accepted += shown.ok ? 1 : 0;
        if (!good && wrong.length < 5) wrong.push({ arch, exact: String(params), shown: { ...shown, params: String(shown.params), memory: String(shown.memory) } });
      }
      return { checked: archs.length, accepted, wrong };
    }, seed);
    console.log(`wasm32 size check: ${report.checked} networks, ${report.accepted} accepted, ${report.wrong.length} wrong`);
    assert.deepEqual(report.wrong, [], 'sizes shown by the wasm module differ from the exact ones');
    assert.ok(report.checked > 20000 && report.accepted > 1000);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('every response carries the page\'s Content-Security-Policy, and nothing violates it', { timeout: 180_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    await train(page, 120_000);
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(meta, /default-src 'self'/);
    assert.match(meta, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(meta, /unsafe-inline|'unsafe-eval'|\*/, 'no inline script, no eval, no wildcard');
    for (const file of ['', 'js/worker.js', 'pkg/identity_wasm_bg.wasm', 'css/site.css', 'no-such-file']) {
      const response = await page.request.get(`${env.server.url}${file}`);
      assert.equal(response.headers()['content-security-policy'], meta, `/${file} carries the page's policy`);
    }
    // The page's source: styles set from script (CSSOM) are allowed, attributes are not.
    const source = await (await page.request.get(env.server.url)).text();
    assert.doesNotMatch(source, /<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=|<style/i, 'no inline script or style in the page');
    assert.deepEqual(errors, [], 'no CSP violation, no request off the site');
    await page.close();
  });
});
