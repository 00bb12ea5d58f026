// The paper's figures on the page: each figure of the registry (`paper/index.json`) mounted
// into its own <figure> by the view of its kind, from the figure files the CLI writes
// (`paper/figN.json`), answered with no training. mountFigure() mounts one figure alone (the
// seam for an embed); mountPaper() mounts every figure of the article, the first at once and
// the others as they come near the viewport (or at once when a link names it: #fig-N).

import { readFigure } from './figure-files.js';
import { NetworkSizes } from './network-size.js';
import { watchSight } from '../polite.js';
import { Keeper } from './shipped-networks.js';
import { el, tablesBuilt } from './parts.js';
import { loadRegistry, entryOf } from './registry.js';
import { fillContents } from './contents.js';
import { testRowView } from './test-row.js';
import { heatmapView } from './heatmap.js';
import { eq1View } from './eq1.js';
import { layersView } from './layers.js';
import { inputSizesView } from './input-sizes.js';
import { collapseView } from './collapse.js';
import { upperSubnetworksView } from './upper-subnetworks.js';
import { trainingSizesView } from './training-sizes.js';
import { weightChangeView } from './weight-change.js';

/**
 * What a view's module exports.
 * @typedef {{mount: (shell: Shell, ctx: Context) => Promise<ViewHandle>}} View
 */
/**
 * What a mounted view does when it comes into sight or leaves it (its networks come into the
 * worker, or are given back after a while).
 * @typedef {{shown?: () => void, hidden?: () => void}} ViewHandle
 */
/**
 * What a view draws into: the figure element (captioned from the registry), a place for
 * controls and the body, and the headings inside it at the level its place calls for.
 * @typedef {{element: HTMLElement, figure: number, controls: HTMLElement,
 *   heading: (text: string) => HTMLElement,
 *   loading: () => void, show: (...nodes: (Node | null)[]) => void,
 *   fail: (error: Error) => void, present: (load: () => Promise<any>, render: (value: any) => void) => Promise<void>}} Shell
 */
/**
 * What a view works with.
 * @typedef {{client: import('../worker-client.js').WorkerClient, base: URL,
 *   load: <K extends import('./figure-data.js').Kind>(figure: number, kind: K) => Promise<import('./figure-data.js').FigureOf<K>>,
 *   sizes: NetworkSizes, keeper: Keeper, training: import('./train-here.js').Training | null,
 *   painted: () => void}} Context
 */

/** The view of each kind of figure data (`identity_figures::figure::Kind::name`). */
const VIEWS = new Map([
  ['eq1', eq1View], ['grid', testRowView], ['heatmap', heatmapView], ['layers', layersView],
  ['input_sizes', inputSizesView], ['collapse', collapseView], ['upper_subnetworks', upperSubnetworksView],
  ['training_sizes', trainingSizesView], ['weight_change', weightChangeView],
]);

/** A view starts loading this far before it scrolls into sight. */
const NEAR = '300px 0px';

/** The anchor of a figure on the page (`#fig-15`). */
export const figureAnchor = (figure) => `fig-${figure}`;

/**
 * The caption of a figure: our title, the paper's own words, and the networks' sizes here
 * against the paper's.
 * @param {import('./registry.js').SiteFigure} entry
 * @param {string} scale the scale the site's figures were made at
 * @returns {HTMLElement}
 */
function captionOf(entry, scale) {
  const sizes = entry.sizes === entry.paper_sizes
    ? `${entry.sizes}, as in the paper.`
    : `Here: ${entry.sizes} (${scale} scale). The paper: ${entry.paper_sizes}.`;
  return el('figcaption', {}, [
    el('span', { className: 'fig-title', text: entry.title }),
    el('span', { className: 'fig-paper', text: `The paper\u2019s caption: \u201c${entry.caption}\u201d` }),
    el('span', { className: 'fig-sizes', text: sizes }),
  ]);
}

/**
 * The heading inside a figure placed in `element`: one level below the heading of the part
 * it stands in (the article's parts have h3), or h2 where it stands alone (the embed, under
 * its h1), so that no level is skipped.
 * @param {HTMLElement} element
 * @returns {'h2' | 'h3' | 'h4' | 'h5' | 'h6'}
 */
function subheadingTag(element) {
  const part = element.closest('section')?.querySelector(':scope > :is(h1, h2, h3, h4, h5)');
  const level = part ? Number(part.tagName[1]) + 1 : 2;
  return /** @type {'h2' | 'h3' | 'h4' | 'h5' | 'h6'} */ (`h${level}`);
}

/**
 * Builds the figure a view draws into, inside `element`.
 * @param {HTMLElement} element emptied first
 * @param {import('./registry.js').SiteFigure} entry
 * @param {string} scale
 * @returns {Shell}
 */
