/* The edition's search page: reads the chunked index that `edition build`
   writes into searchindex/ (format: edition/searchindex.py) and lists the
   paragraphs and notes that hold every word of the query, in edition order.
   The query lives in the URL (?q=…&doc=…&person=…&part=…), so a search can be
   bookmarked and cited. Text from the edition is only ever inserted as text
   (textContent), never as markup. Without JavaScript the form stays hidden and
   the page's <noscript> text points to the registers. */
"use strict";
(function () {
  const PAGE = 10;
  const FORMAT = 1;
  const WORD = /[\p{L}\p{N}\p{M}]+/gu;

  /* Index terms of a text: as edition/searchindex.py tokens() makes them. */
  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }
  function tokens(text) {
    return (fold(text).match(/[\p{L}\p{N}]+/gu) || []).filter((w) => w.length > 1 || /^\p{N}$/u.test(w));
  }
  function hex(key) {
    return Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function undelta(deltas) {
    let last = 0;
    return deltas.map((d) => (last += d));
  }

  function Index(base) {
    const cache = new Map();
    this.load = (name) => {
      if (!cache.has(name)) {
        cache.set(name, fetch(new URL(name, base)).then((r) => {
          if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
          return r.json();
        }));
      }
      return cache.get(name);
    };
  }

  /* The longest shard key that begins ``term``. */
  function shardKey(term, keys) {
    let best = null;
    for (const key of keys) if (term.startsWith(key) && (best === null || key.length > best.length)) best = key;
    return best;
  }

  async function termIds(index, manifest, term) {
    const key = shardKey(term, manifest.shards);
    if (key === null) return new Set();
    const shard = await index.load(`terms/${hex(key)}.json`);
    if (Object.prototype.hasOwnProperty.call(shard, term)) return new Set(undelta(shard[term]));
    const found = new Set();
    for (const [word, deltas] of Object.entries(shard)) if (word.startsWith(term)) undelta(deltas).forEach((i) => found.add(i));
    return found;
  }

  function inRanges(id, ranges) {
    return ranges.some(([a, b]) => a <= id && id < b);
  }

  /* An excerpt of ``text`` around its first matching word, matches marked. */
  function excerpt(text, terms) {
    const words = Array.from(text.matchAll(WORD));
    const hits = words.map((m) => { const w = fold(m[0]); return terms.some((t) => w.startsWith(t)); });
    const first = Math.max(0, hits.indexOf(true));
    const from = Math.max(0, first - 12), to = Math.min(words.length, first + 28);
    const out = document.createElement("p");
    out.className = "edition-search-excerpt";
    let pos = from === 0 ? 0 : words[from].index;
    if (from > 0) out.append("… ");
    for (let i = from; i < to; i++) {
      const m = words[i];
      out.append(text.slice(pos, m.index));
      if (hits[i]) {
        const mark = document.createElement("mark");
        mark.textContent = m[0];
        out.append(mark);
      } else {
        out.append(m[0]);
      }
      pos = m.index + m[0].length;
    }
    out.append(to === words.length ? text.slice(pos) : " …");
    return out;
  }

  async function run(form) {
    const status = document.getElementById("edition-search-status");
    const list = document.getElementById("edition-search-results");
    const more = document.getElementById("edition-search-more");
    const index = new Index(new URL(form.dataset.index, document.baseURI));
    const manifest = await index.load("manifest.json");
    if (manifest.version !== FORMAT) throw new Error(`index format ${manifest.version}, expected ${FORMAT}`);
    // Per document: the id ranges of its text and of its apparatus (manifest.bounds, as deltas).
    const edges = undelta(manifest.bounds).concat([manifest.entries]);
    const documents = [];
    for (let i = 0; i + 2 < edges.length; i += 2) documents.push({ text: [edges[i], edges[i + 1]], apparatus: [edges[i + 1], edges[i + 2]] });
    const params = new URLSearchParams(window.location.search);
    const docSelect = form.elements.doc, personSelect = form.elements.person, partSelect = form.elements.part;
    manifest.persons.forEach(([name, count], i) => personSelect.add(new Option(`${name} (${count})`, String(i))));
    // The document titles only fill the filter's list: loaded beside the query, not needed by it.
    const titles = index.load("documents.json").then((names) => {
      names.forEach((title, i) => docSelect.add(new Option(title, String(i))));
      docSelect.value = params.get("doc") || "";
      if (docSelect.selectedIndex < 0) docSelect.value = "";
    });
    form.elements.q.value = params.get("q") || "";
    for (const [select, name] of [[personSelect, "person"], [partSelect, "part"]]) {
      select.value = params.get(name) || "";
      if (select.selectedIndex < 0) select.value = "";
    }
    const docChoice = params.get("doc") || "";
    const terms = Array.from(new Set(tokens(form.elements.q.value)));
    if (!terms.length) {
      status.textContent = form.elements.q.value.trim() ? "Type a word of at least two letters." : "";
      return titles;
    }
    status.textContent = "Searching…";
    const sets = await Promise.all(terms.map((t) => termIds(index, manifest, t)));
    let ids = Array.from(sets.reduce((a, b) => new Set([...a].filter((i) => b.has(i)))));
    if (docChoice && documents[Number(docChoice)]) {
      const d = documents[Number(docChoice)];
      ids = ids.filter((i) => inRanges(i, [d.text, d.apparatus]));
    }
    if (partSelect.value) {
      const ranges = documents.map((d) => d[partSelect.value]);
      ids = ids.filter((i) => inRanges(i, ranges));
    }
    if (personSelect.value) {
      const mentioned = new Set(undelta(await index.load(`persons/${personSelect.value}.json`)));
      ids = ids.filter((i) => mentioned.has(i));
    }
    ids.sort((a, b) => a - b);
    const apparatus = ids.filter((i) => inRanges(i, documents.map((d) => d.apparatus))).length;
    status.textContent = ids.length
      ? `${ids.length} ${ids.length === 1 ? "passage" : "passages"} (${ids.length - apparatus} in the text, ${apparatus} in the apparatus).`
      : "No passage holds all of these words.";
    let shown = 0;
    async function showMore() {
      const page = ids.slice(shown, shown + PAGE);
      const rows = await Promise.all(page.map((i) => index.load(`entries/${Math.floor(i / manifest.chunk)}.json`)
        .then((chunk) => chunk[i % manifest.chunk])));
      for (const [url, title, text] of rows) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.className = "edition-search-result";
        link.href = new URL(url, document.baseURI).href;
        link.textContent = title;
        item.append(link, excerpt(text, terms));
        list.append(item);
      }
      shown += page.length;
      more.hidden = shown >= ids.length;
    }
    more.addEventListener("click", () => { showMore().catch(fail); });
    await showMore();
    return titles;
  }

  function fail(error) {
    const status = document.getElementById("edition-search-status");
    status.textContent = `The search index could not be read (${error.message}). Searching needs the site `
      + "to be served over HTTP; the registers and the contents link to every paragraph.";
  }

  window.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("edition-search");
    if (!form) return;
    form.hidden = false;
    run(form).catch(fail);
  });
})();
