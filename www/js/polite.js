// Work the reader cannot see waits: training in the worker pauses while the tab is hidden
// and, for an embedded figure, while the figure is out of sight; it goes on where it stopped
// when they come back. (Live answers are asked only when the reader draws.) An embedded
// figure's worker starts only when the reader asks something of it, and ends once the figure
// has been out of sight a while holding no network, so that a post with many figures runs
// the workers of the few in use, not one per figure.

import { REQUEST } from './protocol.js';
import { IDLE_MS } from './paper/shipped-networks.js';

/**
 * How long a figure is out of sight before its idle worker ends: 15 s longer than the figures'
 * Keeper waits before it frees their shipped networks (paper/shipped-networks.js IDLE_MS), so
 * that those are gone by then; the networks retrained here keep a worker alive.
 */
export const RETIRE_AFTER_MS = IDLE_MS + 15_000;

/**
 * Calls `onChange(visible)` whenever `element` comes into sight or leaves it.
 * @param {HTMLElement} element
 * @param {(visible: boolean) => void} onChange
 */
export function watchSight(element, onChange) {
  new IntersectionObserver((entries) => onChange(entries[entries.length - 1].isIntersecting)).observe(element);
}

/**
 * Pauses the worker's training whenever the tab is hidden or `watched` (if given) is out of
 * the window.
 * @param {import('./worker-client.js').WorkerClient} client
 * @param {HTMLElement | null} [watched] an element whose visibility counts too
 * @param {{retire?: boolean}} [options] `retire`: end the worker when `watched` has been out
 *   of sight for RETIRE_AFTER_MS and it holds no network (an embed's figure)
 */
export function pauseWhenAway(client, watched = null, { retire = false } = {}) {
  let inSight = true;
  let timer = null;
  const update = () => client.setPaused(document.hidden || !inSight);
  const retireLater = () => {
    clearTimeout(timer);
    timer = inSight ? null : setTimeout(async () => {
      if (!client.running) return;
      try {
        const { networks } = await client.request({ type: REQUEST.MEMORY });
        if (networks === 0 && !inSight) client.retire();
      } catch {
        // A worker that died is gone already.
      }
      if (client.running) retireLater();
    }, RETIRE_AFTER_MS);
  };
  document.addEventListener('visibilitychange', update);
  if (watched) {
    watchSight(watched, (visible) => {
      inSight = visible;
      update();
      if (retire) retireLater();
    });
  }
  update();
}
