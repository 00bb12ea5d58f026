// The site offline: a service worker that, once installed, answers every request of the site
// from the network when there is one and from its cache when there is none. `precache.js`
// (written by `cargo xtask build`) names the site's files and a version made from their
// content hashes: a new deploy installs a cache of that version, filled with every file, and
// deletes the caches of older versions once it takes over. Network files the site fetches at
// run time (the shipped networks) join the cache as they are fetched. Network first, so that a
// reader online (or a developer) never sees a stale file.

/* global PRECACHE */
importScripts('precache.js');

/** Caches of this site start with this. */
const PREFIX = 'identity-crisis-';
const CACHE = `${PREFIX}${PRECACHE.version}`;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PRECACHE.files.map((file) => new Request(new URL(file, self.registration.scope), { cache: 'no-cache' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const old = (await caches.keys()).filter((name) => name.startsWith(PREFIX) && name !== CACHE);
    await Promise.all(old.map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

/** The response to `request`: the network's (kept in the cache if it changed), else the cache's. */
async function answer(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.status === 200) {
      const cached = await cache.match(request);
      const tag = response.headers.get('etag');
      if (!cached || !tag || cached.headers.get('etag') !== tag) await cache.put(request, response.clone());
    }
    return response;
  } catch (offline) {
    const cached = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (cached) return cached;
    throw offline;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin || request.headers.has('range')) return;
  event.respondWith(answer(request));
});
