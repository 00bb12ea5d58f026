// The framed page of an embed (embed.html): one of the paper's figures, chosen by the hash (the
// keys of embed-options.js: `figure=N` of the registry, or a view's name), answered from the
// shipped data, with its own worker
// for the live answers and "Train it here" (on the CPU: an embed never takes a reader's GPU
// unasked): started when the reader first draws or trains, paused while the figure is out of
// sight or the tab hidden, ended when out of sight a while holding nothing (polite.js). It tells the page
// around it its height (embed-size.js), so that the frame fits its figure. The lab's views
// (the training panel, the drawing pad) are the page's own: this page hands them to it.

import { WorkerClient } from './worker-client.js';
import { Notices } from './notices.js';
import { mountFigure } from './paper/paper.js';
import { loadRegistry } from './paper/registry.js';
import { tablesBuilt } from './paper/parts.js';
import { readEmbed } from './embed-options.js';
import { reportHeight } from './embed-size.js';
import { keepOffline } from './offline.js';
import { pauseWhenAway } from './polite.js';
import { flopsPerStep, SpeedBook, GUESSES, browserStorage } from './estimate.js';

/** The folder of the figure files and their registry. */
const FIGURES = new URL('../paper/', import.meta.url);

/**
 * Shows the figure `settings` name.
 * @param {ReturnType<typeof readEmbed>} settings
 * @param {Notices} notices
 */
function showFigure(settings, notices) {
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
  const mounted = mountFigure(place, { figure: settings.figure, client, training, base: FIGURES })
    .then((shell) => {
      document.body.dataset.state = 'ready';
      return shell && tablesBuilt(shell.element);
    });
  reportHeight(mounted);
}

if (readEmbed(location.hash).lab) {
  // One address serves every view, for the custom element and a plain iframe alike.
  location.replace(new URL(`./?embed${location.hash}`, document.baseURI));
} else {
  const notices = new Notices(/** @type {HTMLUListElement} */ (document.getElementById('notices')));
  // The figures there are come first: `figure=N` is checked against them.
  loadRegistry(FIGURES).then(
    (registry) => showFigure(readEmbed(location.hash, {}, { registry }), notices),
    (error) => {
      notices.show(`The figures cannot be shown: ${error.message}`, 'error');
      document.body.dataset.state = 'ready';
      reportHeight(Promise.resolve());
    },
  );
}
