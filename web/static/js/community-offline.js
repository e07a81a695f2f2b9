/* The community workspace's outbox: reports and case updates made on a phone are kept in
   IndexedDB (with their photos, already resized) until the server has them, then removed.
   Each item carries a client-generated id; the server treats a report's id as an idempotency
   key, so sending an item twice (a lost answer, a retry) makes one case.  Also registers the
   service worker (/community/sw.js) that keeps the report and update forms available offline. */
(function () {
  "use strict";
  var DB_NAME = "cem-community-outbox", STORE = "items";
  var script = document.currentScript;
  var tokenUrl = script ? script.getAttribute("data-token-url") : null;
  var strings = {};
  try { strings = JSON.parse(document.getElementById("community-strings").textContent); } catch (e) { strings = {}; }

  /* The page's text for ``key`` (rendered by the server in the reader's language, see
     community/_layout.html) with {name} placeholders filled in. */
  function text(key, params) {
    return String(strings[key] || key).replace(/\{(\w+)\}/g, function (m, name) {
      return params && params[name] !== undefined ? String(params[name]) : m;
    });
  }
  window.cemText = text;

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "client_id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        var req = work(tx.objectStore(STORE));
        if (req) { req.onsuccess = function () { result = req.result; }; }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  var outbox = {
    add: function (item) { return withStore("readwrite", function (s) { return s.put(item); }).then(changed); },
    all: function () {
      return withStore("readonly", function (s) { return s.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; });
      });
    },
    remove: function (id) { return withStore("readwrite", function (s) { return s.delete(id); }).then(changed); },
    uuid: uuid,
    flush: flush,
    sending: false
  };

  function changed() {
    return outbox.all().then(function (items) {
      document.querySelectorAll("[data-outbox-count]").forEach(function (el) {
        el.textContent = items.length ? text("count", { n: items.length }) : "";
      });
      render(items);
      document.dispatchEvent(new CustomEvent("cem-outbox-changed", { detail: items }));
      return items;
    });
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function freshToken() {
    if (!tokenUrl) { return Promise.resolve(csrfToken()); }
    return fetch(tokenUrl, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.text(); })
      .then(function (html) {
        var meta = new DOMParser().parseFromString(html, "text/html").querySelector('meta[name="csrf-token"]');
        var token = meta ? meta.getAttribute("content") : "";
        var mine = document.querySelector('meta[name="csrf-token"]');
        if (mine && token) { mine.setAttribute("content", token); }
        return token;
      });
  }

  function post(item, token) {
    var body = new FormData();
    Object.keys(item.fields).forEach(function (k) { body.append(k, item.fields[k]); });
    (item.photos || []).forEach(function (blob, i) { body.append("photos", blob, "photo-" + (i + 1) + ".jpg"); });
    return fetch(item.url, { method: "POST", body: body, credentials: "same-origin",
                             headers: { "X-CSRFToken": token, "Accept": "application/json" } });
  }

  function sendOne(item) {
    return post(item, csrfToken()).then(function (res) {
      if (res.status === 400 && !item.retried_token) {
        return res.clone().json().catch(function () { return {}; }).then(function (body) {
          var msg = (body.error && body.error.message) || "";
          if ((body.error && body.error.reason === "csrf") || !msg) {
            item.retried_token = true;
            return freshToken().then(function (t) { return post(item, t); });
          }
          return res;
        });
      }
      return res;
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.ok) { return outbox.remove(item.client_id).then(function () { return { item: item, body: body }; }); }
        if (res.status >= 500 || res.status === 401) { return { item: item, waiting: true }; }
        item.error = (body.error && body.error.message) || ("HTTP " + res.status);
        return outbox.add(item).then(function () { return { item: item, error: item.error }; });
      });
    }, function () { return { item: item, waiting: true }; });
  }

  function flush() {
    if (outbox.sending) { return Promise.resolve([]); }
    if (!navigator.onLine) { status(text("offline")); return Promise.resolve([]); }
    outbox.sending = true;
    return outbox.all().then(function (items) {
      var results = [];
      return items.filter(function (i) { return !i.error; }).reduce(function (p, item) {
        return p.then(function () { return sendOne(item).then(function (r) { results.push(r); }); });
      }, Promise.resolve()).then(function () { return results; });
    }).then(function (results) {
      outbox.sending = false;
      var sent = results.filter(function (r) { return r.body; }).length;
      if (sent) { status(text("sent", { n: sent })); }
      document.dispatchEvent(new CustomEvent("cem-outbox-sent", { detail: results }));
      return changed().then(function () { return results; });
    }, function (err) { outbox.sending = false; throw err; });
  }

  function status(text) {
    document.querySelectorAll("[data-offline-status]").forEach(function (el) { el.textContent = text; });
  }

  function render(items) {
    var list = document.querySelector("[data-outbox-list]");
    if (!list) { return; }
    list.textContent = "";
    if (!items.length) {
      var tr = document.createElement("tr"), td = document.createElement("td");
      td.colSpan = 3; td.textContent = text("empty"); tr.appendChild(td); list.appendChild(tr);
      return;
    }
    items.forEach(function (item) {
      var tr = document.createElement("tr");
      [item.label || item.kind, item.created_at.replace("T", " ").slice(0, 16),
       item.error ? text("failed", { error: item.error }) : text("waiting")].forEach(function (cell, i) {
        var td = document.createElement("td"); td.textContent = cell;
        if (i === 2 && item.error) {
          var b = document.createElement("button"); b.type = "button"; b.className = "link-button";
          b.textContent = text("remove"); b.addEventListener("click", function () { outbox.remove(item.client_id); });
          td.appendChild(document.createTextNode(" ")); td.appendChild(b);
        }
        tr.appendChild(td);
      });
      list.appendChild(tr);
    });
  }

  window.cemOutbox = outbox;
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", function () { status(text("offline")); });
  document.addEventListener("DOMContentLoaded", function () {
    var send = document.querySelector("[data-outbox-send]");
    if (send) { send.addEventListener("click", function () { flush(); }); }
    changed().then(function () { flush(); });
  });
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/community/sw.js", { scope: "/community/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      var urls = [location.pathname];
      document.querySelectorAll('script[src], link[rel="stylesheet"]').forEach(function (el) {
        urls.push(el.getAttribute("src") || el.getAttribute("href"));
      });
      document.querySelectorAll("[data-image]").forEach(function (el) { urls.push(el.getAttribute("data-image")); });
      var outboxLink = tokenUrl;
      if (outboxLink) { urls.push(outboxLink); }
      if (reg.active) { reg.active.postMessage({ cache: urls }); }
    }).catch(function () { /* the page still works online */ });
  }
}());
