// The article's table of contents: one entry per part (a `section` with a heading) and, under
// it, a link to each figure the part holds (`#fig-N`), read from the article itself, so that it
// lists what the page shows and nothing else.

import { el } from './parts.js';

/**
 * Fills `nav` with the parts of `region` and their figures.
 * @param {HTMLElement} nav
 * @param {HTMLElement} region
 * @param {(figure: string) => string} anchor the id of a figure's place
 */
export function fillContents(nav, region, anchor) {
  const parts = [...region.querySelectorAll('section')].filter((part) => part.querySelector('h3'));
  nav.replaceChildren(el('ol', {}, parts.map((part) => {
    const figures = [.../** @type {NodeListOf<HTMLElement>} */ (part.querySelectorAll('[data-paper-figure]'))].map((place) => place.dataset.paperFigure);
    return el('li', {}, [
      el('a', { text: part.querySelector('h3').textContent, attrs: { href: `#${part.id}` } }),
      el('span', { className: 'contents-figures' }, figures.map((figure) => el('a', {
        text: `Fig.\u00a0${figure}`, attrs: { href: `#${anchor(figure)}` },
      }))),
    ]);
  })));
}
