/* The Kirov Edition: following a search result. The search page's links carry the
   words found, as the passage spells them, a phrase in quotation marks
   (tei/dikova.html?highlight=Nikolayev+%22Leningrad+Opposition%22#dikova-p0063);
   this script marks them (<mark class="edition-found">) in the paragraph or note the
   link leads to, and nowhere else, then takes ?highlight= out of the address so that
   a bookmark or a citation stays the plain one (and Sphinx's page-wide highlighter,
   which reads the same parameter, has nothing to do). Without JavaScript the link
   still lands on the paragraph. */
"use strict";
(function () {
  const params = new URLSearchParams(window.location.search);
  const found = params.get("highlight");
  if (!found) return;
  params.delete("highlight");
  const address = new URL(window.location.href);
  address.search = params.toString();
  window.history.replaceState(window.history.state, "", address.href);
  const unit = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  if (!unit) return;
  // Words and "phrases", as the passage spells them; a phrase is marked only where its words follow each other.
  const wanted = Array.from(found.matchAll(/"([^"]*)"|(\S+)/g), (m) => (m[1] === undefined ? [m[2]] : m[1].split(/\s+/))
    .map((w) => w.toLowerCase()).filter(Boolean)).filter((sequence) => sequence.length);
  // Not the furniture around the words: note callouts, ¶ and cite links, page numbers, register cards.
  const skip = ".footnote-reference, .fn-ref, .ednote-ref, .permalink, .headerlink, .pb, .register-info, mark";
  const walker = document.createTreeWalker(unit, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  // Every word of the unit, in order, across the elements (a phrase may run through a name's link).
  const items = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (const m of node.nodeValue.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) items.push({ node, m, word: m[0].toLowerCase(), hit: false });
  }
  for (const sequence of wanted) {
    for (let i = 0; i + sequence.length <= items.length; i++) {
      if (sequence.every((w, k) => items[i + k].word === w)) for (let k = 0; k < sequence.length; k++) items[i + k].hit = true;
    }
  }
  const byNode = new Map();
  for (const item of items) if (item.hit) byNode.set(item.node, (byNode.get(item.node) || []).concat([item.m]));
  for (const [node, hits] of byNode) {
    const text = node.nodeValue;
    const out = document.createDocumentFragment();
    let pos = 0;
    for (const m of hits) {
      out.append(text.slice(pos, m.index));
      const mark = document.createElement("mark");
      mark.className = "edition-found";
      mark.textContent = m[0];
      out.append(mark);
      pos = m.index + m[0].length;
    }
    out.append(text.slice(pos));
    node.replaceWith(out);
  }
})();
