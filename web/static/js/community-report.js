/* The report form and the case update forms: photos are resized on the phone (longest side
   1600 px, JPEG), the entry goes into the outbox (IndexedDB) and is sent at once when online —
   or when the phone comes back online.  Without this script the forms still post normally. */
(function () {
  "use strict";
  var MAX_SIDE = 1600, QUALITY = 0.82;

  function resize(file) {
    if (!window.createImageBitmap) { return Promise.resolve(file); }
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", QUALITY);
      });
    }, function () { return file; });  /* not an image the phone can read: the server says so */
  }

  function fieldsOf(form) {
    var fields = {};
    new FormData(form).forEach(function (value, key) {
      if (key === "csrf_token" || value instanceof File) { return; }
      fields[key] = value;
    });
    return fields;
  }

  function photosOf(form) {
    var input = form.querySelector('input[type="file"]');
    var files = input ? Array.prototype.slice.call(input.files || []) : [];
    return Promise.all(files.map(resize));
  }

  function say(form, text) {
    var el = document.querySelector("[data-offline-status]") || form.querySelector("[data-offline-status]");
    if (!el) {
      el = document.createElement("p"); el.setAttribute("role", "status"); el.setAttribute("data-offline-status", "");
      form.parentNode.insertBefore(el, form);
    }
    el.textContent = text;
  }

  function queue(form, item, onSent) {
    var outbox = window.cemOutbox;
    return photosOf(form).then(function (photos) {
      item.photos = photos;
      item.created_at = new Date().toISOString();
      return outbox.add(item);
    }).then(function () {
      if (!navigator.onLine) {
        say(form, window.cemText("saved_offline"));
        return null;
      }
      return outbox.flush().then(function (results) {
        var mine = results.filter(function (r) { return r.item.client_id === item.client_id; })[0];
        if (mine && mine.body) { onSent(mine.body); return mine; }
        if (mine && mine.error) { say(form, window.cemText("failed", { error: mine.error })); return mine; }
        say(form, window.cemText("saved_retry"));
        return mine;
      });
    });
  }

  function reportForm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.cemOutbox || !window.indexedDB) { return; }
      event.preventDefault();
      var fields = fieldsOf(form);
      var hazard = form.querySelector("#hazard");
      var item = { client_id: fields.client_id, kind: "report", url: document.currentScript ? "" : "",
                   fields: fields, label: window.cemText("report_label", { what: (hazard && hazard.selectedOptions[0] ? hazard.selectedOptions[0].text : "")
                   + " · " + (fields.place || "") }) };
      item.url = form.getAttribute("data-api");
      queue(form, item, function (body) {
        location.href = form.getAttribute("data-case-url").replace("__ID__", encodeURIComponent(body.case.id));
      }).then(function (result) {
        if (!result || !result.body) {
          form.reset();
          form.querySelector('input[name="client_id"]').value = window.cemOutbox.uuid();
        }
      });
    });
  }

  function transitionForm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.cemOutbox || !window.indexedDB) { return; }
      event.preventDefault();
      var fields = fieldsOf(form);
      fields.action = form.getAttribute("data-action");
      var legend = form.querySelector("legend");
      var item = { client_id: window.cemOutbox.uuid(), kind: "transition", url: form.getAttribute("data-api"),
                   fields: fields, label: (legend ? legend.textContent : fields.action) + " · " + document.title };
      queue(form, item, function () { location.reload(); });
    });
  }

  document.querySelectorAll("[data-report-form]").forEach(reportForm);
  document.querySelectorAll("[data-transition-form]").forEach(transitionForm);
}());
