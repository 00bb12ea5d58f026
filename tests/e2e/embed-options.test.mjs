// An embed's settings (www/js/embed-options.js), in Node: the views it takes, and bad
// attributes (an unknown view, a value out of range, a control of the other kind of view)
// ignored with their defaults kept and one message naming them.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  readEmbed, isLabView, VIEWS, LAB_VIEWS, HIDEABLE,
} from '../../www/js/embed-options.js';
import { MAX_DEPTH } from '../../www/js/rules.js';

describe("an embed's settings", () => {
  it('offers the figure views by name and the two views of the lab', () => {
    assert.deepEqual([...VIEWS], ['gallery', 'eq1', 'heatmap', 'layers', 'sizes', 'train', 'pad']);
    assert.deepEqual(Object.keys(LAB_VIEWS), ['train', 'pad']);
    for (const view of ['train', 'pad']) assert.equal(isLabView(view), true, view);
    for (const view of ['gallery', 'layers', '', 'toString', '__proto__', 'constructor']) assert.equal(isLabView(view), false, view);
  });

  it('reads a figure by its view and family, with no problem', () => {
    assert.deepEqual(readEmbed('#view=layers&arch=fcn&toggle_hide=true&claims_hide=1'), {
      view: 'layers',
      lab: false,
      figure: 8,
      state: {
        view: 'layers', arch: 'fcn', toggle_hide: true, train_hide: false, drawing_hide: false, claims_hide: true,
      },
      hidden: ['toggle', 'claims'],
      given: new Set(['view', 'arch', 'toggle_hide', 'claims_hide']),
      problem: null,
    });
    assert.equal(readEmbed('').figure, 6, "no attribute at all: the ConvNets' gallery, Fig. 6");
    assert.equal(readEmbed('#view=sizes&arch=fcn').figure, 10);
  });

  it('an unknown view falls back to the gallery, and says which views there are', () => {
    const settings = readEmbed('#view=movie');
    assert.equal(settings.view, 'gallery');
    assert.equal(settings.lab, false);
    assert.equal(settings.figure, 6);
    assert.equal(settings.problem, 'Ignored "view=movie" in the link: view must be one of gallery, eq1, heatmap, layers, sizes, train, pad');
  });

  it('a family other than conv or fcn keeps conv', () => {
    const settings = readEmbed('#view=heatmap&arch=relu');
    assert.equal(settings.figure, 7, "Fig. 7, the ConvNets' heatmap");
    assert.equal(settings.problem, 'Ignored "arch=relu" in the link: arch must be one of conv, fcn');
  });

  it("a bad hide flag hides nothing, and a lab's control is unknown to a figure", () => {
    const settings = readEmbed('#view=gallery&claims_hide=maybe&form_hide=true');
    assert.deepEqual(settings.hidden, []);
    assert.equal(
      settings.problem,
      'The link has 2 problems, each ignored: Ignored "claims_hide=maybe" in the link: claims_hide must be true or false; '
        + 'Ignored "form_hide=true" in the link: unknown key form_hide (known: view, arch, toggle_hide, train_hide, drawing_hide, claims_hide).',
    );
  });

  it("reads a lab view with the page's keys, keeping the defaults of bad ones", () => {
    const settings = readEmbed('#view=pad&arch=relu&hidden=2&depth=99&form_hide=true');
    assert.equal(settings.view, 'pad');
    assert.equal(settings.lab, true);
    assert.equal(settings.figure, null);
    assert.deepEqual(settings.hidden, ['form']);
    assert.equal(settings.state.arch, 'relu');
    assert.equal(settings.state.hidden, 2);
    assert.equal(settings.state.depth, 3, 'the default depth');
    assert.equal(settings.problem, `Ignored "depth=99" in the link: depth must be an integer in 1..${MAX_DEPTH}`);
  });

  it("a figure's control is unknown to a lab view", () => {
    const { problem, hidden } = readEmbed('#view=train&toggle_hide=true');
    assert.deepEqual(hidden, []);
    assert.match(problem, /^Ignored "toggle_hide=true" in the link: unknown key toggle_hide \(known: view, form_hide, picker_hide, drawing_hide, arch, depth,/);
  });

  it("read as the lab's, a figure's view is named and replaced by the training panel", () => {
    const settings = readEmbed('#view=gallery&depth=4', {}, { lab: true });
    assert.equal(settings.lab, true);
    assert.equal(settings.view, 'train');
    assert.equal(settings.state.depth, 4);
    assert.equal(settings.problem, 'Ignored "view=gallery" in the link: view must be one of train, pad');
  });

  it("keys a lab view's link leaves out come from the lab's state", () => {
    const { state } = readEmbed('#view=train&seed=9', { depth: 7, seed: 1 });
    assert.equal(state.depth, 7);
    assert.equal(state.seed, 9);
    assert.equal(state.view, 'train');
  });

  it('every control an embed can hide is a key of its kind of view', () => {
    const figureKeys = Object.keys(readEmbed('#view=gallery').state);
    const labKeys = Object.keys(readEmbed('#view=train').state);
    for (const control of Object.keys(HIDEABLE.figure)) assert.ok(figureKeys.includes(`${control}_hide`), control);
    for (const control of Object.keys(HIDEABLE.lab)) assert.ok(labKeys.includes(`${control}_hide`), control);
  });
});
