/* The Kirov Edition: highlight the partner of an emendation mark, a callout or an apparatus
   entry while it is hovered or focused. An enhancement only: every link works without it. */
(function () {
  "use strict";
  var selector = "a.emendation-mark, a.em-ref, a.em-backref, a.footnote-reference, " +
                 "p.apparatus-entry, aside.footnote";
  function partners(el) {
    var ids = [];
    var link = el.matches("a") ? el : el.querySelector("a.em-backref, span.label a, a[role='doc-backlink']");
    if (link && link.hash) { ids.push(decodeURIComponent(link.hash.slice(1))); }
    if (el.id) {
      var back = document.querySelectorAll('a[href="#' + CSS.escape(el.id) + '"]');
      back.forEach(function (a) { if (!a.closest("table.emendations")) { ids.push(a.id); } });
    }
    return ids.map(function (id) { return id && document.getElementById(id); }).filter(Boolean);
  }
  function toggle(event, on) {
    var el = event.target.closest && event.target.closest(selector);
    if (!el) { return; }
    partners(el).concat([el]).forEach(function (p) { p.classList.toggle("paired", on); });
  }
  document.addEventListener("mouseover", function (e) { toggle(e, true); });
  document.addEventListener("mouseout", function (e) { toggle(e, false); });
  document.addEventListener("focusin", function (e) { toggle(e, true); });
  document.addEventListener("focusout", function (e) { toggle(e, false); });
})();
