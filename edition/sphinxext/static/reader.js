/* The Kirov Edition: the reading toolbar of a document page (an enhancement: without
   scripts the page keeps its calm default, every apparatus layer shown).

   Highlighting of persons, places, organisations and dates, each in its own colour and
   line (the toolbar's labels are the legend), and each apparatus layer shown or hidden.
   The controls are checkboxes in fieldsets: operable by keyboard, named for screen
   readers; a status line announces each change. The choice is kept in localStorage and
   applies to every document page. The state is a class on <html>: reader.css styles it. */
(function () {
  "use strict";
  var KEY = "kirov-edition:reading-options";
  var HIGHLIGHTS = [
    ["persons", "Persons"], ["places", "Places"], ["orgs", "Organisations"], ["dates", "Dates"]];
  var LAYERS = [
    ["footnotes", "Footnotes"], ["emendations", "Emendations"],
    ["ednotes", "Editorial notes"], ["names", "Names"]];

  var documentSection = document.querySelector("section.tei-document");
  if (!documentSection) { return; }

  function load() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return (stored && typeof stored === "object") ? stored : {};
    } catch (e) {
      return {};  // no storage (private mode, file://): the defaults
    }
  }
  function save(state) {
    try { window.localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* kept for this page only */ }
  }

  var state = load();
  state.highlight = state.highlight || {};
  state.hidden = state.hidden || {};

  /* An apparatus whose every entry is hidden takes no room (and shows no empty rule). */
  function markEmpty() {
    documentSection.querySelectorAll("div.apparatus").forEach(function (app) {
      app.classList.remove("apparatus-empty");
      var entries = app.querySelectorAll("p.apparatus-entry, aside.footnote");
      var shown = Array.prototype.some.call(entries, function (e) { return e.getClientRects().length > 0; });
      app.classList.toggle("apparatus-empty", entries.length > 0 && !shown);
    });
  }

  function apply() {
    var root = document.documentElement;
    HIGHLIGHTS.forEach(function (h) { root.classList.toggle("hl-" + h[0], !!state.highlight[h[0]]); });
    LAYERS.forEach(function (l) { root.classList.toggle("hide-" + l[0], !!state.hidden[l[0]]); });
    markEmpty();
  }

  function element(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text) { el.textContent = text; }
    return el;
  }

  var status = element("p", {"class": "reader-status", "role": "status"});

  function group(legend, items, kind) {
    var fieldset = element("fieldset", {"class": "reader-" + kind});
    fieldset.appendChild(element("legend", {}, legend));
    items.forEach(function (item) {
      var id = "reader-" + kind + "-" + item[0];
      var input = element("input", {"type": "checkbox", "id": id, "name": item[0]});
      input.checked = kind === "highlight" ? !!state.highlight[item[0]] : !state.hidden[item[0]];
      var label = element("label", {"for": id, "class": "reader-option " + kind + "-" + item[0]});
      label.appendChild(input);
      label.appendChild(element("span", {"class": "reader-swatch"}, item[1]));
      input.addEventListener("change", function () {
        if (kind === "highlight") {
          state.highlight[item[0]] = input.checked;
          status.textContent = item[1] + (input.checked ? " highlighted." : " not highlighted.");
        } else {
          state.hidden[item[0]] = !input.checked;
          status.textContent = item[1] + (input.checked ? " shown in the apparatus." : " hidden from the apparatus.");
        }
        save(state);
        apply();
      });
      fieldset.appendChild(label);
    });
    return fieldset;
  }

  var toolbar = element("div", {"class": "reader-toolbar", "role": "region", "aria-label": "Reading options"});
  toolbar.appendChild(group("Highlight", HIGHLIGHTS, "highlight"));
  toolbar.appendChild(group("Apparatus", LAYERS, "layer"));
  toolbar.appendChild(status);

  var title = documentSection.querySelector(":scope > h1");
  var after = title && title.nextElementSibling && title.nextElementSibling.matches("p.parallel-link")
    ? title.nextElementSibling : title;
  if (after) { after.insertAdjacentElement("afterend", toolbar); } else { documentSection.prepend(toolbar); }
  apply();

  /* Another tab (another page of the edition) changed the options: follow them. */
  window.addEventListener("storage", function (event) {
    if (event.key !== KEY) { return; }
    var next = load();
    state.highlight = next.highlight || {};
    state.hidden = next.hidden || {};
    toolbar.querySelectorAll("input").forEach(function (input) {
      var kind = input.id.split("-")[1], name = input.name;
      input.checked = kind === "highlight" ? !!state.highlight[name] : !state.hidden[name];
    });
    apply();
  });
})();
