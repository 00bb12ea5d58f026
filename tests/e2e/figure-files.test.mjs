// The site's figure files (www/paper/figN.json, as `identity-crisis site` wrote them from the
// Rust types) read by the page's own reader (www/js/paper/figure-data.js), in Node: a field
// the Rust side renamed or added without the page following fails here, not in a reader's tab.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseFigure, FigureDataError } from '../../www/js/paper/figure-data.js';

const site = (name) => new URL(`../../www/paper/${name}`, import.meta.url);
const INDEX = JSON.parse(fs.readFileSync(site('index.json'), 'utf8'));

describe("the site's figure files", () => {
  it('are each read by the page with the kind the index names', () => {
    for (const entry of INDEX.figures) {
      const json = JSON.parse(fs.readFileSync(site(`${entry.file}`), 'utf8'));
      const figure = parseFigure(json, entry.figure, entry.kind);
      assert.equal(figure.figure, entry.figure);
      assert.ok(figure.claims.every((c) => c.verdicts.length === c.seeds.length && c.measured.length === c.seeds.length), `fig${entry.figure}: a verdict and numbers per seed`);
    }
  });

  it('refuses a file whose data lost a field, naming it', () => {
    const entry = INDEX.figures.find((f) => f.kind === 'collapse');
    const json = JSON.parse(fs.readFileSync(site(`${entry.file}`), 'utf8'));
    delete json.runs[0].curves[0].initial_error_rate;
    assert.throws(() => parseFigure(json, entry.figure, entry.kind), (e) => e instanceof FigureDataError && /initial_error_rate/.test(e.message));
  });
});
