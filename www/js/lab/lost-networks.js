// Networks lost with what ran them: the worker (it died: every network is gone, the page says
// so and waits for Train) or the worker's WebGPU device (the networks on it leave the pad and
// the comparison, the CPU takes over, and a button offers the GPU again).

import { REQUEST } from '../protocol.js';
import {
  failed, notify, setBackend, setPageState, setStatus, updateButtons,
} from './page-state.js';
import { showSize } from './settings.js';
import {
  createPreview, dropCurrent, leavePad, release,
} from './networks.js';

/** @typedef {import('./lab.js').Lab} Lab */

/**
 * The worker died, and every network with it.
 * @param {Lab} lab
 * @param {Error} error what killed it, in words the reader can act on
 */
export function workerDied(lab, error) {
  notify(lab, error.message, 'error');
  lab.paper.workerDied();
  lab.current = null;
  lab.compare.clear();
  lab.known = {};
  lab.mainView.blank('network lost');
  setBackend({ kind: 'none', label: 'No network', reason: 'the worker stopped; press Train to start again' });
  setStatus('');
  setPageState(lab, 'error');
  showSize(lab);
}

/**
 * The worker's WebGPU device is gone, and with it the networks on it: they leave the pad and
 * the comparison (and are freed), the CPU takes over, and a button offers the GPU again. A
 * network training on the GPU fails on its own, and training falls back.
 * @param {Lab} lab
 * @param {{reason: string, message: string}} info from the browser's GPUDeviceLostInfo
 */
export function gpuLost(lab, { reason, message }) {
  lab.gpuLost = true;
  const onGpu = (net) => net?.backend?.kind === 'webgpu';
  // Each network once, though it may be kept, on the pad and the fallback at the same time.
  const gone = new Map();
  for (const net of lab.compare.nets().filter(onGpu)) {
    gone.set(net.id, net.name);
    lab.compare.remove(net.id);
  }
  if (onGpu(lab.training?.fallback)) {
    gone.set(lab.training.fallback.id, lab.training.fallback.name);
    lab.training.fallback = null;
  }
  if (onGpu(lab.current) && lab.current.id !== lab.training?.id) {
    gone.set(lab.current.id, lab.current.name);
    leavePad(lab);
  }
  for (const id of gone.keys()) release(lab, id);
  lab.known = {};
  const lost = gone.size ? ` Lost with it: ${[...gone.values()].join(', ')}.` : '';
  notify(lab, `The GPU was lost (${reason}${message ? `: ${message}` : ''}).${lost} Networks run on the CPU until you ask for the GPU again.`, 'error', {
    key: 'gpu', action: { label: 'Use the GPU again', run: () => retryGpu(lab) },
  });
  if (!lab.current) {
    setBackend({ kind: 'cpu', label: 'CPU', reason: 'the GPU was lost' });
    createPreview(lab);
  }
  updateButtons(lab);
}

/** Lets the next network set up a fresh GPU device, and puts one on the pad if none is. @param {Lab} lab */
async function retryGpu(lab) {
  try {
    const { fresh } = await lab.client.request({ type: REQUEST.RESET_GPU });
    lab.known = {};
    lab.gpuLost = false;
    if (!fresh) notify(lab, 'The GPU was not lost, or cannot be asked for again here.', 'info', { key: 'gpu' });
    if (!lab.current?.trained && !lab.training) {
      await dropCurrent(lab);
      await createPreview(lab);
    } else {
      notify(lab, 'The next network you train asks for the GPU again.', 'info', { key: 'gpu' });
    }
  } catch (error) {
    failed(lab, 'Could not ask for the GPU again', error);
  }
}
