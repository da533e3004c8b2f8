/* The Kirov Edition: enhancements for anchors and citations. The pages work without
   this script: the "cite" link goes to the citation page, a retired anchor has a
   target element on its page.

   1. A retired anchor that moved to another page: the page's JSON map
      (#edition-moved-anchors) names its new address; go there.
   2. The "cite" link after each ¶ opens a popover with the unit's citations and
      downloads, taken from the citation page (keyboard: Enter opens, Esc closes,
      focus returns to the link). If the page cannot be fetched (file://), the
      link is followed as usual. */
(function () {
  "use strict";

  function movedAnchors() {
    var data = document.getElementById("edition-moved-anchors");
    if (!data) return {};
    try { return JSON.parse(data.textContent); } catch (e) { return {}; }
  }

  function followMoved() {
    var map = movedAnchors();
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (id && Object.prototype.hasOwnProperty.call(map, id)) {
      window.location.replace(map[id]);
    }
  }

  var cache = {};
  var open = null;

  function fetchPage(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.text();
      }).then(function (text) {
        return new DOMParser().parseFromString(text, "text/html");
      });
    }
    return cache[url];
  }

  /* Copy only the citation's own parts, as inert nodes with absolute links. */
  function citationParts(doc, id, base) {
    var section = doc.getElementById(id);
    if (!section) return null;
    var parts = [];
    ["h1", "h2", "h3", "h4", "h5", "h6"].forEach(function (tag) {
      var h = section.querySelector(tag);
      if (h && !parts.length) {
        var title = document.createElement("h2");
        title.textContent = "Cite " + h.textContent.replace(/\s+/g, " ").trim();
        parts.push(title);
      }
    });
    section.querySelectorAll("dl.citation-forms, p.citation-downloads").forEach(function (el) {
      var copy = document.importNode(el, true);
      copy.querySelectorAll("script, style, iframe, object, embed").forEach(function (bad) { bad.remove(); });
      copy.querySelectorAll("*").forEach(function (node) {
        Array.prototype.slice.call(node.attributes).forEach(function (a) {
          if (/^on/i.test(a.name)) node.removeAttribute(a.name);
        });
        if (node.hasAttribute("href")) {
          var href = new URL(node.getAttribute("href"), base);
          if (href.protocol !== "http:" && href.protocol !== "https:" && href.protocol !== "file:") node.removeAttribute("href");
          else node.setAttribute("href", href.href);
        }
      });
      parts.push(copy);
    });
    return parts;
  }

  function close() {
    if (!open) return;
    var link = open.link;
    open.box.remove();
    link.setAttribute("aria-expanded", "false");
    open = null;
    link.focus();
  }

  function show(link, parts, url) {
    close();
    var box = document.createElement("div");
    box.className = "cite-popover";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "How to cite this passage");
    box.tabIndex = -1;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "cite-close";
    button.setAttribute("aria-label", "Close");
    button.textContent = "×";
    button.addEventListener("click", close);
    box.appendChild(button);
    parts.forEach(function (p) { box.appendChild(p); });
    var more = document.createElement("p");
    var full = document.createElement("a");
    full.href = url;
    full.textContent = "All citation forms of this document";
    more.appendChild(full);
    box.appendChild(more);
    var rect = link.getBoundingClientRect();
    box.style.top = (window.scrollY + rect.bottom + 4) + "px";
    box.style.left = Math.max(8, Math.min(window.scrollX + rect.left - 200, document.documentElement.clientWidth - 560)) + "px";
    document.body.appendChild(box);
    link.setAttribute("aria-expanded", "true");
    open = { box: box, link: link };
    box.focus();
  }

  function onCite(event) {
    var link = event.target.closest("a.cite-link");
    if (!link || event.button > 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var url = new URL(link.getAttribute("href"), window.location.href);
    if (url.protocol === "file:") return; /* fetch is not allowed there: follow the link */
    event.preventDefault();
    var id = decodeURIComponent(url.hash.slice(1));
    var page = url.href.split("#")[0];
    fetchPage(page).then(function (doc) {
      var parts = citationParts(doc, id, page);
      if (!parts) throw new Error("no citation " + id);
      show(link, parts, url.href);
    }).catch(function () { window.location.href = url.href; });
  }

  document.addEventListener("click", function (event) {
    if (open && !open.box.contains(event.target) && !event.target.closest("a.cite-link")) close();
    onCite(event);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open) { event.preventDefault(); close(); }
  });
  document.querySelectorAll("a.cite-link").forEach(function (link) {
    link.setAttribute("aria-haspopup", "dialog");
    link.setAttribute("aria-expanded", "false");
  });
  window.addEventListener("hashchange", followMoved);
  followMoved();
})();
