// Long work on the main thread cut into slices, so that the page keeps answering the reader
// (strokes on a pad, scrolling, animation frames) while it builds something large: a slice
// runs until its budget is used, and the next one waits for the next frame, so that each
// frame lays out and paints only what one slice added.

/**
 * How long one slice may hold the main thread, in ms: well under the 50 ms after which a
 * task delays a reader's input noticeably, leaving room for the frame's own layout and paint
 * on a phone several times slower than a laptop (Lighthouse's phone counts each task four
 * times as long as measured: with 12 ms, the slices of the page's first figure were its
 * longest tasks there).
 */
const SLICE_MS = 6;

/**
 * The longest wait for a frame (ms): a hidden tab or an out-of-sight frame gets few or none,
 * and the work must still end.
 */
const FRAME_WAIT_MS = 100;

/**
 * Waits for the page's next frame (its layout and paint included), or FRAME_WAIT_MS where
 * frames are not coming.
 * @returns {Promise<void>}
 */
function nextFrame() {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, FRAME_WAIT_MS);
    requestAnimationFrame(() => setTimeout(() => {
      clearTimeout(timer);
      resolve();
    }, 0));
  });
}

/**
 * Calls `each` on every item in order, in slices: a slice ends once it has taken `budgetMs`
 * or its items' weights (what `each` returns, e.g. the pictures it painted; 1 when it returns
 * nothing) reach `perSlice`. Every slice runs in a frame of its own, the first one too: the
 * caller's task has work of its own (the rest of a figure), and the two together would hold
 * the main thread longer than one slice may.
 * @template T
 * @param {T[]} items
 * @param {(item: T, index: number) => number | void} each
 * @param {{budgetMs?: number, perSlice?: number}} [options]
 * @returns {Promise<void>} once every item is done (rejected with the first error of `each`)
 */
export function inSlices(items, each, { budgetMs = SLICE_MS, perSlice = Infinity } = {}) {
  let next = 0;
  const slice = () => {
    const started = performance.now();
    let weight = 0;
    while (next < items.length) {
      weight += /** @type {number | undefined} */ (each(items[next], next)) ?? 1;
      next += 1;
      if (weight >= perSlice || performance.now() - started >= budgetMs) break;
    }
  };
  return (async () => {
    while (next < items.length) {
      await nextFrame();
      slice();
    }
  })();
}
