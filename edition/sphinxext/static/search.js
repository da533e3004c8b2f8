/* The edition's search page: reads the chunked index that `edition build`
   writes into searchindex/ (format: edition/searchindex.py, whose IndexReader
   follows the same algorithm) and lists the paragraphs and notes that match
   every part of the query, by relevance or in the order of the edition.

   A query is made of words, "phrases" and prefixes* . A word also finds its
   other forms (the Snowball English stem, -ise/-ize), and a word or words that
   are a name in the registers (display name or variant of a person, place or
   organisation) also find every spelling of that name and every passage that
   tags it. The query lives in the URL (?q=…&doc=…&person=…&part=…&order=…), so a
   search can be bookmarked and cited. Text from the edition is only ever
   inserted as text (textContent), never as markup. Without JavaScript the form
   stays hidden and the page's <noscript> text points to the registers. */
"use strict";
(function () {
  const PAGE = 10;
  const FORMAT = 2;
  const WORD = /[\p{L}\p{N}\p{M}]+/gu;
  // As edition/searchindex.py: scores by how a passage matched, and the weight of a note.
  const EXACT = 10, FORM = 2, NAME = 2, PREFIX = 1, MANY = 5, APPARATUS_WEIGHT = 0.6;
  const FOLD = {
    "\u2019": "'", "\u201f": "'", "\u02bc": "'", "\u2018": "'", "\u201b": "'", "\uff07": "'",
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i",
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH",
  };
  const FOLDED = new RegExp(`[${Object.keys(FOLD).join("")}]`, "gu");
  const ISE = /(?<=[a-z]{3})is(e|es|ed|ing|er|ers|ation|ations|ational)$/;
  // Sphinx's Snowball English stemmer (copied from the Sphinx package by the build), for words the edition lacks.
  const stemmer = typeof EnglishStemmer === "function" ? new EnglishStemmer() : null; // eslint-disable-line no-undef

  /* Words and index terms of a text: as edition/searchindex.py fold(), words(), tokens(), form_key(). */
  function fold(text) {
    return text.replace(FOLDED, (c) => FOLD[c]).normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }
  function words(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }
  function isTerm(word) {
    return word.length > 1 || /^\p{N}$/u.test(word);
  }
  function tokens(text) {
    return words(text).filter(isTerm);
  }
  function formKey(term) {
    if (!/^[a-z]+$/.test(term) || stemmer === null) return term;
    return stemmer.stemWord(term.replace(ISE, "iz$1"));
  }
  function hex(key) {
    return Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function bucket(pair, buckets) {
    let h = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(pair)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    return h % buckets;
  }
  function undelta(deltas) {
    let last = 0;
    return deltas.map((d) => (last += d));
  }
  /* Entry id → occurrences, from a term's postings (deltas; a negative one is followed by the count). */
  function decode(codes) {
    const out = new Map();
    let last = -1;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] < 0) { last -= codes[i]; out.set(last, codes[++i]); } else { last += codes[i]; out.set(last, 1); }
    }
    return out;
  }
  function own(object, key) {
    return object && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
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

  function Part(kind, text) {
    this.kind = kind;
    this.text = text;
    this.scores = new Map();
    this.terms = new Set();
    this.prefix = null; // for a prefix: the words it begins are marked
    this.searched = [];
    this.names = [];
    this.forms = [];
  }
  /* found: entry id → occurrences; each entry scores ``score`` plus its occurrences, up to MANY. */
  Part.prototype.add = function (found, score, raw = false) {
    for (const [id, n] of found) this.scores.set(id, Math.max(this.scores.get(id) || 0, raw ? n : score + Math.min(n, MANY)));
  };

  /* The reader of one index: the query's parts, each with the entries it matches (as IndexReader.parse). */
  function Searcher(index, manifest) {
    const shard = async (term) => {
      const key = shardKey(term, manifest.shards);
      return key === null ? {} : index.load(`terms/${hex(key)}.json`);
    };
    const postings = async (term) => decode(own((await shard(term)).w, term) || []);
    const prefix = async (start) => {
      const home = shardKey(start, manifest.shards);
      const keys = manifest.shards.filter((k) => k.startsWith(start) && k !== home).concat(home === null ? [] : [home]);
      const found = new Map();
      for (const data of await Promise.all(keys.map((k) => index.load(`terms/${hex(k)}.json`)))) {
        for (const [word, codes] of Object.entries(data.w)) if (word.startsWith(start)) found.set(word, decode(codes));
      }
      return found;
    };
    const entry = async (id) => (await index.load(`entries/${Math.floor(id / manifest.chunk)}.json`))[id % manifest.chunk];
    this.entry = entry;
    /* Entries holding ``sequence`` word after word: adjacent pairs; a longer phrase is checked on the text. */
    const phrase = async (sequence) => {
      if (sequence.length === 1) return new Map(isTerm(sequence[0]) ? [...(await postings(sequence[0])).keys()].map((i) => [i, 1]) : []);
      let found = null;
      for (let i = 0; i + 1 < sequence.length; i++) {
        const pair = `${sequence[i]} ${sequence[i + 1]}`;
        const ids = new Set(undelta(own(await index.load(`pairs/${bucket(pair, manifest.pairs)}.json`), pair) || []));
        found = found === null ? ids : new Set([...found].filter((id) => ids.has(id)));
      }
      let ids = [...found];
      if (sequence.length > 2) {
        const wanted = ` ${sequence.join(" ")} `;
        const texts = await Promise.all(ids.map(entry));
        ids = ids.filter((id, n) => ` ${words(texts[n][2]).join(" ")} `.includes(wanted));
      }
      return new Map(ids.map((i) => [i, 1]));
    };
    const word = async (part, w) => {
      const exact = decode(own((await shard(w)).w, w) || []);
      part.add(exact, EXACT);
      if (exact.size) part.terms.add(w);
      // A word of the edition finds its forms in its own shard; only another word needs the stemmer.
      let members = own((await shard(w)).s, w) || [];
      if (!members.length && !exact.size) {
        const stem = formKey(w);
        members = own((await shard(stem)).s, stem) || [stem];
      }
      const others = members.filter((m) => m !== w);
      const found = await Promise.all(others.map(postings));
      others.forEach((other, n) => {
        if (!found[n].size) return;
        part.terms.add(other);
        part.forms.push(other);
        part.add(found[n], FORM);
      });
      if (!part.scores.size) { // no whole word: the words it begins
        for (const [other, ids] of await prefix(w)) { part.terms.add(other); part.add(ids, PREFIX); }
        part.prefix = w;
      }
    };
    /* The register names beginning at run[start]: [length in words, [name number…]]. */
    const namesAt = async (run, start) => {
      const candidates = own((await shard(run[start])).n, run[start]) || [];
      let best = 0, found = [];
      for (const [number, rest] of candidates) {
        const length = 1 + rest.length;
        if (rest.every((w, i) => run[start + 1 + i] === w) && start + length <= run.length) {
          if (length > best) { best = length; found = []; }
          if (length === best) found.push(number);
        }
      }
      return [best, found];
    };
    const name = async (run, j, length, numbers) => {
      const part = new Part("name", run.slice(j, j + length).join(" "));
      if (length === 1) {
        await word(part, run[j]);
      } else { // the words of a name anywhere in a passage still count, as for any words
        const each = run.slice(j, j + length).map((w) => new Part("word", w));
        await Promise.all(each.map((p) => word(p, p.text)));
        each.forEach((p) => p.terms.forEach((t) => part.terms.add(t)));
        const common = [...each[0].scores.keys()].filter((id) => each.every((p) => p.scores.has(id)));
        part.add(new Map(common.map((id) => [id, each.reduce((s, p) => s + p.scores.get(id), 0) / length])), 0, true);
      }
      for (const number of numbers) {
        const entryOf = await index.load(`names/${number}.json`);
        part.names.push(entryOf.name);
        part.add(new Map(undelta(entryOf.ids).map((i) => [i, 0])), NAME);
        for (const form of entryOf.forms) {
          const sequence = tokens(form);
          part.searched.push(form);
          if (sequence.length === 1) {
            const found = await postings(sequence[0]);
            if (found.size) part.terms.add(sequence[0]);
            part.add(found, sequence[0] === run[j] ? EXACT : NAME);
          } else {
            sequence.forEach((t) => part.terms.add(t));
            part.add(await phrase(words(form)), NAME - 1);
          }
        }
      }
      return part;
    };
    this.parse = async (query) => {
      const parts = [];
      for (const match of query.replace(FOLDED, (c) => FOLD[c]).matchAll(/"([^"]*)"?|(\S+)/g)) {
        if (match[1] !== undefined) {
          const sequence = words(match[1]);
          if (!sequence.some(isTerm)) continue;
          const part = new Part("phrase", match[1]);
          sequence.filter(isTerm).forEach((t) => part.terms.add(t));
          part.add(await phrase(sequence), EXACT);
          parts.push(part);
          continue;
        }
        const raw = match[2];
        const found = tokens(raw);
        if (raw.endsWith("*") && found.length === 1) {
          const part = new Part("prefix", raw);
          part.prefix = found[0];
          for (const [other, ids] of await prefix(found[0])) { part.terms.add(other); part.add(ids, other === found[0] ? EXACT : PREFIX); }
          parts.push(part);
          continue;
        }
        found.forEach((w) => parts.push(new Part("word", w)));
      }
      // Runs of words that are a register name become one part.
      const merged = [];
      for (let i = 0; i < parts.length;) {
        if (parts[i].kind !== "word") { merged.push(parts[i++]); continue; }
        const run = [];
        while (i + run.length < parts.length && parts[i + run.length].kind === "word") run.push(parts[i + run.length].text);
        for (let j = 0; j < run.length;) {
          const [length, numbers] = await namesAt(run, j);
          if (!numbers.length) {
            const part = new Part("word", run[j]);
            await word(part, run[j]);
            merged.push(part);
            j += 1;
          } else {
            merged.push(await name(run, j, length, numbers));
            j += length;
          }
        }
        i += run.length;
      }
      return merged;
    };
  }

  function inRanges(id, ranges) {
    return ranges.some(([a, b]) => a <= id && id < b);
  }

  /* The words of ``text`` that the query's parts matched: each word ({match, hit}), and what the
     target page is to mark (words, and phrases in quotation marks, as the passage spells them). */
  function matches(text, parts) {
    const terms = new Set(), prefixes = [], phrases = [];
    for (const part of parts) {
      if (part.kind === "phrase") phrases.push(words(part.text));
      else part.terms.forEach((t) => terms.add(t));
      if (part.prefix) prefixes.push(part.prefix);
    }
    const found = Array.from(text.matchAll(WORD), (m) => {
      const w = fold(m[0]);
      return { match: m, hit: terms.has(w) || prefixes.some((p) => w.startsWith(p)) };
    });
    const marks = new Set(found.filter((f) => f.hit).map((f) => f.match[0]));
    const folded = found.map((f) => fold(f.match[0]));
    for (const phrase of phrases) {
      for (let i = 0; i + phrase.length <= found.length; i++) {
        if (!phrase.every((w, k) => folded[i + k] === w)) continue;
        const spelled = found.slice(i, i + phrase.length).map((f) => { f.hit = true; return f.match[0]; });
        marks.add(phrase.length > 1 ? `"${spelled.join(" ")}"` : spelled[0]);
      }
    }
    return { found, marks: Array.from(marks) };
  }

  /* An excerpt of ``text`` around its first matching word, matches marked. */
  function excerpt(text, found) {
    const first = Math.max(0, found.findIndex((f) => f.hit));
    const from = Math.max(0, first - 12), to = Math.min(found.length, first + 28);
    const out = document.createElement("p");
    out.className = "edition-search-excerpt";
    let pos = from === 0 ? 0 : found[from].match.index;
    if (from > 0) out.append("… ");
    for (let i = from; i < to; i++) {
      const m = found[i].match;
      out.append(text.slice(pos, m.index));
      if (found[i].hit) {
        const mark = document.createElement("mark");
        mark.textContent = m[0];
        out.append(mark);
      } else {
        out.append(m[0]);
      }
      pos = m.index + m[0].length;
    }
    out.append(to === found.length ? text.slice(pos) : " …");
    return out;
  }

  /* What the search looked for beyond the words typed: a name's spellings, a word's other forms. */
  function explain(parts) {
    const lines = [];
    for (const part of parts) {
      if (part.kind === "name") {
        lines.push(`also searched: ${part.searched.join(", ")} (${part.names.join("; ")}), `
          + "and every passage the edition tags with that name in its registers.");
      } else if (part.kind === "word" && part.forms.length) {
        lines.push(`also searched: ${part.forms.join(", ")} (other forms of “${part.text}”).`);
      }
    }
    return lines;
  }

  async function run(form) {
    const status = document.getElementById("edition-search-status");
    const expanded = document.getElementById("edition-search-expanded");
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
    const orderSelect = form.elements.order;
    manifest.persons.forEach(([person, count], i) => personSelect.add(new Option(`${person} (${count})`, String(i))));
    // The document titles only fill the filter's list: loaded beside the query, not needed by it.
    const titles = index.load("documents.json").then((names) => {
      names.forEach((title, i) => docSelect.add(new Option(title, String(i))));
      docSelect.value = params.get("doc") || "";
      if (docSelect.selectedIndex < 0) docSelect.value = "";
    });
    form.elements.q.value = params.get("q") || "";
    for (const [select, key] of [[personSelect, "person"], [partSelect, "part"], [orderSelect, "order"]]) {
      select.value = params.get(key) || "";
      if (select.selectedIndex < 0) select.value = "";
    }
    const docChoice = params.get("doc") || "";
    const searcher = new Searcher(index, manifest);
    status.textContent = form.elements.q.value.trim() ? "Searching…" : "";
    const parts = await searcher.parse(form.elements.q.value);
    if (!parts.length) {
      status.textContent = form.elements.q.value.trim() ? "Type a word of at least two letters." : "";
      return titles;
    }
    let ids = [...parts[0].scores.keys()].filter((id) => parts.every((p) => p.scores.has(id)));
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
    const apparatusRanges = documents.map((d) => d.apparatus);
    const score = new Map(ids.map((i) => {
      const total = parts.reduce((s, p) => s + p.scores.get(i), 0);
      return [i, inRanges(i, apparatusRanges) ? total * APPARATUS_WEIGHT : total];
    }));
    ids.sort(orderSelect.value === "edition" ? (a, b) => a - b : (a, b) => score.get(b) - score.get(a) || a - b);
    const apparatus = ids.filter((i) => inRanges(i, apparatusRanges)).length;
    status.textContent = ids.length
      ? `${ids.length} ${ids.length === 1 ? "passage" : "passages"} (${ids.length - apparatus} in the text, ${apparatus} in the apparatus), `
        + (orderSelect.value === "edition" ? "in the order of the edition." : "the best matches first.")
      : "No passage matches all of these words.";
    for (const line of explain(parts)) {
      const p = document.createElement("p");
      p.textContent = line;
      expanded.append(p);
    }
    let shown = 0;
    async function showMore() {
      const page = ids.slice(shown, shown + PAGE);
      const rows = await Promise.all(page.map(searcher.entry));
      for (const [url, title, text] of rows) {
        const { found, marks } = matches(text, parts);
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.className = "edition-search-result";
        const target = new URL(url, document.baseURI);
        // What the passage matched, as it spells it, for the target page to mark (search-found.js).
        if (marks.length) target.searchParams.set("highlight", marks.join(" "));
        link.href = target.href;
        link.textContent = title;
        item.append(link, excerpt(text, found));
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
