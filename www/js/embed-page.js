// The framed page of an embed (embed.html): one view of the paper's figures, chosen by the
// hash (the keys of embed-options.js), answered from the shipped data, with its own worker
// for the live answers and "Train it here" (on the CPU: an embed never takes a reader's GPU
// unasked): started when the reader first draws or trains, paused while the figure is out of
// sight or the tab hidden, ended when out of sight a while holding nothing (polite.js). It tells the page
// around it its height (embed-size.js), so that the frame fits its figure. The lab's views
// (the training panel, the drawing pad) are the page's own: this page hands them to it.

import { WorkerClient } from './worker-client.js';
import { Notices } from './notices.js';
import { mountFigure } from './paper/paper.js';
import { tablesBuilt } from './paper/parts.js';
import { readEmbed } from './embed-options.js';
import { reportHeight } from './embed-size.js';
import { keepOffline } from './offline.js';
import { pauseWhenAway } from './polite.js';
import { flopsPerStep, SpeedBook, GUESSES, browserStorage } from './estimate.js';

/** Shows the figure `settings` name. */
function showFigure(settings) {
  const notices = new Notices(document.getElementById('notices'));
  const place = document.getElementById('figure');
  if (settings.problem) notices.show(`${settings.problem} The figure shows its defaults.`, 'error');
  for (const control of settings.hidden) document.body.classList.add(`hide-${control}`);

  const client = new WorkerClient(new URL('./worker.js', import.meta.url), {
    onDied: (error) => notices.show(error.message, 'error'),
    onGpuLost: () => undefined,
  });
  keepOffline();
  pauseWhenAway(client, place, { retire: true });

  /** What "Train it here" needs: the CPU, its expected speed, and where measured speeds go. */
  const speeds = new SpeedBook(browserStorage());
  const training = {
    backend: () => 'cpu',
    estimate: (arch) => ({ ...speeds.msPerStep('CPU', flopsPerStep(arch), GUESSES.cpu), where: 'the CPU' }),
    record: (label, arch, msPerStep) => speeds.record(label, flopsPerStep(arch), msPerStep),
  };
  const mounted = mountFigure(place, { figure: settings.figure, client, training, base: new URL('../paper/', import.meta.url) })
    .then((shell) => {
      document.body.dataset.state = 'ready';
      return tablesBuilt(shell.element);
    });
  reportHeight(mounted);
}

const settings = readEmbed(location.hash);
if (settings.lab) {
  // One address serves every view, for the custom element and a plain iframe alike.
  location.replace(new URL(`./?embed${location.hash}`, document.baseURI));
} else {
  showFigure(settings);
}
