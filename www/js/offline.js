// Registers the service worker (sw.js) that keeps the site usable offline once visited. A
// browser without service workers, or one that refuses (a private window, a file: page),
// simply stays online-only: nothing is lost, so a failure is only logged.

/**
 * Registers sw.js for the whole site.
 * @returns {Promise<boolean>} whether it is registered
 */
export async function keepOffline() {
  if (!('serviceWorker' in navigator)) return false;
  try {
    await navigator.serviceWorker.register(new URL('../sw.js', import.meta.url), { scope: new URL('../', import.meta.url).pathname });
    return true;
  } catch (error) {
    console.info(`The site will not work offline here: ${error.message}`);
    return false;
  }
}
