// Files, storage and the site's security policy: uploads that are truncated, enormous, empty,
// SVG or text in disguise get a message that says what is wrong and leave the training image
// as it was; a corrupt speed cache in localStorage is replaced; every response carries the
// page's Content-Security-Policy, and nothing violates it.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve } from './server.mjs';
import {
  site, openPage, waitForState, train, readPicture, drawnPicture,
} from './browser.mjs';

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
    const jpeg = await drawnPicture(page, { width: 64, height: 48, type: 'image/jpeg', background: '#fff', ink: '#000', bar: [28, 4, 8, 40] });
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
      const before = await readPicture(page.getByRole('img', { name: 'Training image', exact: true }));
      await upload.setInputFiles({ name: c.name, mimeType: 'image/png', buffer: c.buffer });
      await notices.getByText(c.message).waitFor({ timeout: 20_000 });
      assert.equal(await caption.innerText(), "the paper's 7", `${c.name}: the training image stays`);
      assert.deepEqual(await readPicture(page.getByRole('img', { name: 'Training image', exact: true })), before, `${c.name}: its pixels too`);
    }
    // Good files of each kind are taken: a PNG, a JPEG, a WebP.
    const webp = await drawnPicture(page, { width: 30, height: 30, type: 'image/webp', background: '#000', ink: '#fff', bar: [12, 3, 6, 24] });
    for (const [name, buffer] of [['bar.png', barPng()], ['bar.jpg', jpeg], ['bar.webp', webp]]) {
      await upload.setInputFiles({ name, mimeType: 'image/png', buffer });
      await page.getByText(`your image ${name}`).waitFor({ timeout: 20_000 });
    }
    const pixels = await readPicture(page.getByRole('img', { name: 'Training image', exact: true }));
    assert.ok(pixels.some((v) => v > 0.5), 'the uploaded bar shows as the training image');
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('a picture\'s size is read from its header as the browser will draw it', { timeout: 120_000 }, async () => {
    const { page, errors } = await openPage(env.browser.context, `${env.server.url}#${SMALL}`);
    await waitForState(page, ['ready'], 120_000);
    const jpeg = await drawnPicture(page, { width: 64, height: 48, type: 'image/jpeg', background: '#fff', ink: '#000', bar: [28, 4, 8, 40] });
    // The same JPEG with an EXIF block saying "turn a quarter" (orientation 6), as phones write.
    const exif = Buffer.from([
      0xff, 0xe1, 0x00, 0x22, ...Buffer.from('Exif\0\0', 'latin1'),
      0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF, IFD0 at 8
      0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, // orientation 6
      0x00, 0x00, 0x00, 0x00,
    ]);
    const turned = Buffer.concat([jpeg.subarray(0, 2), exif, jpeg.subarray(2)]);
    const gif = Buffer.from([
      ...Buffer.from('GIF89a', 'latin1'), 1, 0, 1, 0, 0, 0, 0, // a 1 x 1 screen
      0x2c, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, // a 65,535 x 65,535 first frame
    ]);
    const bmpCore = Buffer.alloc(26);
    bmpCore.write('BM', 0, 'latin1');
    bmpCore.writeUInt32LE(12, 14); // an OS/2 core header: 16-bit sizes
    bmpCore.writeUInt16LE(20000, 18);
    bmpCore.writeUInt16LE(300, 20);
    const headers = await page.evaluate(async (files) => {
      const { pictureHeader } = await import('/js/images.js');
      return files.map((bytes) => pictureHeader(new Uint8Array(bytes)));
    }, [jpeg, turned, gif, bmpCore, png(16000, 9000)].map((b) => [...b]));
    assert.deepEqual(headers, [
      { format: 'JPEG', width: 64, height: 48 },
      { format: 'JPEG', width: 48, height: 64 },
      { format: 'GIF', width: 65535, height: 65535 },
      { format: 'BMP', width: 20000, height: 300 },
      { format: 'PNG', width: 16000, height: 9000 },
    ]);
    const upload = page.locator('#upload');
    await upload.setInputFiles({ name: 'frame.gif', mimeType: 'image/gif', buffer: gif });
    await page.getByText(/"frame.gif" is 65,535 x 65,535 pixels; pictures of up to 50 megapixels are taken/).waitFor({ timeout: 20_000 });
    await upload.setInputFiles({ name: 'turned.jpg', mimeType: 'image/jpeg', buffer: turned });
    await page.getByText('your image turned.jpg').waitFor({ timeout: 20_000 });
    assert.deepEqual(errors, []);
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
    // in the page's ranges passed as small ones. The link that found it first, as a
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

  it('the server serves files inside its folder only: a link out of it, or a path with "..", is not found', { timeout: 60_000 }, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-site-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-outside-'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>inside</title>');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside the site');
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
    const server = await serve(root);
    try {
      const get = (p) => fetch(`${server.url}${p}`);
      assert.equal((await get('')).status, 200);
      for (const p of ['link.txt', '../identity-outside/secret.txt', '%2e%2e/%2e%2e/etc/hostname', '..%2f..%2fetc%2fhostname']) {
        const response = await get(p);
        assert.equal(response.status, 404, `/${p}`);
        assert.doesNotMatch(await response.text(), /outside the site|localhost/, `/${p}`);
      }
    } finally {
      await server.close();
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
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
    // Revalidation: the ETag answers 304 with no body.
    const first = await page.request.get(`${env.server.url}js/main.js`);
    const etag = first.headers().etag;
    assert.ok(etag, 'the server sends an ETag');
    const again = await page.request.get(`${env.server.url}js/main.js`, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status(), 304, 'a known ETag gets 304 Not Modified');
    // The page's source: styles set from script (CSSOM) are allowed, attributes are not.
    const source = await (await page.request.get(env.server.url)).text();
    assert.doesNotMatch(source, /<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=|<style/i, 'no inline script or style in the page');
    assert.deepEqual(errors, [], 'no CSP violation, no request off the site');
    await page.close();
  });
});
