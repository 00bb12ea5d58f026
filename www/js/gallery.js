// The paper's test row (Fig. 1, 2, 4, 6: the training digit, a mix of two digits, MNIST and
// Fashion-MNIST test images, patterns) with the network's answers under it, and the rho
// heatmap row (Fig. 5, 7).

import { pictureTiles } from './charts.js';
import { correlationColor, needsLightText, IDENTITY_RGB, CONSTANT_RGB } from './palette.js';
import { formatCorrelation, verdict } from './verdict.js';
import { MNIST_PIXELS } from './rules.js';
import { imageAt } from './images.js';

/**
 * A readable name for a test input that identity-core names (`training`, `mnist:3`, `rings`).
 * @param {string} name
 * @returns {string}
 */
export function inputTitle(name) {
  const [kind, index] = name.split(':');
  const words = { training: 'training image', mix: 'mix of two digits', mnist: 'MNIST test', fashion: 'Fashion-MNIST test' };
  return index === undefined ? (words[kind] ?? kind) : `${words[kind] ?? kind} ${index}`;
}

/**
 * Renders the gallery: one column per test input, the input (a button that loads it into the
 * pad) above the network's output and its correlations.
 * @param {HTMLElement} container emptied first
 * @param {{names: string[], inputs: Float32Array, outputs: Float32Array, identity: number[], constant: number[]}} row
 * @param {(pixels: Float32Array, name: string) => void} onPick called with a copy of an input
 */
export function renderGallery(container, row, onPick) {
  const at = (pixels) => row.names.map((_, i) => ({ pixels, offset: i * MNIST_PIXELS }));
  const inputs = pictureTiles(at(row.inputs));
  const outputs = pictureTiles(at(row.outputs), row.names.map((name) => `Network output for the ${inputTitle(name)}`));
  const tiles = row.names.map((name, i) => {
    const tile = document.createElement('figure');
    tile.className = 'tile';
    const pick = document.createElement('button');
    pick.type = 'button';
    pick.className = 'thumb';
    pick.title = `Load the ${inputTitle(name)} into the drawing pad`;
    pick.setAttribute('aria-label', `Load the ${inputTitle(name)} into the drawing pad`);
    pick.append(inputs[i]);
    pick.addEventListener('click', () => onPick(imageAt(row.inputs, i), inputTitle(name)));
    const out = outputs[i];
    const caption = document.createElement('figcaption');
    const word = verdict(row.identity[i], row.constant[i]);
    caption.innerHTML = '<span class="name"></span><span class="id"></span><span class="co"></span><span class="word"></span>';
    caption.querySelector('.name').textContent = inputTitle(name);
    caption.querySelector('.id').textContent = `identity ${formatCorrelation(row.identity[i])}`;
    caption.querySelector('.co').textContent = `constant ${formatCorrelation(row.constant[i])}`;
    caption.querySelector('.word').textContent = word;
    /** @type {HTMLElement} */ (caption.querySelector('.word')).dataset.verdict = word;
    tile.append(pick, out, caption);
    return tile;
  });
  container.replaceChildren(...tiles);
}

/**
 * Renders the rho heatmap as a table: rows identity and constant, one column per rho.
 * @param {HTMLTableElement} table emptied first
 * @param {number[]} rhos
 * @param {{identity: number[], constant: number[]}} result mean correlations per rho
 */
export function renderHeatmap(table, rhos, result) {
  const head = document.createElement('tr');
  head.innerHTML = '<th scope="col">correlation of the output to</th>';
  rhos.forEach((rho) => {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = `\u03c1 = ${rho}`;
    head.append(th);
  });
  /** @type {['identity' | 'constant', string, readonly number[]][]} */
  const kinds = [['identity', 'the input (identity)', IDENTITY_RGB], ['constant', 'the training image (constant)', CONSTANT_RGB]];
  const rows = kinds.map(([key, label, rgb]) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = label;
    tr.append(th);
    result[key].forEach((value) => {
      const td = document.createElement('td');
      td.textContent = formatCorrelation(value);
      td.style.background = correlationColor(value, rgb);
      if (needsLightText(value, rgb)) td.classList.add('light');
      tr.append(td);
    });
    return tr;
  });
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  tbody.append(...rows);
  table.replaceChildren(thead, tbody);
}
