// ESLint's flat config for the page's JavaScript (www/js, the embed's element www/embed.js,
// the service worker www/sw.js) and these tests. Its paths are the repository root's: `npm run
// lint` runs ESLint there (`--config tests/e2e/eslint.config.js www/js www/embed.js www/sw.js
// tests/e2e`), since ESLint 9 lints nothing outside the folder it takes paths from.

import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['**/node_modules/**', 'tests/e2e/screenshots/**'] },
  {
    files: ['www/js/**/*.js', 'www/embed.js', 'www/sw.js', 'tests/e2e/**/*.mjs', 'tests/e2e/**/*.js'],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.browser },
    },
  },
  {
    // The network worker and the figure worker run in a DedicatedWorkerGlobalScope.
    files: ['www/js/worker.js', 'www/js/paper/figure-worker.js'],
    languageOptions: { globals: { ...globals.worker } },
  },
  {
    // The service worker (offline copies of the site).
    files: ['www/sw.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    // The tests, their server and the benchmark run in Node; the page code they hand the
    // browser (page.evaluate) sees the browser's globals, so both are known.
    files: ['tests/e2e/**/*.mjs', 'tests/e2e/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
];
