// The figure registry as the page and the embed read it (www/js/paper/registry.js,
// www/js/embed-options.js, www/js/embed-heights.js, the link's places in www/js/state.js), in
// Node: the site's own index, indexes of the wrong shape, and `figure=N` against its range.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseRegistry, entryOf } from '../../www/js/paper/registry.js';
import { readEmbed, FIGURE_VIEWS } from '../../www/js/embed-options.js';
import { FIGURE_HEIGHTS, reservedHeight } from '../../www/js/embed-heights.js';
import { namesPlace } from '../../www/js/state.js';

/** The site's index, as `identity-crisis site` wrote it. */
const INDEX = JSON.parse(fs.readFileSync(new URL('../../www/paper/index.json', import.meta.url), 'utf8'));

describe('the figure registry', () => {
  const registry = parseRegistry(INDEX);

  it("reads the site's index: every figure once, in a range, each with its file", () => {
    assert.equal(registry.figures.size, INDEX.figures.length);
    assert.equal(registry.range, `1 to ${INDEX.figures.length}`);
    for (const [n, entry] of registry.figures) {
      assert.equal(entry.file, `fig${n}.json`);
      assert.ok(fs.existsSync(new URL(`../../www/paper/${entry.file}`, import.meta.url)), `${entry.file} is in the site`);
    }
    assert.throws(() => entryOf(registry, INDEX.figures.length + 1), /there is no Fig\. \d+; the figures are 1 to \d+/);
  });

  it('refuses an index of another shape, naming what is wrong', () => {
    const fig = (over) => ({ ...INDEX.figures[0], ...over });
    for (const [bad, why] of [
      [null, /no list of figures/],
      [{ ...INDEX, figures: 'all' }, /no list of figures/],
      [{ ...INDEX, scale: 3 }, /no scale or seeds/],
      [{ ...INDEX, figures: [] }, /no figure/],
      [{ ...INDEX, figures: [fig({ figure: 0 })] }, /a figure numbered 0/],
      [{ ...INDEX, figures: [fig({ kind: null })] }, /Fig\. 1 has no kind/],
      [{ ...INDEX, figures: [fig({}), fig({})] }, /Fig\. 1 is listed twice/],
    ]) assert.throws(() => parseRegistry(bad), why);
  });

  it('an embed takes any figure of the range by number, and a bad number names the range', () => {
    assert.equal(readEmbed('#figure=15', {}, { registry }).figure, 15);
    assert.equal(readEmbed('#figure=15&view=heatmap', {}, { registry }).figure, 15, 'the number wins over a view');
    for (const bad of ['0', String(registry.figures.size + 1), 'x', '2.5', '']) {
      const settings = readEmbed(`#figure=${bad}`, {}, { registry });
      assert.equal(settings.figure, FIGURE_VIEWS.gallery.conv, `figure=${bad}: the default figure`);
      if (bad !== '') assert.match(settings.problem, new RegExp(`figure must be an integer in 1\\.\\.${registry.figures.size}\\b`), `figure=${bad}`);
    }
    // The names embeds had before figures had numbers.
    assert.equal(readEmbed('#view=heatmap&arch=fcn', {}, { registry }).figure, 5);
    for (const figures of Object.values(FIGURE_VIEWS)) {
      for (const n of Object.values(figures)) assert.ok(registry.figures.has(n), `view names Fig. ${n}, which the registry has`);
    }
  });

  it('every figure has its measured height, and the old view names reserve their figure\'s', () => {
    assert.deepEqual(Object.keys(FIGURE_HEIGHTS).map(Number), [...registry.figures.keys()]);
    assert.equal(reservedHeight({ view: 'layers' }, 360), FIGURE_HEIGHTS[8][0]);
    assert.equal(reservedHeight({ figure: 99 }, 360), null, 'a figure not measured reserves nothing');
  });

  it('a link to a place on the page is not read as the lab\'s settings', () => {
    for (const place of ['#fig-15', '#part-width', '#paper']) assert.equal(namesPlace(place), true, place);
    for (const link of ['', '#', '#arch=conv&depth=5', '#fig-15&depth=3', '#depth=3']) assert.equal(namesPlace(link), false, link);
  });
});
