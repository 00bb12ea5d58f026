// The figure registry: every figure of the paper the site has, as `identity-crisis site` writes
// it into `paper/index.json` (the serde form of `identity_figures::registry::SiteIndex`). The
// page, the embed and the tests list no figure of their own: they read this.

/**
 * A figure of the site (`identity_figures::registry::SiteFigure`, its `Entry` flattened in).
 * @typedef {{figure: number, kind: string, title: string, caption: string, sizes: string,
 *   paper_sizes: string, ships_networks: boolean, file: string, bytes: number,
 *   networks: number, shipped: number}} SiteFigure
 */
/**
 * The registry as the page uses it.
 * @typedef {{scale: string, seeds: number[], figures: Map<number, SiteFigure>, range: string}} Registry
 *   `range`: the figure numbers in words ("1 to 33"), for messages
 */

/** The registry's file, beside the figure files. */
const INDEX = 'index.json';

/** The registry per folder of figure files, read once. */
const read = new Map();

/** Refuses the index with the reason. */
function bad(reason) {
  throw new Error(`${INDEX} is not the figure registry: ${reason}`);
}

/**
 * Checks the index's shape and makes the registry.
 * @param {any} json the parsed index.json, of any shape (JSON.parse's any): this checks it
 * @returns {Registry}
 */
export function parseRegistry(json) {
  if (json === null || typeof json !== 'object' || !Array.isArray(json.figures)) bad('no list of figures');
  if (typeof json.scale !== 'string' || !Array.isArray(json.seeds)) bad('no scale or seeds');
  const figures = new Map();
  for (const entry of json.figures) {
    const { figure, kind, title, caption, sizes, paper_sizes: paperSizes, file } = entry ?? {};
    if (!Number.isInteger(figure) || figure < 1) bad(`a figure numbered ${JSON.stringify(figure)}`);
    for (const [name, value] of Object.entries({ kind, title, caption, sizes, paperSizes, file })) {
      if (typeof value !== 'string') bad(`Fig. ${figure} has no ${name}`);
    }
    if (figures.has(figure)) bad(`Fig. ${figure} is listed twice`);
    figures.set(figure, Object.freeze({ ...entry }));
  }
  if (figures.size === 0) bad('no figure');
  const numbers = [...figures.keys()].sort((a, b) => a - b);
  const contiguous = numbers.every((n, i) => n === numbers[0] + i);
  const range = contiguous ? `${numbers[0]} to ${numbers.at(-1)}` : numbers.join(', ');
  return Object.freeze({ scale: json.scale, seeds: [...json.seeds], figures, range });
}

/**
 * The registry of the figure files under `base`, fetched once.
 * @param {URL | string} base the folder of the figure files (ends in "/")
 * @returns {Promise<Registry>}
 */
export function loadRegistry(base) {
  const url = String(new URL(INDEX, base));
  if (!read.has(url)) {
    const loading = fetch(url)
      .then((response) => {
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        return response.json();
      })
      .catch((error) => {
        throw new Error(`${INDEX} could not be read (${error.message})`);
      })
      .then(parseRegistry);
    // A failure is not kept: the next figure asks again.
    loading.catch(() => read.delete(url));
    read.set(url, loading);
  }
  return read.get(url);
}

/**
 * The registry's entry of a figure, or an error that names the figures there are.
 * @param {Registry} registry
 * @param {number} figure
 * @returns {SiteFigure}
 * @throws {RangeError}
 */
export function entryOf(registry, figure) {
  const entry = registry.figures.get(figure);
  if (!entry) throw new RangeError(`there is no Fig. ${figure}; the figures are ${registry.range}`);
  return entry;
}
