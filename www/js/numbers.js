// Counts for people, written here rather than by Intl: a page's first Intl.NumberFormat (or
// toLocaleString) loads the locale's data, 16-19 ms of the main thread while the page starts.

/**
 * An integer with commas between its thousands: 1633 -> "1,633", 463000 -> "463,000".
 * @param {number} n
 * @returns {string}
 */
export function grouped(n) {
  const [whole, fraction] = String(n).split('.');
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? digits : `${digits}.${fraction}`;
}

/**
 * The units of a compact count, smallest first.
 * @type {[number, string][]}
 */
const UNITS = [[1e3, 'K'], [1e6, 'M'], [1e9, 'B']];

/**
 * A count for people: exact below ten thousand, else with one decimal at most and a unit:
 * 27300 -> "27.3K", 463000 -> "463K", 7400000 -> "7.4M".
 * @param {number} n
 * @returns {string}
 */
export function compactCount(n) {
  if (Math.abs(n) < 10_000) return grouped(n);
  let u = UNITS.findLastIndex(([size]) => Math.abs(n) >= size);
  const at = (i) => Number((n / UNITS[i][0]).toFixed(1));
  // 999,950 rounds to 1000K: say 1M.
  if (Math.abs(at(u)) >= 1000 && u < UNITS.length - 1) u += 1;
  return `${at(u)}${UNITS[u][1]}`;
}
