// Turning a picture the reader uploads into an MNIST-like 28 x 28 image: grey levels, a
// white digit on black (inverted when the picture is mostly light), the ink fitted into a
// 20 x 20 box and centred, as MNIST's digits are.
//
// A file is judged by its first bytes before anything is decoded: its format (PNG, JPEG,
// GIF, WebP or BMP) and its size in pixels, which can be enormous in a tiny file (a 279 kB
// PNG can claim 16,000 x 16,000 pixels, a gigabyte decoded). Within the limit, the browser
// decodes it already scaled down to the working square.

import { grouped } from './numbers.js';
import { MNIST_PIXELS, MNIST_SIDE } from './rules.js';

/**
 * A copy of image `i` of a list of MNIST images stored one after another.
 * @param {Float32Array} list
 * @param {number} i
 * @returns {Float32Array}
 */
export function imageAt(list, i) {
  return list.slice(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
}

/** Side of the working square the picture is decoded into. */
const WORK = 112;
/** MNIST fits each digit into a box of this side inside the 28 x 28 image. */
const BOX = 20;
/** The largest picture decoded, in pixels: a 48-megapixel phone photo fits. */
export const MAX_UPLOAD_PIXELS = 50_000_000;
/** The largest file read, in bytes. */
export const MAX_UPLOAD_BYTES = 64 * 2 ** 20;
/** Bytes read to find a picture's size (a JPEG's comes after its metadata, thumbnails included). */
const HEADER_BYTES = 4 * 2 ** 20;

/** The formats taken, in words. */
const FORMATS = 'a PNG, JPEG, GIF, WebP or BMP picture';

/**
 * The format and size of a picture from its first bytes, without decoding it: the size as
 * the browser will draw it (a JPEG turned by its EXIF orientation; a GIF's canvas grown to its
 * first frame).
 * @param {Uint8Array} b the file's first bytes
 * @returns {{format: string, width?: number, height?: number} | null}
 *   null when the bytes are none of the formats taken; no size (neither width nor height)
 *   when the bytes end before it
 */
export function pictureHeader(b) {
  const u16be = (i) => (b[i] << 8) | b[i + 1];
  const u16le = (i) => b[i] | (b[i + 1] << 8);
  const u24le = (i) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
  const u32be = (i) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
  const u32le = (i) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + ((b[i + 3] << 24) >>> 0);
  const i32le = (i) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
  const ascii = (i, n) => String.fromCharCode(...b.subarray(i, i + n));
  const sized = (format, width, height, need) => (b.length >= need ? { format, width, height } : { format });
  if (b.length >= 8 && u32be(0) === 0x89504e47 && u32be(4) === 0x0d0a1a0a) {
    return sized('PNG', u32be(16), u32be(20), 24);
  }
  if (b.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return gifSize(b, u16le);
  if (b.length >= 2 && ascii(0, 2) === 'BM') {
    // An OS/2 core header (12 bytes) has 16-bit sizes; the others 32-bit ones.
    if (b.length >= 18 && u32le(14) === 12) return sized('BMP', u16le(18), u16le(20), 22);
    return sized('BMP', Math.abs(i32le(18)), Math.abs(i32le(22)), 26);
  }
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const chunk = ascii(12, 4);
    if (chunk === 'VP8X') return sized('WebP', u24le(24) + 1, u24le(27) + 1, 30);
    if (chunk === 'VP8L') {
      const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
      return sized('WebP', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1, 25);
    }
    if (chunk === 'VP8 ') return sized('WebP', u16le(26) & 0x3fff, u16le(28) & 0x3fff, 30);
    return { format: 'WebP' };
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpegSize(b, u16be, ascii);
  return null;
}

/** A GIF's size: its logical screen, grown to its first frame (as browsers draw it). */
function gifSize(b, u16le) {
  if (b.length < 13) return { format: 'GIF' };
  let width = u16le(6);
  let height = u16le(8);
  let i = 13 + (b[10] & 0x80 ? 3 * 2 ** ((b[10] & 7) + 1) : 0);
  while (i < b.length) {
    if (b[i] === 0x2c) {
      if (i + 9 > b.length) return { format: 'GIF' };
      width = Math.max(width, u16le(i + 1) + u16le(i + 5));
      height = Math.max(height, u16le(i + 3) + u16le(i + 7));
      return { format: 'GIF', width, height };
    }
    if (b[i] !== 0x21) break; // the trailer, or damage: no frame
    i += 2; // an extension: its label, then sub-blocks up to an empty one
    while (i < b.length && b[i] !== 0) i += b[i] + 1;
    i += 1;
  }
  return { format: 'GIF', width, height };
}

/** A JPEG's size from its start-of-frame marker, turned by its EXIF orientation. */
function jpegSize(b, u16be, ascii) {
  let turned = false;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return { format: 'JPEG' };
    const marker = b[i + 1];
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    // Start of frame: SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      const [width, height] = [u16be(i + 7), u16be(i + 5)];
      return turned ? { format: 'JPEG', width: height, height: width } : { format: 'JPEG', width, height };
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return { format: 'JPEG' };
    if (marker === 0xe1 && ascii(i + 4, 6) === 'Exif\0\0') turned = exifTurns(b, i + 10);
    i += 2 + u16be(i + 2);
  }
  return { format: 'JPEG' };
}

/** Whether the EXIF block (its TIFF header at `t`) turns the picture a quarter (orientation 5-8). */
function exifTurns(b, t) {
  if (t + 8 > b.length) return false;
  const little = b[t] === 0x49; // "II"; "MM" is big-endian
  const u16 = (i) => (little ? b[i] | (b[i + 1] << 8) : (b[i] << 8) | b[i + 1]);
  const u32 = (i) => (little ? u16(i) + u16(i + 2) * 65536 : u16(i) * 65536 + u16(i + 2));
  const ifd = t + u32(t + 4);
  if (ifd + 2 > b.length) return false;
  for (let e = 0; e < u16(ifd); e++) {
    const entry = ifd + 2 + 12 * e;
    if (entry + 12 > b.length) return false;
    if (u16(entry) === 0x0112) return u16(entry + 8) >= 5 && u16(entry + 8) <= 8;
  }
  return false;
}

/**
 * Decodes an image file and converts it to 28 x 28 values in [0, 1].
 * @param {Blob & {name?: string}} file a PNG, JPEG, GIF, WebP or BMP picture (a File names it)
 * @param {number} [side]
 * @returns {Promise<Float32Array>} rejects with a message that says what is wrong: not a
 *   picture of those formats (an SVG, a text), empty, too large, damaged, blank
 */
export async function imageFromFile(file, side = MNIST_SIDE) {
  const name = `"${String(file.name ?? 'the file').slice(0, 80)}"`;
  if (file.size === 0) throw new Error(`${name} is empty (0 bytes)`);
  if (file.size > MAX_UPLOAD_BYTES) {
    throw new Error(`${name} is ${(file.size / 2 ** 20).toFixed(0)} MiB; pictures of up to ${MAX_UPLOAD_BYTES / 2 ** 20} MiB are taken`);
  }
  const head = new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer());
  const header = pictureHeader(head);
  if (!header) {
    const svg = /^\s*(<\?xml|<svg)/i.test(new TextDecoder().decode(head.subarray(0, 256)));
    throw new Error(svg
      ? `${name} is an SVG drawing, which this page does not take: save it as ${FORMATS} first`
      : `${name} is not an image this page can read: it takes ${FORMATS}`);
  }
  if (header.width === undefined) {
    throw new Error(head.length < file.size
      ? `${name}: no size found in the first ${HEADER_BYTES / 2 ** 20} MiB of this ${header.format} file`
      : `${name} is a damaged ${header.format} file (its header is cut short)`);
  }
  const { width, height } = header;
  if (!(width > 0 && height > 0)) throw new Error(`${name} claims a size of ${width} x ${height} pixels: a damaged ${header.format} file`);
  if (width * height > MAX_UPLOAD_PIXELS) {
    throw new Error(`${name} is ${grouped(width)} x ${grouped(height)} pixels; `
      + `pictures of up to ${MAX_UPLOAD_PIXELS / 1e6} megapixels are taken`);
  }
  // Fit the picture into the working square, keeping its aspect, decoded at that size.
  const scale = WORK / Math.max(width, height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
  } catch {
    throw new Error(`${name} could not be decoded: a damaged or truncated ${header.format} file`);
  }
  // On white: photos of a digit on paper are the common case; the inversion below turns it
  // into MNIST's white on black.
  const work = new OffscreenCanvas(WORK, WORK);
  const ctx = work.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, WORK, WORK);
  ctx.drawImage(bitmap, (WORK - w) / 2, (WORK - h) / 2, w, h);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, WORK, WORK).data;
  const grey = new Float32Array(WORK * WORK);
  for (let i = 0; i < grey.length; i++) {
    grey[i] = (0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]) / 255;
  }
  const mean = grey.reduce((a, b) => a + b, 0) / grey.length;
  if (mean > 0.5) grey.forEach((v, i) => (grey[i] = 1 - v));
  return fitInk(grey, WORK, side);
}