function shellIn(element, entry, scale) {
  const { figure } = entry;
  const controls = el('div', { className: 'figure-controls' });
  const body = el('div', { className: 'figure-body' });
  const root = el('figure', { className: 'paper-figure', attrs: { 'data-figure': String(figure) } }, [captionOf(entry, scale), controls, body]);
  element.replaceChildren(root);
  const subheading = subheadingTag(element);
  let seq = 0;
  const shell = {
    element: root,
    figure,
    controls,
    heading: (text) => el(subheading, { className: 'figure-heading', text }),
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
 * @returns {Promise<Shell | null>} once the view has drawn (or shown why it cannot); null
 *   when the registry has no such figure (the message is in `element`)
 */
export async function mountFigure(element, {
  figure, client, base, training = null, sizes = new NetworkSizes(client), keeper = new Keeper(), onPainted = () => undefined,
}) {
  const baseUrl = new URL(base, document.baseURI);
  let registry;
  let entry;
  try {
    registry = await loadRegistry(baseUrl);
    entry = entryOf(registry, figure);
  } catch (error) {
    // No figure to caption: the message takes the figure's place.
    element.replaceChildren(el('p', { className: 'figure-error', text: `Fig. ${figure} cannot be shown: ${error.message}`, attrs: { role: 'alert' } }));
    return null;
  }
  const view = VIEWS.get(entry.kind);
  const shell = shellIn(element, entry, registry.scale);
  if (!view) {
    shell.fail(new Error(`this page has no view of "${entry.kind}" data`));
    return shell;
  }
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
 * attribute gets that figure's view and its anchor (`id="fig-N"`), the first at once, the
 * others when they come near the viewport and the first has drawn, or at once when the
 * page's link names them (`#fig-N`, then scrolled to).
 * @param {HTMLElement} region
 * @param {{client: import('../worker-client.js').WorkerClient, base: URL | string,
 *   training?: import('./train-here.js').Training | null, onFirstAnswer?: () => void}} options
 *   `onFirstAnswer`: the first view has drawn its shipped answers
 * @returns {{workerDied: () => void, release: () => Promise<boolean>, drawn: Promise<void>}} what
 *   the page tells the views: `workerDied`, the worker died and the networks it held with it;
 *   `release`, give the worker's memory back (resolves to whether there were networks to
 *   free); and `drawn`, the first figure has drawn (or failed)
 */
export function mountPaper(region, { client, base, training = null, onFirstAnswer = () => undefined }) {
  const shared = { client, base, training, sizes: new NetworkSizes(client), keeper: new Keeper() };
  const places = [.../** @type {NodeListOf<HTMLElement>} */ (region.querySelectorAll('[data-paper-figure]'))];
  for (const place of places) place.id = figureAnchor(place.dataset.paperFigure);
  const nav = /** @type {HTMLElement | null} */ (region.querySelector('[data-contents]'));
  if (nav) fillContents(nav, region, figureAnchor);
  /** Each place's mounting, started once. */
  const mounted = new Map();
  const mount = (place, options = {}) => {
    if (!mounted.has(place)) mounted.set(place, mountFigure(place, { ...shared, figure: Number(place.dataset.paperFigure), ...options }));
    return mounted.get(place);
  };
  const told = { workerDied: () => shared.keeper.workerDied(), release: () => shared.keeper.release() };
  if (places.length === 0) return { ...told, drawn: Promise.resolve() };
  // The first view has the page to itself until it has drawn (or failed): the others, near
  // the window too, would share its frames and delay the reader's first answers.
  const firstDrawn = mount(places[0], { onPainted: once(onFirstAnswer) })
    .then((shell) => shell && tablesBuilt(shell.element))
    .then(() => undefined);
  for (const place of places.slice(1)) {
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      firstDrawn.then(() => mount(place));
    }, { rootMargin: NEAR });
    observer.observe(place);
  }
  // A link to a figure: mounted at once and scrolled to, and kept there while the figures
  // around it fill in, until the reader scrolls.
  const open = () => {
    const place = places.find((p) => `#${p.id}` === window.location.hash);
    if (!place) return;
    mount(place);
    keepInView(place);
  };
  window.addEventListener('hashchange', open);
  open();
  return { ...told, drawn: firstDrawn };
}

/** How long a figure a link named is kept in view while the page around it fills in. */
const KEEP_IN_VIEW_MS = 8000;

/**
 * Scrolls `place` to the top of the window, and again whenever the page's layout moves it,
 * for KEEP_IN_VIEW_MS or until the reader scrolls or the link changes.
 * @param {HTMLElement} place
 */
function keepInView(place) {
  const hash = window.location.hash;
  const align = () => place.scrollIntoView({ block: 'start' });
  const resized = new ResizeObserver(() => {
    if (window.location.hash === hash) align();
    else stop();
  });
  const reader = ['wheel', 'touchstart', 'keydown', 'pointerdown'];
  const stop = () => {
    resized.disconnect();
    clearTimeout(timer);
    for (const type of reader) window.removeEventListener(type, stop, true);
  };
  const timer = setTimeout(stop, KEEP_IN_VIEW_MS);
  for (const type of reader) window.addEventListener(type, stop, { capture: true, passive: true });
  resized.observe(document.body);
  align();
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
