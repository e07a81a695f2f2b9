// Forms, enhanced (the pages work without this script; it only adds warnings):
//  * a form marked data-warn-unsaved asks before the page is left with changes not yet saved;
//  * a text area with a maxlength shows how many characters it holds, and says so when a paste
//    is longer than the room left (the browser would cut it without a word);
//  * a file input with data-max-bytes refuses a file over the limit before it is uploaded.
// Messages come from the data-* attributes of this script's tag (written in the page's language).
(function () {
  "use strict";
  var script = document.currentScript;
  var text = function (name, values) {
    var template = (script && script.getAttribute("data-" + name)) || "";
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  };

  // --- unsaved changes ---------------------------------------------------------------------------
  var changed = [];
  var track = function (event) {
    var form = event.target && event.target.form;
    if (form && form.hasAttribute("data-warn-unsaved") && changed.indexOf(form) < 0) changed.push(form);
  };
  document.addEventListener("input", track, true);
  document.addEventListener("change", track, true);
  document.addEventListener("submit", function (event) {
    changed = changed.filter(function (form) { return form !== event.target; });
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (changed.length) {
      event.preventDefault();
      event.returnValue = "";  // browsers show their own text
    }
  });

  // --- text areas with a limit -------------------------------------------------------------------
  var counters = 0;
  var setUp = function (area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    if (!(max > 0) || area.hasAttribute("data-counted")) return;
    area.setAttribute("data-counted", "");
    var id = "char-count-" + (++counters);
    var count = document.createElement("p");
    count.className = "char-count";
    count.id = id;
    var warning = document.createElement("p");
    warning.className = "char-warning";
    warning.setAttribute("role", "status");
    area.insertAdjacentElement("afterend", warning);
    area.insertAdjacentElement("afterend", count);
    area.setAttribute("aria-describedby", ((area.getAttribute("aria-describedby") || "") + " " + id).trim());
    var show = function () {
      count.textContent = text("count", {n: area.value.length, max: max});
      if (area.value.length >= max && !warning.textContent) warning.textContent = text("at-limit", {max: max});
      if (area.value.length < max) warning.textContent = "";
    };
    area.addEventListener("input", show);
    area.addEventListener("paste", function (event) {
      var pasted = event.clipboardData ? event.clipboardData.getData("text") : "";
      var start = area.selectionStart, end = area.selectionEnd;
      var room = max - (area.value.length - (end - start));
      if (!pasted || pasted.length <= room) return;
      event.preventDefault();  // paste what fits ourselves, and say what was left out
      area.setRangeText(pasted.slice(0, Math.max(room, 0)), start, end, "end");
      area.dispatchEvent(new Event("input", {bubbles: true}));
      warning.textContent = text("pasted-too-long", {n: pasted.length, max: max, cut: pasted.length - Math.max(room, 0)});
    });
    show();
  };

  // --- files over the limit ----------------------------------------------------------------------
  var megabytes = function (bytes) { return (bytes / 1048576).toFixed(1) + " MB"; };
  var checkFile = function (input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var message = input.parentNode.querySelector(".file-error");
    if (message) message.remove();
    var big = Array.prototype.filter.call(input.files || [], function (f) { return f.size > max; })[0];
    if (!big) return true;
    input.value = "";  // never sent: the server would refuse it after the whole upload
    message = document.createElement("p");
    message.className = "field-error file-error";
    message.setAttribute("role", "alert");
    message.textContent = (input.getAttribute("data-too-large") || "").replace("{size}", megabytes(big.size));
    input.insertAdjacentElement("afterend", message);
    return false;
  };
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file][data-max-bytes]")) checkFile(event.target);
  });

  var start = function () {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[maxlength]"), setUp);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
