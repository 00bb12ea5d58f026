// Networks as files: the trained network on the pad downloaded (weights and how it was
// trained, burn's own format), and a file put back on the pad, trained.

import { REQUEST } from '../protocol.js';
import { failed, notify, setPageState, setStatus, showMemory, updateButtons } from './page-state.js';
import { adopt, release } from './networks.js';
import { predictSoon, refreshGallery, refreshHeatmap } from './live-answers.js';

/** @typedef {import('./lab.js').Lab} Lab */

/** A file name for a network: its name in lower case, words joined by dashes. */
function networkFileName(name) {
  const stem = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `identity-crisis-${stem || 'network'}.bpk`;
}

/** Downloads the network on the pad as a file (weights and how it was trained). @param {Lab} lab */
export async function exportNetwork(lab) {
  const cur = lab.current;
  if (!cur?.trained || lab.training) return;
  try {
    const { bytes } = await lab.client.request({ type: REQUEST.EXPORT, session: cur.id });
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = networkFileName(cur.name);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    notify(lab, `Exported ${cur.name} as ${link.download} (${(bytes.byteLength / 1024).toFixed(0)} KB). Import it here later, or answer with it from the command line: identity-crisis predict --model ${link.download}`, 'info', { key: 'network-file' });
  } catch (error) {
    failed(lab, 'Could not export the network', error);
  }
}

/**
 * Puts the network saved in `file` on the pad, trained; a file that does not fit is refused
 * with the worker's reason, and the network on the pad stays.
 * @param {Lab} lab
 * @param {File | undefined} file
 */
export async function importNetwork(lab, file) {
  if (!file || lab.training) return;
  const limit = lab.data?.maxImportBytes ?? 0;
  if (file.size > limit) {
    notify(lab, `Could not import ${file.name}: a network file is at most ${(limit / 2 ** 20).toFixed(0)} MB here, this one is ${(file.size / 2 ** 20).toFixed(0)} MB.`, 'error', { key: 'network-file' });
    return;
  }
  const preference = lab.state.backend;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const created = await lab.client.request({ type: REQUEST.IMPORT, bytes, backend: preference });
    if (lab.training) {
      release(lab, created.session);
      return;
    }
    adopt(lab, created, preference);
    Object.assign(lab.current, { trained: true, report: created.report, image: `the training image in ${file.name}` });
    const { report } = created;
    lab.notices.remove('network-file');
    setStatus(`Imported ${created.config.name} from ${file.name}: trained ${report.step} steps, loss ${report.loss.toExponential(2)}.`);
    setPageState(lab, 'trained');
    predictSoon(lab);
    refreshGallery(lab);
    refreshHeatmap(lab);
  } catch (error) {
    failed(lab, `Could not import ${file.name}`, error);
  } finally {
    updateButtons(lab);
    showMemory(lab);
  }
}
