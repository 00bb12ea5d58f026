// Measures the height each embed takes once drawn, at every width of embed-heights.js, and
// prints the tables of `www/js/embed-heights.js` (every figure of the served site's registry,
// `figure=N`, and the lab's views): `node tests/e2e/measure-heights.mjs http://127.0.0.1:8000/`
// with the site served (`cargo xtask serve`). Run it when a figure's view changes its height.

import { chromium } from 'playwright-core';
import { MEASURED_WIDTHS, LAB_HEIGHTS } from '../../www/js/embed-heights.js';
import { CHROMIUM } from './browser.mjs';

const site = process.argv[2];
if (!site) {
  console.error('usage: node tests/e2e/measure-heights.mjs URL (the served site, e.g. http://127.0.0.1:8000/)');
  process.exit(2);
}

/** The height of embed.html showing `key` (its hash) in a frame `width` px wide, once drawn. */
async function measure(context, key, width) {
  const page = await context.newPage();
  try {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(new URL(`embed.html#${key}`, site).href);
    await page.locator('body[data-state="ready"]').waitFor({ timeout: 120_000 });
    if (key.startsWith('figure=')) {
      await page.locator('figure.paper-figure[data-state="shown"]').waitFor({ timeout: 60_000 });
      await page.waitForFunction(() => [...document.querySelectorAll('.params')].every((p) => / parameters$/.test(p.textContent)), null, { timeout: 120_000 });
    }
    return await page.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  } finally {
    await page.close();
  }
}

const browser = await chromium.launch({ executablePath: CHROMIUM });
try {
  const context = await browser.newContext();
  const registry = await (await fetch(new URL('paper/index.json', site))).json();
  const rows = async (keys) => {
    const lines = [];
    for (const [name, key] of keys) {
      const heights = [];
      for (const width of MEASURED_WIDTHS) heights.push(await measure(context, key, width));
      lines.push(`  ${name}: [${heights.join(', ')}],`);
      console.error(lines.at(-1));
    }
    return lines.join('\n');
  };
  const figures = await rows(registry.figures.map(({ figure }) => [figure, `figure=${figure}`]));
  const lab = await rows(Object.keys(LAB_HEIGHTS).map((view) => [view, `view=${view}&arch=conv`]));
  console.log(`export const FIGURE_HEIGHTS = Object.freeze({\n${figures}\n});\n\nexport const LAB_HEIGHTS = Object.freeze({\n${lab}\n});`);
} finally {
  await browser.close();
}
