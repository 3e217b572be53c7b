// kplay's service worker: after one visit the whole app works offline (a
// workshop on bad Wi-Fi). scripts/build.sh writes the list of files of this
// build and its version below; the hashed names change with every build, so a
// new deploy is a new worker: it precaches the new files, takes over, and the
// page shows a "new version" notice (see index.html).
const VERSION = "__KPLAY_VERSION__";
const PRECACHE = __KPLAY_PRECACHE__; // paths relative to this worker's scope
const CACHE = "kplay-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((p) => new Request(p, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("kplay-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (req.mode === "navigate") {
    // Every app path is the single-page app: its index.html from this build.
    event.respondWith(
      caches
        .open(CACHE)
        .then((cache) => cache.match(new URL("index.html", scope).href))
        .then((hit) => hit || fetch(req)),
    );
    return;
  }
  event.respondWith(caches.match(req, { cacheName: CACHE }).then((hit) => hit || fetch(req)));
});
