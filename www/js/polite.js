// Work the reader cannot see waits: training in the worker pauses while the tab is hidden
// and, for an embedded figure, while the figure is out of sight; it goes on where it stopped
// when they come back. (Live answers are asked only when the reader draws.)

import { REQUEST } from './protocol.js';

/**
 * Pauses the worker's training whenever the tab is hidden or `watched` (if given) is out of
 * the window.
 * @param {import('./worker-client.js').WorkerClient} client
 * @param {HTMLElement | null} [watched] an element whose visibility counts too
 */
export function pauseWhenAway(client, watched = null) {
  let inSight = true;
  let last = null;
  const update = () => {
    const paused = document.hidden || !inSight;
    if (paused === last) return;
    last = paused;
    client.request({ type: REQUEST.PAUSE, paused }).catch(() => {
      // A worker that died takes its training with it: nothing is left to pause.
    });
  };
  document.addEventListener('visibilitychange', update);
  if (watched) {
    new IntersectionObserver((entries) => {
      inSight = entries[entries.length - 1].isIntersecting;
      update();
    }).observe(watched);
  }
  update();
}
