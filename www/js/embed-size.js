// A framed page tells the page around it its height, whenever it changes, as AMP's
// "embed-size" message (which embed.js and AMP's amp-iframe apply; the iframe-resizer and
// Flourish way), so that the frame fits what it shows.

/**
 * Posts the page's height to the page around it now and on every change (not when unframed),
 * with whether what it shows first is all there (`settled`): until then the page around it
 * keeps the frame as tall as it reserved, so that a figure filling in row by row does not move
 * the text under it up and down.
 * @param {Promise<unknown>} [drawn] settles once the page has drawn what it shows first
 */
export function reportHeight(drawn = Promise.resolve()) {
  let last = -1;
  let settled = false;
  const post = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last || window.parent === window) return;
    last = height;
    window.parent.postMessage({ sentinel: 'amp', type: 'embed-size', height, settled }, '*');
  };
  new ResizeObserver(post).observe(document.documentElement);
  post();
  const settle = () => {
    settled = true;
    last = -1;
    post();
  };
  drawn.then(settle, settle);
}