/**
 * Crops the ink (pixels brighter than a third of the brightest), scales it into the MNIST box
 * and centres it.
 * @param {Float32Array} grey values in [0, 1], white ink on black
 * @param {number} n side of `grey`
 * @param {number} side side of the result
 * @returns {Float32Array}
 */
function fitInk(grey, n, side) {
  const max = grey.reduce((a, b) => Math.max(a, b), 0);
  if (max < 0.1) throw new Error('the image is blank: no digit found in it');
  let [x0, y0, x1, y1] = [n, n, -1, -1];
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (grey[y * n + x] > max / 3) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  const src = new OffscreenCanvas(n, n);
  const sctx = src.getContext('2d');
  const data = sctx.createImageData(n, n);
  grey.forEach((v, i) => {
    const g = Math.round((Math.min(1, v / max)) * 255);
    data.data.set([g, g, g, 255], 4 * i);
  });
  sctx.putImageData(data, 0, 0);
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const box = (BOX * side) / MNIST_SIDE;
  const s = box / Math.max(bw, bh);
  const out = new OffscreenCanvas(side, side);
  const octx = out.getContext('2d', { willReadFrequently: true });
  octx.fillStyle = '#000';
  octx.fillRect(0, 0, side, side);
  octx.imageSmoothingQuality = 'high';
  octx.drawImage(src, x0, y0, bw, bh, (side - bw * s) / 2, (side - bh * s) / 2, bw * s, bh * s);
  const small = octx.getImageData(0, 0, side, side).data;
  const pixels = new Float32Array(side * side);
  for (let i = 0; i < pixels.length; i++) pixels[i] = small[4 * i] / 255;
  return pixels;
}
