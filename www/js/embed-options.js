// What an embedded figure may be asked for: the keys of an embed (the custom element's
// attributes, or the framed page's hash), their values, and the one message that names every
// problem. The custom element (embed.js) and the framed page (embed-page.js) both read them
// here, so that a key is checked in one place.

/** The views an embed shows, by name, and the figure each shows (per family where it has two). */
export const EMBED_VIEWS = Object.freeze({
  gallery: Object.freeze({ conv: 6, fcn: 4, words: 'the test row answered by networks of every depth (Fig. 6, or Fig. 4 with arch=fcn)' }),
  eq1: Object.freeze({ conv: 1, fcn: 1, words: 'the linear network beside eq. (1) (Fig. 1)' }),
  heatmap: Object.freeze({ conv: 7, fcn: 5, words: 'identity and constant against rho, by depth (Fig. 7, or Fig. 5 with arch=fcn)' }),
  layers: Object.freeze({ conv: 8, fcn: 8, words: 'the layers of random and trained ConvNets (Fig. 8)' }),
  sizes: Object.freeze({ conv: 10, fcn: 10, words: 'a ConvNet on inputs of 7 to 112 pixels (Fig. 10 and 11)' }),
});

/** The keys an embed takes, each with its values and default. */
export const EMBED_KEYS = Object.freeze({
  view: Object.freeze({ values: Object.keys(EMBED_VIEWS), default: 'gallery' }),
  arch: Object.freeze({ values: ['conv', 'fcn'], default: 'conv' }),
});

/** The most problems one message lists; it counts the others. */
const LISTED = 3;

/**
 * Reads an embed's settings.
 * @param {Iterable<[string, string]>} entries its keys and values (attributes or hash)
 * @returns {{view: string, arch: string, figure: number, problems: string[]}} the settings
 *   (defaults where a value was bad) and what was wrong, in words
 */
export function readEmbed(entries) {
  const settings = Object.fromEntries(Object.entries(EMBED_KEYS).map(([key, spec]) => [key, spec.default]));
  const problems = [];
  const seen = new Set();
  for (const [key, value] of entries) {
    const spec = EMBED_KEYS[key];
    if (!spec) {
      problems.push(`unknown key "${key}" (an embed takes ${Object.keys(EMBED_KEYS).join(', ')})`);
    } else if (seen.has(key)) {
      problems.push(`"${key}" is given twice`);
    } else if (!spec.values.includes(value)) {
      problems.push(`${key}="${value}" is not one of ${spec.values.join(', ')}`);
    } else {
      settings[key] = value;
    }
    seen.add(key);
  }
  return { ...settings, figure: EMBED_VIEWS[settings.view][settings.arch], problems };
}

/**
 * One message for an embed's problems: the first LISTED, and how many more.
 * @param {string[]} problems
 * @returns {string}
 */
export function problemsMessage(problems) {
  const more = problems.length - LISTED;
  return `This embed has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}: ${problems.slice(0, LISTED).join('; ')}${more > 0 ? `; and ${more} more` : ''}. It shows its defaults instead.`;
}
