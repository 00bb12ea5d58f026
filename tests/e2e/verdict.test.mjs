// The one-word verdict on an answer and the correlations as the page shows them
// (www/js/verdict.js), in Node: around the match threshold (rules.js's MATCH) and the tie.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verdict, formatCorrelation } from '../../www/js/verdict.js';
import { MATCH } from '../../www/js/rules.js';

describe('the verdict on an answer', () => {
  it('names the one image the answer matches', () => {
    assert.equal(verdict(0.95, 0.1), 'identity');
    assert.equal(verdict(0.1, 0.95), 'memorized');
    assert.equal(verdict(-0.9, 0.95), 'memorized');
    assert.equal(verdict(0.3, 0.4), 'neither');
    assert.equal(verdict(-0.95, -0.95), 'neither', 'an inverted picture matches nothing');
  });

  it('a correlation of MATCH matches, and one just under it does not', () => {
    assert.equal(MATCH, 0.8, 'the threshold these cases are written around');
    assert.equal(verdict(MATCH, 0), 'identity');
    assert.equal(verdict(MATCH - 0.001, 0), 'neither');
    assert.equal(verdict(0, MATCH), 'memorized');
    assert.equal(verdict(0, MATCH - 0.001), 'neither');
  });

  it('both match: the nearer one wins, and a tie (the input is the training image) is "both"', () => {
    assert.equal(verdict(0.95, 0.85), 'identity');
    assert.equal(verdict(0.85, 0.95), 'memorized');
    assert.equal(verdict(0.9, 0.895), 'both');
    assert.equal(verdict(0.9, 0.9), 'both');
    assert.equal(verdict(0.9, 0.889), 'identity', 'a gap of 0.011 is no tie');
  });

  it('no correlation (a flat image) matches nothing', () => {
    assert.equal(verdict(NaN, NaN), 'neither');
    assert.equal(verdict(NaN, 0.5), 'neither');
  });
});

describe('a correlation as the page shows it', () => {
  it('has two decimals', () => {
    assert.equal(formatCorrelation(0.126), '0.13');
    assert.equal(formatCorrelation(-0.5), '-0.50');
    assert.equal(formatCorrelation(1), '1.00');
    assert.equal(formatCorrelation(0), '0.00');
  });

  it('is "n/a" where there is none: NaN, or null once through JSON', () => {
    for (const none of [NaN, null, undefined, Infinity, -Infinity]) assert.equal(formatCorrelation(none), 'n/a', String(none));
  });
});
