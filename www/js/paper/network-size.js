// The size of a network of the paper's figures, in parameters, as identity-core counts it:
// the worker's "describe" request answers it (one rule, in Rust), so the views never count.

import { REQUEST } from '../protocol.js';
import { compactCount, grouped } from '../numbers.js';

/** The worker's descriptions of architectures, asked once each. */
export class NetworkSizes {
  /** @param {import('../worker-client.js').WorkerClient} client */
  constructor(client) {
    this.client = client;
    this.known = new Map();
  }

  /**
   * The worker's description of an architecture (asked once; a failure is asked again later).
   * @param {import('./figure-data.js').ArchConfig} arch
   * @returns {Promise<{name: string, params: number, memory_bytes: number, train: {steps: number}}>}
   */
  describe(arch) {
    const key = JSON.stringify(arch);
    if (!this.known.has(key)) {
      const asked = this.client.request({ type: REQUEST.DESCRIBE, arch });
      asked.catch(() => this.known.delete(key));
      this.known.set(key, asked);
    }
    return this.known.get(key);
  }

  /**
   * Writes "N parameters" into `element`: the figure's own count where its data has one (no
   * network code needed), else once the worker has counted them (until then the element says so).
   * @param {HTMLElement} element
   * @param {import('./figure-data.js').Net} net
   */
  show(element, net) {
    const write = (name, params) => {
      element.textContent = `${compactCount(params)} parameters`;
      element.title = `${name}: ${grouped(params)} parameters`;
    };
    if (net.params !== null && net.params !== undefined) {
      write(net.label, net.params);
      return;
    }
    element.textContent = 'counting parameters\u2026';
    this.describe(net.arch).then((d) => write(d.name, d.params), (error) => {
      element.textContent = 'parameters: unknown';
      element.title = error.message;
    });
  }
}
