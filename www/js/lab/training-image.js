// The image networks train on: the paper's 7, a bundled MNIST test digit (part of the link),
// or the reader's own (an upload or the drawing, not part of the link); and the rows of
// thumbnails that choose it, or load a digit into the pad.

import { paintImage, pictureTiles } from '../charts.js';
import { imageAt, imageFromFile } from '../images.js';
import { $ } from './lab.js';
import { MNIST_PIXELS } from '../rules.js';
import { notify } from './page-state.js';
import { writeHash } from './link.js';

/** @typedef {import('./lab.js').Lab} Lab */

/** What the training image is. */
export const IMAGE_KIND = Object.freeze({ PAPER: 'paper', BUNDLED: 'bundled', OWN: 'own' });
/** Bundled digits offered as training images (the paper's 7 comes first). */
const PICKER_DIGITS = 11;
/** The paper's 7 as a training-image choice. */
const PAPER_CAPTION = "the paper's 7";

/**
 * Chooses the training image.
 * @param {Lab} lab
 * @param {Float32Array} pixels 28 x 28 values in [0, 1]
 * @param {string} caption what it is, in words
 * @param {{index?: number | null, kind: string, button?: HTMLElement | null}} how `index`:
 *   its bundled-digit index (part of the link); `kind`: one of IMAGE_KIND; `button`: the
 *   picker button to mark as chosen
 */
function chooseImage(lab, pixels, caption, { index = null, kind, button = null }) {
  lab.image = { pixels, caption, index, kind };
  paintImage(/** @type {HTMLCanvasElement} */ ($('training-image')), pixels);
  $('training-caption').textContent = caption + (kind === IMAGE_KIND.OWN ? ' (not part of the link)' : '');
  document.querySelectorAll('#digit-picker button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
  lab.state = { ...lab.state, image: index };
  writeHash(lab);
}

/**
 * Fills a row of thumbnail buttons, each showing its picture (see pictureTiles).
 * @param {HTMLElement} row emptied first
 * @param {{pixels: Float32Array, offset: number, label: string, onClick: (button: HTMLButtonElement) => void}[]} thumbs
 *   `label`: what the button does; `onClick` is given the button clicked
 */
function thumbRow(row, thumbs) {
  const tiles = pictureTiles(thumbs);
  row.replaceChildren(...thumbs.map(({ label, onClick }, i) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'thumb';
    button.title = label;
    button.setAttribute('aria-label', label);
    button.append(tiles[i]);
    button.addEventListener('click', () => onClick(button));
    return button;
  }));
}

/**
 * Fills the training-image picker and the pad's digit row from the worker's data, and
 * chooses the image the link names.
 * @param {Lab} lab its data loaded
 */
export function buildPickers(lab) {
  const { digits, labels, defaultImage } = lab.data;
  const thumbs = [{ pixels: defaultImage, offset: 0, label: "Train on the paper's 7", onClick: (button) => chooseImage(lab, defaultImage, PAPER_CAPTION, { kind: IMAGE_KIND.PAPER, button }) }];
  for (let i = 0; i < PICKER_DIGITS; i++) {
    const caption = `MNIST test digit ${i} (a ${labels[i]})`;
    const pixels = imageAt(digits, i);
    thumbs.push({ pixels: digits, offset: i * MNIST_PIXELS, label: `Train on ${caption}`, onClick: (button) => chooseImage(lab, pixels, caption, { index: i, kind: IMAGE_KIND.BUNDLED, button }) });
  }
  thumbRow($('digit-picker'), thumbs);

  const loaders = [{ pixels: defaultImage, offset: 0, label: 'Load the training image into the drawing pad', onClick: () => lab.pad.load(lab.image.pixels) }];
  for (let digit = 0; digit <= 9; digit++) {
    const i = labels.indexOf(digit);
    if (i < 0) continue;
    loaders.push({ pixels: digits, offset: i * MNIST_PIXELS, label: `Load digit ${digit} into the drawing pad`, onClick: () => lab.pad.load(imageAt(digits, i)) });
  }
  thumbRow($('pad-digits'), loaders);
  pickLinkedImage(lab, lab.state.image !== null);
}

/**
 * Chooses the training image the link names (`image=N`: bundled test digit N; none: the
 * paper's 7). The reader's own image (an upload, the drawing) is not part of the link: a link
 * without `image=` keeps it, and one that names another image says that it replaced it.
 * @param {Lab} lab
 * @param {boolean} named whether the link has an `image=` key
 */
export function pickLinkedImage(lab, named) {
  const own = lab.image?.kind === IMAGE_KIND.OWN ? lab.image.caption : null;
  if (own && !named) {
    lab.state = { ...lab.state, image: null };
    writeHash(lab);
    return;
  }
  const { digits, labels, defaultImage } = lab.data;
  const index = lab.state.image;
  const buttons = $('digit-picker').querySelectorAll('button');
  if (index === null || index >= labels.length) {
    chooseImage(lab, defaultImage, PAPER_CAPTION, { kind: IMAGE_KIND.PAPER, button: buttons[0] });
  } else {
    const pixels = imageAt(digits, index);
    chooseImage(lab, pixels, `MNIST test digit ${index} (a ${labels[index]})`, { index, kind: IMAGE_KIND.BUNDLED, button: buttons[index + 1] ?? null });
  }
  if (own) notify(lab, `The link chose ${lab.image.caption} as the training image, in place of ${own}.`, 'info', { key: 'link-image' });
}

/** Trains on an uploaded picture. @param {Lab} lab @param {File} file */
export async function uploadImage(lab, file) {
  try {
    const pixels = await imageFromFile(file);
    chooseImage(lab, pixels, `your image ${String(file.name).slice(0, 80)}`, { kind: IMAGE_KIND.OWN });
  } catch (error) {
    notify(lab, `Could not use the uploaded file: ${error.message}`, 'error', { key: 'upload' });
  }
}

/** Trains on the pad's drawing. @param {Lab} lab */
export function useDrawing(lab) {
  const pixels = lab.pad.pixels();
  if (!pixels.some((v) => v > 0.05)) {
    notify(lab, 'The drawing pad is empty: draw something first to train on it.', 'warn');
    return;
  }
  chooseImage(lab, pixels, 'your drawing', { kind: IMAGE_KIND.OWN });
}
