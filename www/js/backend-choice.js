// What `backend=auto` trains on: the faster of the CPU and WebGPU for the network asked for.
// Both speeds come from this browser's SpeedBook (estimate.js: kept per device, checked when
// read back); when neither settles it (the network's size was never timed here, and the two
// expectations are close), a few steps of that very network are timed on each backend first.

import { REQUEST } from './protocol.js';
import { WorkerDiedError } from './worker-client.js';

/** Steps timed on each backend (after one warm-up step of another copy of the network). */
export const TIMED_STEPS = 4;
/** The two are timed only when the slower is expected to take less than this times the faster. */
export const CLOSE_WITHIN = 4;

/**
 * Whether to time both backends before choosing.
 * @param {{msPerStep: number, exact: boolean}} cpu the CPU's expected speed for the network
 * @param {{msPerStep: number, exact: boolean}} gpu WebGPU's
 * @returns {boolean} true when the expectations are close and not both timed at this size
 */
export function worthTiming(cpu, gpu) {
  const ratio = Math.max(cpu.msPerStep, gpu.msPerStep) / Math.min(cpu.msPerStep, gpu.msPerStep);
  return ratio < CLOSE_WITHIN && !(cpu.exact && gpu.exact);
}

/**
 * Trains a throwaway network of `create` on `backend` for `steps` steps.
 * @returns {Promise<{backend: object, report: object} | null>} null when it could not run
 *   there (no room, no such backend: WebGPU that fell back to the CPU)
 */
async function run(client, create, backend, steps) {
  let created = null;
  try {
    // The image is transferred to the worker (protocol.js): each request sends its own copy.
    created = await client.request({
      ...create, type: REQUEST.CREATE, backend, train: { ...create.train, steps, loss_every: steps }, image: create.image?.slice(),
    });
    if (created.backend.kind !== backend) return null;
    const report = await client.request({ type: REQUEST.TRAIN, session: created.session });
    return report.step === steps ? { backend: created.backend, report } : null;
  } catch (error) {
    // A dead worker took the page's networks with it: the caller must hear of it.
    if (error instanceof WorkerDiedError) throw error;
    return null;
  } finally {
    if (created) client.request({ type: REQUEST.DISPOSE, session: created.session }).catch(() => undefined);
  }
}

/**
 * Times TIMED_STEPS steps of a network on one backend, after one step of another copy that
 * warms it up (WebGPU compiles its kernels then, once for the device).
 * @param {import('./worker-client.js').WorkerClient} client
 * @param {object} create the worker's "create" request, without its type and backend
 * @param {"cpu" | "webgpu"} backend
 * @param {() => boolean} stopped whether the reader has stopped training meanwhile
 * @returns {Promise<{backend: object, msPerStep: number} | null>} the backend that ran (as the
 *   worker reports it) and its speed; null when it could not run there, or was stopped
 * @throws {WorkerDiedError} when the worker died
 */
export async function timeSteps(client, create, backend, stopped) {
  if (!(await run(client, create, backend, 1)) || stopped()) return null;
  const timed = await run(client, create, backend, TIMED_STEPS);
  const msPerStep = timed?.report.ms_per_step;
  return Number.isFinite(msPerStep) && msPerStep > 0 ? { backend: timed.backend, msPerStep } : null;
}
