/* Service worker of the community workspace (scope /community/).  Keeps the pages a grid worker
   needs on patrol — the report form, the outbox, the case pages they opened — and the static
   files they use, so that they open without a network; pages are fetched fresh whenever the
   network is there (network first).  Writes are never cached: the pages queue them in
   IndexedDB (community-offline.js) and send them when the phone is back online. */
"use strict";
var CACHE = "cem-community-v1";
var PAGES = /^\/community\/[^/]+\/(cases\/new|outbox|cases\/[^/]+|map\/basemap-[0-9a-f]+\.(png|jpg))$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function cacheable(url) {
  return url.origin === self.location.origin && (PAGES.test(url.pathname) || url.pathname.indexOf("/static/") === 0);
}

self.addEventListener("message", function (event) {
  var urls = ((event.data && event.data.cache) || []).filter(function (u) {
    return u && cacheable(new URL(u, self.location.origin));
  });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      return fetch(u, { credentials: "same-origin" }).then(function (res) {
        if (res.ok && !res.redirected) { return cache.put(u, res); }
        return null;
      }).catch(function () { return null; });
    }));
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (!cacheable(url)) { return; }
  event.respondWith(fetch(request).then(function (res) {
    if (res.ok && !res.redirected) {
      var copy = res.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname + url.search, copy); });
    }
    return res;
  }).catch(function () {
    return caches.match(url.pathname + url.search).then(function (hit) {
      return hit || caches.match(url.pathname).then(function (page) {
        return page || new Response("离线：这个页面还没有保存在本机。\nOffline: this page has not been kept on this device yet.", { status: 503,
          headers: { "Content-Type": "text/plain; charset=utf-8" } });
      });
    });
  }));
});
