// The paper's figures on the page: each view mounted into its own <figure> from the figure
// files the CLI writes (`paper/figN.json`), answered with no training. mountFigure() mounts one
// view alone (the seam for an embed); mountPaper() mounts every view of the article, the first
// at once and the others as they come near the viewport.

import { readFigure } from './figure-files.js';
import { NetworkSizes } from './network-size.js';
import { watchSight } from '../polite.js';
import { Keeper } from './shipped-networks.js';
import { el, tablesBuilt } from './parts.js';
import { testRowView } from './test-row.js';
import { heatmapView } from './heatmap.js';
import { eq1View } from './eq1.js';
import { layersView } from './layers.js';
import { inputSizesView } from './input-sizes.js';

/**
 * What a view's module exports.
 * @typedef {{caption: (figure: number) => string, mount: (shell: Shell, ctx: Context) => Promise<ViewHandle>}} View
 */
/**
 * What a mounted view does when it comes into sight or leaves it (its networks come into the
 * worker, or are given back after a while).
 * @typedef {{shown?: () => void, hidden?: () => void}} ViewHandle
 */
/**
 * What a view draws into: the figure element, its caption, a place for controls and the body.
 * @typedef {{element: HTMLElement, figure: number, controls: HTMLElement,
 *   caption: (figure: number, text: string) => void, loading: () => void, show: (...nodes: (Node | null)[]) => void,
 *   fail: (error: Error) => void, present: (load: () => Promise<any>, render: (value: any) => void) => Promise<void>}} Shell
 */
/**
 * What a view works with.
 * @typedef {{client: import('../worker-client.js').WorkerClient, base: URL,
 *   load: (figure: number, kind: string) => Promise<import('./figure-data.js').Figure>,
 *   sizes: NetworkSizes, keeper: Keeper, training: import('./train-here.js').Training | null,
 *   painted: () => void}} Context
 */

/** The views by the paper's figure number. */
const VIEWS = new Map([
  [1, eq1View], [4, testRowView], [6, testRowView], [5, heatmapView], [7, heatmapView],
  [8, layersView], [10, inputSizesView], [11, inputSizesView],
]);

/** The figures the page can show. */
export const FIGURES = Object.freeze([...VIEWS.keys()]);

/** A view starts loading this far before it scrolls into sight. */
const NEAR = '300px 0px';

/**
 * Builds the figure a view draws into, inside `element`.
 * @param {HTMLElement} element emptied first
 * @param {number} figure
 * @param {string} caption
 * @returns {Shell}
 */
function shellIn(element, figure, caption) {
  const figcaption = el('figcaption', { text: caption });
  const controls = el('div', { className: 'figure-controls' });
  const body = el('div', { className: 'figure-body' });
  const root = el('figure', { className: 'paper-figure', attrs: { 'data-figure': String(figure) } }, [figcaption, controls, body]);
  element.replaceChildren(root);
  let seq = 0;
  const shell = {
    element: root,
    figure,
    controls,
    caption(number, text) {
      shell.figure = number;
      root.dataset.figure = String(number);
      figcaption.textContent = text;
    },
    loading() {
      root.dataset.state = 'loading';
      body.replaceChildren(el('p', { className: 'note', text: 'Loading the figure\u2026' }));
    },
    /** Shows the view's nodes; the figure is "shown" once their picture tables are built. */
    show(...nodes) {
      body.replaceChildren(...nodes.filter((n) => n !== null));
      root.dataset.state = 'drawing';
      const mine = seq;
      tablesBuilt(body).then(() => {
        if (mine === seq && root.dataset.state === 'drawing') root.dataset.state = 'shown';
      });
    },
    fail(error) {
      body.replaceChildren(el('p', { className: 'figure-error', text: `This figure cannot be shown: ${error.message}`, attrs: { role: 'alert' } }));
      root.dataset.state = 'error';
    },
    /** Loads, then renders unless another present() came since; a failure shows in the figure. */
    async present(load, render) {
      const mine = ++seq;
      shell.loading();
      try {
        const value = await load();
        if (mine === seq) render(value);
      } catch (error) {
        if (mine === seq) shell.fail(error);
      }
    },
  };
  shell.loading();
  return shell;
}


/**
 * Mounts the view of one figure into `element`: its data is fetched at once, and its
 * networks (if any) come into the worker while it is in sight.
 * @param {HTMLElement} element
 * @param {{figure: number, client: import('../worker-client.js').WorkerClient, base: URL | string,
 *   training?: import('./train-here.js').Training | null, sizes?: NetworkSizes, keeper?: Keeper,
 *   onPainted?: (figure: number) => void}} options
 *   `base`: the folder of the figure files; `training`: lends "Train it here" (without it the
 *   view has no such button); `sizes`, `keeper`: shared between views (else the view's own);
 *   `onPainted`: the view has drawn its shipped answers
 * @returns {Promise<Shell>} once the view has drawn (or shown why it cannot)
 */
export async function mountFigure(element, {
  figure, client, base, training = null, sizes = new NetworkSizes(client), keeper = new Keeper(), onPainted = () => undefined,
}) {
  const view = VIEWS.get(figure);
  if (!view) throw new RangeError(`no view shows Fig. ${figure}; these do: ${FIGURES.join(', ')}`);
  const baseUrl = new URL(base, document.baseURI);
  const shell = shellIn(element, figure, view.caption(figure));
  const ctx = {
    client, base: baseUrl, sizes, keeper, training, load: (n, kind) => readFigure(baseUrl, n, kind),
    painted: () => tablesBuilt(shell.element).then(() => onPainted(shell.figure)),
  };
  try {
    const handle = await view.mount(shell, ctx);
    watchSight(shell.element, (visible) => (visible ? handle.shown?.() : handle.hidden?.()));
  } catch (error) {
    shell.fail(error);
  }
  return shell;
}

/**
 * Mounts every view of the article: each element of `region` with a `data-paper-figure`
 * attribute gets that figure's view, the first at once, the others when they come near the
 * viewport and the first has drawn.
 * @param {HTMLElement} region
 * @param {{client: import('../worker-client.js').WorkerClient, base: URL | string,
 *   training?: import('./train-here.js').Training | null, onFirstAnswer?: () => void}} options
 *   `onFirstAnswer`: the first view has drawn its shipped answers
 * @returns {{workerDied: () => void, release: () => Promise<boolean>}} what the page tells the
 *   views: `workerDied`, the worker died and the networks it held with it; `release`, give
 *   the worker's memory back (resolves to whether there were networks to free)
 */
export function mountPaper(region, { client, base, training = null, onFirstAnswer = () => undefined }) {
  const shared = { client, base, training, sizes: new NetworkSizes(client), keeper: new Keeper() };
  const places = [...region.querySelectorAll('[data-paper-figure]')];
  const mount = (place, options = {}) => mountFigure(place, { ...shared, figure: Number(place.dataset.paperFigure), ...options });
  const told = { workerDied: () => shared.keeper.workerDied(), release: () => shared.keeper.release() };
  if (places.length === 0) return told;
  // The first view has the page to itself until it has drawn (or failed): the others, near
  // the window too, would share its frames and delay the reader's first answers.
  const firstDrawn = mount(places[0], { onPainted: once(onFirstAnswer) }).then((shell) => tablesBuilt(shell.element));
  for (const place of places.slice(1)) {
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      firstDrawn.then(() => mount(place));
    }, { rootMargin: NEAR });
    observer.observe(place);
  }
  return told;
}

/** `f`, called the first time only. */
function once(f) {
  let called = false;
  return (...args) => {
    if (called) return;
    called = true;
    f(...args);
  };
}
