// A searchable multi-select (no library): a <select multiple data-searchable> becomes a filter
// box over a list of checkboxes, with the chosen items named above the list.  The <select> stays
// in the form (hidden) and carries the choice, so the page works the same without this script.
// Messages come from the data-* attributes of this script's tag (written in the page's language).
(function () {
  "use strict";
  var script = document.currentScript;
  var text = function (name, values) {
    var template = (script && script.getAttribute("data-" + name)) || "";
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  };
  var made = 0;

  var enhance = function (select) {
    made += 1;
    var id = select.id || "multiselect-" + made;
    var label = document.querySelector('label[for="' + id + '"]');
    var name = label ? label.textContent.trim() : "";
    var box = document.createElement("div");
    box.className = "multiselect";
    var filter = document.createElement("input");
    filter.type = "search";
    filter.id = id + "-filter";
    filter.className = "multiselect-filter";
    filter.setAttribute("autocomplete", "off");
    filter.setAttribute("placeholder", text("placeholder", {}));
    filter.setAttribute("aria-controls", id + "-options");
    var chosen = document.createElement("p");
    chosen.className = "multiselect-chosen";
    chosen.setAttribute("role", "status");
    var group = document.createElement("div");
    group.className = "multiselect-options";
    group.id = id + "-options";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", name);
    var list = document.createElement("ul");
    group.appendChild(list);
    var empty = document.createElement("p");
    empty.className = "multiselect-empty";
    empty.hidden = true;
    empty.textContent = text("no-match", {});

    var update = function () {
      var names = Array.prototype.filter.call(select.options, function (o) { return o.selected; })
        .map(function (o) { return o.textContent.trim(); });
      chosen.textContent = names.length ? text("chosen", {n: names.length, names: names.join(text("separator", {}))})
        : text("none-chosen", {});
    };
    Array.prototype.forEach.call(select.options, function (option, i) {
      var item = document.createElement("li");
      var box_ = document.createElement("input");
      box_.type = "checkbox";
      box_.id = id + "-option-" + i;
      box_.checked = option.selected;
      var caption = document.createElement("label");
      caption.htmlFor = box_.id;
      caption.textContent = option.textContent;
      box_.addEventListener("change", function () {
        option.selected = box_.checked;
        update();
        select.dispatchEvent(new Event("change", {bubbles: true}));
      });
      item.appendChild(box_);
      item.appendChild(caption);
      list.appendChild(item);
    });
    filter.addEventListener("input", function () {
      var wanted = filter.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(list.children, function (item) {
        var match = !wanted || item.textContent.toLowerCase().indexOf(wanted) >= 0;
        item.hidden = !match;
        if (match) shown += 1;
      });
      empty.hidden = shown > 0;
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // Enter filters; it does not submit the form
    });
    box.appendChild(filter);
    box.appendChild(chosen);
    box.appendChild(group);
    box.appendChild(empty);
    select.hidden = true;
    select.setAttribute("tabindex", "-1");
    select.insertAdjacentElement("afterend", box);
    if (label) label.htmlFor = filter.id;  // the field's label now names the filter box
    update();
  };

  var start = function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[multiple][data-searchable]"), enhance);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
