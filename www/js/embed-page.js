// The framed page of an embed (embed.html): one view of the paper's figures, chosen by the
// hash (the keys of embed-options.js), answered from the shipped data, with its own worker
// for the live answers and "Train it here" (on the CPU: an embed never takes a reader's GPU
// unasked), which pauses while the figure is out of sight or the tab hidden. It tells the page
// around it its height (AMP's "embed-size" message, which embed.js and AMP's amp-iframe
// apply), so that the frame fits its figure.

import { WorkerClient } from './worker-client.js';
import { Notices } from './notices.js';
import { mountFigure } from './paper/paper.js';
import { readEmbed } from './embed-options.js';
import { keepOffline } from './offline.js';
import { pauseWhenAway } from './polite.js';
import { flopsPerStep, SpeedBook, GUESSES } from './estimate.js';

const notices = new Notices(document.getElementById('notices'));
const place = document.getElementById('figure');
const settings = readEmbed(location.hash);
if (settings.problem) notices.show(`${settings.problem} The figure shows its defaults.`, 'error');
for (const control of settings.hidden) document.body.classList.add(`hide-${control}`);

/** Posts the page's height to the page around it, whenever it changes. */
function reportHeight() {
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

const client = new WorkerClient(new URL('./worker.js', import.meta.url), {
  onDied: (error) => notices.show(error.message, 'error'),
  onGpuLost: () => undefined,
});
reportHeight();
keepOffline();
pauseWhenAway(client, place);

/** Storage for measured speeds, when the browser allows it in a frame. */
function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** What "Train it here" needs: the CPU, its expected speed, and where measured speeds go. */
const speeds = new SpeedBook(storage());
const training = {
  backend: () => 'cpu',
  estimate: (arch) => ({ ...speeds.msPerStep('CPU', flopsPerStep(arch), GUESSES.cpu), where: 'the CPU' }),
  record: (label, arch, msPerStep) => speeds.record(label, flopsPerStep(arch), msPerStep),
};
mountFigure(place, { figure: settings.figure, client, training, base: new URL('../paper/', import.meta.url) })
  .then(() => {
    document.body.dataset.state = 'ready';
  });
