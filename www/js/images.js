// Turning a picture the reader uploads into an MNIST-like 28 x 28 image: grey levels, a
// white digit on black (inverted when the picture is mostly light), the ink fitted into a
// 20 x 20 box and centred, as MNIST's digits are.

/** Side of the working canvas the picture is first drawn into. */
const WORK = 112;
/** MNIST fits each digit into a box of this side inside the 28 x 28 image. */
const BOX = 20;

/**
 * Decodes an image file and converts it to 28 x 28 values in [0, 1].
 * @param {Blob} file a PNG, JPEG, GIF, WebP, BMP or SVG
 * @param {number} [side]
 * @returns {Promise<Float32Array>} rejects with a message for a file that is not an image or
 *   is blank
 */
export async function imageFromFile(file, side = 28) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`"${file.name ?? 'the file'}" is not an image this browser can read (try a PNG or JPEG)`);
  }
  // Fit the picture into the working square, keeping its aspect, on white (photos of a digit
  // on paper are the common case; the inversion below turns it into MNIST's white on black).
  const work = new OffscreenCanvas(WORK, WORK);
  const ctx = work.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, WORK, WORK);
  const scale = WORK / Math.max(bitmap.width, bitmap.height);
  const w = bitmap.width * scale;
  const h = bitmap.height * scale;
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
  const box = (BOX * side) / 28;
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
