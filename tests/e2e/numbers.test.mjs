// The page's counts for people (www/js/numbers.js, written by hand so that the page need not
// load Intl's locale data) agree with Intl's en-US formats, in Node: no browser needed.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { grouped, compactCount } from '../../www/js/numbers.js';

/** Counts around every place a format changes: thousands, units, rounding up to the next. */
const COUNTS = [
  0, 1, 7, 99, 999, 1000, 1633, 9999, 10_000, 10_049, 10_050, 27_300, 99_949, 99_950, 129_800,
  463_000, 999_949, 999_950, 1_000_000, 7_400_000, 99_950_000, 999_949_999, 999_950_000,
  1_234_567_890, 12.5, 1633.25,
];

/** The counts and their negatives (not -0, which Intl writes "-0": no count is minus zero). */
const SIGNED = [...COUNTS, ...COUNTS.filter((c) => c !== 0).map((c) => -c)];

describe('counts for people', () => {
  it('grouped() writes commas as Intl does in en-US', () => {
    for (const n of SIGNED) assert.equal(grouped(n), n.toLocaleString('en-US', { maximumFractionDigits: 20 }), `${n}`);
  });

  it('compactCount() is exact below ten thousand, else as Intl\'s compact notation with one decimal', () => {
    const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
    for (const n of SIGNED.filter(Number.isInteger)) {
      assert.equal(compactCount(n), Math.abs(n) < 10_000 ? n.toLocaleString('en-US') : compact.format(n), `${n}`);
    }
  });
});
