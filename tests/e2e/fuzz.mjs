// Generated bad input for the page: links (URL hashes) with out-of-range, malformed, huge,
// negative, fractional, repeated, percent-encoded and script-like values, unknown keys, and
// hashes of 10-100 kB. Seeded, so that a failure can be replayed from the seed it prints.
//
// The keys and their ranges are written here from the page's documented contract (README,
// DESIGN section 6), not imported from the page: a page that drifts from them fails here.

/** The longest link settings the page reads (README: "Links"); longer ones are refused whole. */
export const MAX_HASH_CHARS = 2000;

/**
 * A seeded random generator (mulberry32).
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh seed for one run (printed by the tests). */
export const freshSeed = () => Math.floor(Math.random() * 2 ** 31);

/** Values no key takes: script-like, control characters, look-alike digits, huge. */
const HOSTILE = [
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '${alert(1)}',
  '\u0000', '\u202e3', '\uff13', 'NaN', 'Infinity', '-Infinity', 'undefined', 'null', '[object Object]', '__proto__',
  '9'.repeat(400), '1e999', '0x10', '1_000', ' ',
];

/** Every key of the link: good values and values that are surely bad for it. */
const KEYS = {
  arch: { good: ['conv', 'relu', 'linear'], bad: ['banana', 'CONV', 'cnn', 'mlp', '', 'conv;'] },
  depth: int(1, 32, { good: [1, 2, 3] }),
  channels: int(1, 1024, { good: [4, 8] }),
  kernel: int(1, 63, { odd: true, good: [3, 5] }),
  hidden: int(0, 16, { good: [0, 1, 2] }),
  width: int(1, 16384, { good: [16, 784] }),
  bottom: { good: ['true', 'false', '1', '0'], bad: ['yes', 'no', '2', 'TRUE', ''] },
  opt: { good: ['adam', 'sgd', ''], bad: ['rmsprop', 'ADAM', 'sgd0'] },
  lr: { good: ['0.001', '1e-3', '0.5', ''], bad: ['0', '-1', '10.5', '1e2', 'abc', '1,5', '.'] },
  steps: int(1, 1000000, { optional: true, good: [10, 100] }),
  seed: int(0, 4294967295, { good: [0, 7] }),
  image: int(0, 99, { optional: true, good: [0, 5] }),
  backend: { good: ['auto', 'cpu'], bad: ['cuda', 'gpu', 'CPU', '', 'webgpu2'] },
};

/** An integer key's values: in range (good) and out of range, fractional, negative (bad). */
function int(min, max, { odd = false, optional = false, good }) {
  const bad = [`${min - 1}`, `${max + 1}`, `${max * 1000 + 1}`, '1.5', '-7', 'abc', '1e3', '2.0', '+-1'];
  if (!optional) bad.push('');
  if (odd) bad.push('4', '2');
  // An optional key's empty value means "the default".
  return { good: [...good.map(String), ...(optional ? [''] : [])], bad };
}

/** Names that are no key of the page. */
const UNKNOWN = ['foo', 'Depth', 'arch ', 'depth2', 'constructor', 'toString', '__proto__', 'view', 'x'.repeat(300), '<b>x</b>', '\u2713'];

/**
 * One generated link.
 * @param {() => number} next the random generator
 * @returns {{hash: string, firstBad: string | null, huge: boolean}} the hash (without "#"),
 *   the key its first problem names (null: no problem, or a link over the length limit), and
 *   whether it is over that limit (10-100 kB)
 */
export function link(next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const keys = Object.keys(KEYS);
  const entries = [];
  const seen = new Set();
  let firstBad = null;
  const count = 1 + Math.floor(next() * 12);
  for (let i = 0; i < count; i++) {
    const roll = next();
    let key;
    let value;
    let bad;
    if (roll < 0.15) {
      key = pick(UNKNOWN);
      value = pick([...KEYS.depth.good, ...HOSTILE]);
      bad = true;
    } else {
      key = pick(keys);
      const spec = KEYS[key];
      const r = next();
      if (r < 0.45) [value, bad] = [pick(spec.bad), true];
      else if (r < 0.6) [value, bad] = [pick(HOSTILE), true];
      else [value, bad] = [pick(spec.good), false];
      if (seen.has(key)) bad = true; // a repeated key is a problem, whatever its value
    }
    // The page trims values: a hostile value that trims to a good one is not bad.
    if (!UNKNOWN.includes(key) && KEYS[key].good.includes(String(value).trim()) && !seen.has(key)) bad = false;
    seen.add(key);
    if (bad && firstBad === null) firstBad = key;
    entries.push([key, String(value)]);
  }
  const encode = (text) => (next() < 0.3
    ? [...new TextEncoder().encode(text)].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')
    : encodeURIComponent(text));
  let hash = entries.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  if (next() < 0.08) {
    // 10-100 kB: one huge value, or thousands of unknown keys.
    const size = 10_000 + Math.floor(next() * 90_000);
    hash = next() < 0.5 ? `${hash}&depth=${'9'.repeat(size)}` : `${hash}${'&zz=1'.repeat(Math.ceil(size / 5))}`;
  }
  const huge = hash.length > MAX_HASH_CHARS;
  return { hash, firstBad: huge ? null : firstBad, huge };
}

/**
 * Links from one seed.
 * @param {number} seed
 * @param {number} count
 * @returns {{hash: string, firstBad: string | null, huge: boolean}[]}
 */
export function links(seed, count) {
  const next = random(seed);
  return Array.from({ length: count }, () => link(next));
}
