// A framed page tells the page around it its height, whenever it changes, as AMP's
// "embed-size" message (which embed.js and AMP's amp-iframe apply; the iframe-resizer and
// Flourish way), so that the frame fits what it shows.

/** Posts the page's height to the page around it now and on every change (not when unframed). */
export function reportHeight() {
  let last = -1;
  const post = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last || window.parent === window) return;
    last = height;
    window.parent.postMessage({ sentinel: 'amp', type: 'embed-size', height }, '*');
  };
  new ResizeObserver(post).observe(document.documentElement);
  post();
}
