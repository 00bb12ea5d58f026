// Lighthouse (npm `lighthouse`, its performance category) on the page and the example post,
// with its phone preset (a throttled mid-range phone, simulated) and its desktop one, against
// the site as `cargo xtask serve` serves it and Debian's Chromium (CHROME_PATH, default
// /usr/bin/chromium). Run by `cargo xtask bench` after the site's build; alone, `node
// lighthouse.mjs` here (after `npm install`). A benchmark: it prints numbers, asserts nothing.
// Its numbers move from run to run (the simulated phone multiplies what this machine measured
// by four): `RUNS` runs of each, every one printed.

import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import * as chromeLauncher from 'chrome-launcher';
import { serve } from '../e2e/server.mjs';

/** Runs of each page and preset (`RUNS` in the environment; default 3). */
const RUNS = Number(process.env.RUNS ?? 3);

/** The pages measured, relative to the site's root. */
const PAGES = { page: '', example_post: 'examples/post.html' };

/** The presets: Lighthouse's default (phone) and its desktop configuration. */
const PRESETS = { phone: undefined, desktop: desktopConfig };

/** The numbers printed of a Lighthouse result. */
function numbers({ categories, audits }) {
  const longest = Math.max(0, ...(audits['long-tasks'].details?.items ?? []).map((t) => t.duration));
  return {
    performance: Math.round(categories.performance.score * 100),
    total_blocking_time_ms: Math.round(audits['total-blocking-time'].numericValue),
    longest_task_ms: Math.round(longest),
    largest_contentful_paint_ms: Math.round(audits['largest-contentful-paint'].numericValue),
    cumulative_layout_shift: Number(audits['cumulative-layout-shift'].numericValue.toFixed(3)),
    first_contentful_paint_ms: Math.round(audits['first-contentful-paint'].numericValue),
  };
}

async function run() {
  const server = await serve();
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox'],
  });
  const out = {};
  try {
    for (const [name, path] of Object.entries(PAGES)) {
      for (const [preset, config] of Object.entries(PRESETS)) {
        const runs = [];
        for (let i = 0; i < RUNS; i++) {
          const result = await lighthouse(`${server.url}${path}`, { port: chrome.port, onlyCategories: ['performance'], logLevel: 'error' }, config);
          runs.push(numbers(result.lhr));
        }
        out[`${name}/${preset}`] = runs;
      }
    }
  } finally {
    chrome.kill();
    await server.close();
  }
  return { lighthouse: out };
}

console.log(JSON.stringify(await run(), null, 1));
