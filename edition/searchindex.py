"""A static, chunked, deterministic full-text index for the edition's search page.

Sphinx's ``searchindex.js`` is one file that every query downloads whole; it
grows with the edition. Pagefind chunks its index but writes it in hash-map
order (two builds of the same site differ, which breaks byte-identical
rebuilds) and needed 4 GB to index the 100× corpus. This module writes a small
index of plain JSON files instead, in an order fixed by the input alone:

``manifest.json``
    the format version, the number of entries, the entries per chunk, the term
    shards (their keys), the number of pair buckets, the person filter files and
    ``bounds``: for each document the first id of its text and the first id of
    its apparatus, as deltas. Entries are numbered document by document, text
    before apparatus, so the document and the text/apparatus filters are ranges;
``documents.json``
    the documents' titles, for the document filter's list (the search page
    loads it after the results);
``terms/<hex>.json``
    a shard of the term dictionary, ``{"w": {term: postings}, "s": {word: [terms]},
    "n": {word: [[name, [words]]]}}``, for every term whose shard key (the longest key
    that is a prefix of the term) is ``<hex>``, the UTF-8 hex of the key. Keys start as
    the first two characters of a term and are lengthened where a shard would exceed
    :data:`SHARD_BYTES`. ``postings`` are id deltas; a delta written negative is
    followed by the number of times the term occurs in that entry (when more than
    once). ``s`` lists the terms that share a word-form key (:func:`form_key`: the
    Snowball English stem of the term with *-ise* folded to *-ize*), under each of
    them when there are several and under the key; ``n`` the register names (display names and variants
    of persons, places, organisations) beginning with the word, each with the rest
    of its words;
``pairs/<n>.json``
    adjacent words (``"leningrad opposition"``: the phrase index), ``{pair: [id
    deltas]}``, in bucket ``n`` = FNV-1a of the pair's UTF-8 modulo the number of
    buckets;
``names/<n>.json``
    register entry ``n``: its display name, the forms to search for it (display
    name and variants, without the longer ones that hold a one-word form) and the
    id deltas of the entries with a tagged mention of it that hold none of its
    one-word forms (*the assassin* tagged as Nikolaev: what the register adds);
``entries/<n>.json``
    entries ``n*CHUNK … n*CHUNK+CHUNK-1``: ``[url, title, text]`` each;
``persons/<n>.json``
    the id deltas of the entries that mention the person ``n`` of the manifest.

A query downloads the manifest, one shard per word (and per word form), the pair
buckets of a phrase, the register entry of a name, the chunks of the results it
shows and, if a person is chosen, that person's list: never the whole index.
``edition/sphinxext/static/search.js`` is the reader of this format;
:func:`fold`, :func:`words`, :func:`tokens` and :func:`form_key` and the reader's
must stay the same (the reader stems with the Snowball English stemmer that
Sphinx ships as JavaScript; the word forms of the edition's own words come from
this index, so that only a word the edition does not hold needs the reader's
stemmer).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import snowballstemmer

from edition.products import update_file

#: Bumped when the files change shape; the reader refuses another version.
FORMAT_VERSION = 2
#: Entries per ``entries/<n>.json`` file.
CHUNK = 4
#: A shard larger than this (in bytes of JSON) is split by a longer key.
SHARD_BYTES = 16_000
#: The shortest shard key.
KEY_LENGTH = 2
#: A term in more than one entry of this many (half) is written without its counts per entry.
COMMON = 2
_WORD = re.compile(r"[^\W_]+")
#: Apostrophes and letters that Unicode decomposition does not reduce to a base letter.
_FOLD = str.maketrans({
    "\u2019": "'", "\u201f": "'", "\u02bc": "'", "\u2018": "'", "\u201b": "'", "\uff07": "'",
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i",
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH",
})
#: British -ise, -isation … folded to -ize, -ization before stemming.
_ISE = re.compile(r"(?<=[a-z]{3})is(e|es|ed|ing|er|ers|ation|ations|ational)$")
_STEMMER = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """``text`` in lower case without diacritics (ł → l, ё → е, é → e), every apostrophe as ``'``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).lower()


def words(text: str) -> list[str]:
    """Every word of ``text``, folded, in order (the phrase index counts one-letter words too)."""
    return _WORD.findall(fold(text))


def is_term(word: str) -> bool:
    return len(word) > 1 or word.isdigit()


def tokens(text: str) -> list[str]:
    """The index terms of ``text``: words folded to lower case without diacritics.

    Letters and digits in any script; one-letter words (the *s* of *Kirov's*)
    are dropped, one-digit numbers kept. The search page folds queries the same
    way (the same letters, NFKD, marks removed, ``toLowerCase``, ``[\\p{L}\\p{N}]+``).
    """
    return [w for w in words(text) if is_term(w)]


@functools.lru_cache(maxsize=65_536)
def form_key(term: str) -> str:
    """The key shared by the forms of a word: Snowball English stem after folding -ise to -ize.

    *collectivisation* and *collectivization* → ``collectiv``; *Kirovs* → ``kirov``. Words
    with digits or outside the Latin alphabet are their own key.
    """
    if not term.isascii() or not term.isalpha():
        return term
    return _STEMMER.stemWord(_ISE.sub(r"iz\1", term))


def bucket(pair: str, buckets: int) -> int:
    """The pair bucket of ``pair``: 32-bit FNV-1a of its UTF-8, modulo ``buckets`` (as the reader computes it)."""
    h = 0x811C9DC5
    for byte in pair.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % buckets


@dataclass(frozen=True)
class Entry:
    """One searchable unit as the index stores it."""

    url: str  #: site-relative, with the anchor
    title: str
    text: str
    document: str  #: the document's title
    apparatus: bool  #: a footnote or editorial note rather than running text
    persons: tuple[str, ...] = ()
    #: the words of ``text`` (:func:`words`), when the caller kept them from an earlier run
    words: tuple[str, ...] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Name:
    """A register entry (person, place, organisation) as the index stores it."""

    key: str  #: register id
    display: str
    forms: tuple[str, ...]  #: display name and variants
    urls: tuple[str, ...]  #: the entries (url with anchor) with a tagged mention


@dataclass(frozen=True)
class IndexStats:
    """The shape of a written index."""

    entries: int
    terms: int
    shards: int
    files: int
    bytes: int


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _deltas(ids: Sequence[int]) -> list[int]:
    out, last = [], 0
    for i in ids:
        out.append(i - last)
        last = i
    return out


def shard_name(key: str) -> str:
    """The file name of the shard with ``key``: its UTF-8 bytes in hex (safe in any URL and file system)."""
    return key.encode("utf-8").hex()


def _shards(postings: dict[str, array], terms: list[str], length: int) -> Iterable[tuple[str, list[str]]]:
    """Group sorted ``terms`` into shards of at most :data:`SHARD_BYTES`, lengthening keys where needed."""
    groups: dict[str, list[str]] = {}
    for term in terms:
        groups.setdefault(term[:length], []).append(term)
    for key in sorted(groups):
        group = groups[key]
        size = sum(len(t) * 2 + 6 + 4 * len(postings[t]) for t in group)
        longer = [t for t in group if len(t) > length]
        if size <= SHARD_BYTES or not longer:
            yield key, group
            continue
        # Too big: the term equal to the key stays under it, the longer ones get longer keys.
        if len(longer) < len(group):
            yield key, [t for t in group if len(t) == length]
        yield from _shards(postings, longer, length + 1)


def _key_in(word: str, keys: set[str]) -> str | None:
    """The longest of ``keys`` that begins ``word``."""
    for length in range(len(word), 0, -1):
        if word[:length] in keys:
            return word[:length]
    return None


def search_forms(forms: Iterable[str]) -> list[str]:
    """The forms of a name worth searching: a form holding a one-word form (*Leonid Nikolaev*, *Nikolaev*) is found through it."""
    by_words: dict[tuple[str, ...], str] = {}
    for form in forms:
        by_words.setdefault(tuple(tokens(form)), form)  # S.M. Kirov is searched as Kirov
    unique = [form for found, form in by_words.items() if found]
    single = {tokens(f)[0] for f in unique if len(tokens(f)) == 1}
    return [f for f in unique if len(tokens(f)) == 1 or not single & set(tokens(f))]


def write_index(entries: Sequence[Entry], out: Path, names: Sequence[Name] = ()) -> IndexStats:
    """Write the index of ``entries`` (numbered in the order given) into the directory ``out``.

    ``entries`` must come document by document, each document's text entries
    before its apparatus entries; the output depends on nothing else. A file of
    ``out`` that already holds the right bytes is left as it is (after a small edit
    most of the index is), and a file the index no longer has is removed.
    """
    for sub in ("terms", "pairs", "names", "entries", "persons"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    sizes = 0

    def put(path: Path, data: object) -> None:
        nonlocal sizes
        payload = _dump(data)
        update_file(path, payload)
        written.append(path)
        sizes += len(payload)

    postings: dict[str, array] = {}  # term -> encoded postings (deltas, negative when a count follows)
    last: dict[str, int] = {}
    pairs: dict[str, array] = {}
    documents: list[dict[str, object]] = []
    persons: dict[str, array] = {}
    for number, entry in enumerate(entries):
        page = entry.url.split("#", 1)[0]
        if not documents or documents[-1]["page"] != page:
            documents.append({"page": page, "title": entry.document, "text": [number, number], "apparatus": [number, number]})
        doc = documents[-1]
        part = "apparatus" if entry.apparatus else "text"
        if part == "text" and doc["apparatus"][0] != doc["apparatus"][1]:  # type: ignore[index]
            raise ValueError(f"{entry.url}: text entry after the apparatus of {entry.document!r}")
        if part == "text":
            doc["text"][1] = number + 1  # type: ignore[index]
            doc["apparatus"] = [number + 1, number + 1]
        else:
            doc["apparatus"][1] = number + 1  # type: ignore[index]
        sequence = entry.words if entry.words is not None else tuple(words(entry.text))
        for term, count in Counter(w for w in sequence if is_term(w)).items():
            codes = postings.get(term)
            if codes is None:
                codes = postings[term] = array("i")
            delta = number - last.get(term, -1)
            last[term] = number
            if count > 1:
                codes.extend((-delta, count))
            else:
                codes.append(delta)
        for pair in {f"{a} {b}" for a, b in zip(sequence, sequence[1:])}:
            pairs.setdefault(pair, array("I")).append(number)
        for name in entry.persons:
            persons.setdefault(name, array("I")).append(number)

    # A word in more than half the passages says nothing of how well a passage matches (the,
    # of): its counts are left out, which keeps the longest posting lists as short as ids alone.
    for term, codes in postings.items():
        if len(codes) > len(entries) // COMMON and any(c < 0 for c in codes):
            found = decode_postings(codes)
            if len(found) > len(entries) // COMMON:
                postings[term] = array("i", _deltas([i + 1 for i in found]))
    terms = sorted(postings)
    # The first words of register names get a shard too when no word of the text begins like them.
    first_words = {t[0] for n in names for t in (tokens(f) for f in (n.display, *n.forms)) if t}
    empty = array("i")
    shards: list[tuple[str, list[str]]] = list(_shards(
        {w: postings.get(w, empty) for w in first_words} | postings, sorted(first_words | set(postings)), KEY_LENGTH))
    keys = {key for key, _group in shards}
    # Word forms: the terms sharing a key, under each of them (a word of the edition needs no
    # stemmer in the reader) and under the key (for a word the edition does not hold: Kirovs).
    forms: dict[str, list[str]] = {}
    for term in terms:
        forms.setdefault(form_key(term), []).append(term)
    extra: dict[str, dict[str, dict[str, object]]] = {key: {"s": {}, "n": {}} for key in keys}
    for stem in sorted(forms):
        members = forms[stem]
        if members == [stem]:
            continue
        for word in dict.fromkeys([stem, *members] if len(members) > 1 else [stem]):
            home = _key_in(word, keys)
            if home is not None:
                extra[home]["s"][word] = members
    # Register names, by their first word.
    ids = {entry.url: number for number, entry in enumerate(entries)}
    ordered = sorted(names, key=lambda n: n.key)
    for number, name in enumerate(ordered):
        searched = search_forms((name.display, *name.forms))
        # The tagged mentions that a one-word form does not find already: what the register adds.
        covered: set[int] = set()
        for form in searched:
            if len(tokens(form)) == 1 and tokens(form)[0] in postings:
                covered.update(decode_postings(postings[tokens(form)[0]]))
        mentioned = sorted({ids[url] for url in name.urls if url in ids} - covered)
        put(out / "names" / f"{number}.json", {"name": name.display, "forms": searched, "ids": _deltas(mentioned)})
        for form in dict.fromkeys(" ".join(tokens(f)) for f in (name.display, *name.forms)):
            first, *rest = form.split()
            home = _key_in(first, keys)
            if home is not None:
                extra[home]["n"].setdefault(first, []).append([number, rest])
    for key, group in shards:
        shard: dict[str, object] = {"w": {t: postings[t].tolist() for t in group if t in postings}}
        shard.update({part: data for part, data in extra[key].items() if data})
        put(out / "terms" / f"{shard_name(key)}.json", shard)
    # The phrase index: adjacent pairs in buckets of about SHARD_BYTES.
    pair_bytes = sum(len(p) + 6 + 4 * len(ids_) for p, ids_ in pairs.items())
    buckets = max(1, -(-pair_bytes // SHARD_BYTES))
    filled: list[dict[str, list[int]]] = [{} for _ in range(buckets)]
    for pair, found in pairs.items():
        filled[bucket(pair, buckets)][pair] = _deltas(found)
    for number, content in enumerate(filled):
        put(out / "pairs" / f"{number}.json", content)
    for start in range(0, len(entries), CHUNK):
        put(out / "entries" / f"{start // CHUNK}.json", [[e.url, e.title, e.text] for e in entries[start:start + CHUNK]])
    person_list = []
    for number, person in enumerate(sorted(persons)):
        put(out / "persons" / f"{number}.json", _deltas(persons[person]))
        person_list.append([person, len(persons[person])])
    put(out / "documents.json", [d["title"] for d in documents])
    bounds = [edge for d in documents for edge in (d["text"][0], d["apparatus"][0])]  # type: ignore[index]
    put(out / "manifest.json", {
        "bounds": _deltas(bounds),
        "version": FORMAT_VERSION,
        "entries": len(entries),
        "chunk": CHUNK,
        "keyLength": KEY_LENGTH,
        "shards": [key for key, _group in shards],
        "pairs": buckets,
        "persons": person_list,
    })
    kept = set(written)
    for path in sorted(out.rglob("*")):
        if path.is_file() and path not in kept:
            path.unlink()
    return IndexStats(entries=len(entries), terms=len(terms), shards=len(shards), files=len(written), bytes=sizes)


# --- the reader's algorithm, for tests and the benchmark ------------------------------------


def _undelta(deltas: Sequence[int]) -> list[int]:
    out, last = [], 0
    for d in deltas:
        last += d
        out.append(last)
    return out


def decode_postings(codes: Sequence[int]) -> dict[int, int]:
    """Entry id → number of occurrences, from a term's postings."""
    out: dict[int, int] = {}
    last, i = -1, 0
    while i < len(codes):
        code = codes[i]
        if code < 0:
            last -= code
            out[last] = codes[i + 1]
            i += 2
        else:
            last += code
            out[last] = 1
            i += 1
    return out


def shard_key_for(term: str, keys: Sequence[str]) -> str | None:
    """The key of the shard that holds ``term`` and every term it begins: the longest key that is its prefix."""
    best = None
    for key in keys:
        if term.startswith(key) and (best is None or len(key) > len(best)):
            best = key
    return best


#: Score of an entry for one part of a query, by how it matched (see :meth:`IndexReader.search`).
#: Each adds the number of occurrences, up to MANY: a passage with the word as typed comes first.
EXACT, FORM, NAME, PREFIX = 10.0, 2.0, 2.0, 1.0
MANY = 5
#: A note counts for this much of a paragraph of the text.
APPARATUS_WEIGHT = 0.6


@dataclass
class Part:
    """One part of a query: a word, a name, a phrase or a prefix, and what it matched."""

    kind: str  #: word, name, phrase, prefix
    text: str  #: as the reader typed it
    scores: dict[int, float] = field(default_factory=dict)  #: entry id → score
    terms: set[str] = field(default_factory=set)  #: the index terms it matched (for marking)
    searched: list[str] = field(default_factory=list)  #: for a name: the forms searched
    name: str = ""  #: for a name: the register's display name

    def add(self, scores: dict[int, float]) -> None:
        for i, s in scores.items():
            self.scores[i] = max(self.scores.get(i, 0.0), s)


_QUERY = re.compile(r'"([^"]*)"?|(\S+)')


class IndexReader:
    """Answers queries from an index directory as the search page does, counting the bytes it reads."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.fetched: dict[str, int] = {}
        self.manifest = self._load("manifest.json")
        edges = _undelta(self.manifest["bounds"]) + [self.manifest["entries"]]  # type: ignore[index]
        #: Per document: the id ranges of its text and of its apparatus.
        self.documents = [
            {"text": (edges[i], edges[i + 1]), "apparatus": (edges[i + 1], edges[i + 2])} for i in range(0, len(edges) - 1, 2)
        ]
        self.parts: list[Part] = []

    def _load(self, name: str) -> object:
        data = (self.root / name).read_bytes()
        self.fetched[name] = len(data)
        return json.loads(data)

    def _shard(self, term: str) -> dict[str, dict]:
        key = shard_key_for(term, self.manifest["shards"])  # type: ignore[index]
        return {} if key is None else self._load(f"terms/{shard_name(key)}.json")  # type: ignore[return-value]

    def postings(self, term: str) -> dict[int, int]:
        return decode_postings(self._shard(term).get("w", {}).get(term, []))

    def prefix(self, start: str) -> dict[str, dict[int, int]]:
        """The postings of every term beginning with ``start``."""
        found: dict[str, dict[int, int]] = {}
        keys = self.manifest["shards"]  # type: ignore[index]
        home = shard_key_for(start, keys)
        wanted = [k for k in keys if k.startswith(start) and k != home] + ([home] if home else [])
        for key in wanted:
            for word, codes in self._load(f"terms/{shard_name(key)}.json")["w"].items():  # type: ignore[index]
                if word.startswith(start):
                    found[word] = decode_postings(codes)
        return found

    def phrase(self, sequence: list[str]) -> set[int]:
        """Entries holding the words of ``sequence`` one after the other (adjacent pairs; longer phrases checked on the text)."""
        if len(sequence) == 1:
            return set(self.postings(sequence[0])) if is_term(sequence[0]) else set()
        found: set[int] | None = None
        for a, b in zip(sequence, sequence[1:]):
            pair = f"{a} {b}"
            ids = set(_undelta(self._load(f"pairs/{bucket(pair, self.manifest['pairs'])}.json").get(pair, [])))  # type: ignore[union-attr,arg-type]
            found = ids if found is None else found & ids
        assert found is not None
        if len(sequence) > 2:
            found = {i for i in found if f" {' '.join(sequence)} " in f" {' '.join(words(self.entry(i)[2]))} "}
        return found

    def entry(self, i: int) -> list[str]:
        chunk = self.manifest["chunk"]  # type: ignore[index]
        return self._load(f"entries/{i // chunk}.json")[i % chunk]  # type: ignore[index]

    def _word(self, part: Part, word: str) -> None:
        shard = self._shard(word)
        exact = decode_postings(shard.get("w", {}).get(word, []))
        part.add({i: EXACT + min(n, MANY) for i, n in exact.items()})
        if exact:
            part.terms.add(word)
        members = shard.get("s", {}).get(word)
        if members is None and not exact:
            stem = form_key(word)
            members = self._shard(stem).get("s", {}).get(stem, [stem])
        for other in members or ():
            if other != word:
                found = self.postings(other)
                if found:
                    part.terms.add(other)
                part.add({i: FORM + min(n, MANY) for i, n in found.items()})
        if not part.scores:  # no whole word: the words it begins
            for other, found in self.prefix(word).items():
                part.terms.add(other)
                part.add({i: PREFIX + min(n, MANY) for i, n in found.items()})

    def _names(self, sequence: list[str], start: int) -> tuple[int, list[tuple[int, list[str]]]]:
        """The register names beginning at ``sequence[start]``: (their length in words, [(name number, rest)])."""
        candidates = self._shard(sequence[start]).get("n", {}).get(sequence[start], [])
        best, found = 0, []
        for number, rest in candidates:
            length = 1 + len(rest)
            if sequence[start + 1:start + length] == rest:
                if length > best:
                    best, found = length, []
                if length == best:
                    found.append((number, rest))
        return best, found

    def parse(self, query: str) -> list[Part]:
        """The parts of ``query``, each with the entries it matches and their scores."""
        parts: list[Part] = []
        for match in _QUERY.finditer(query.translate(_FOLD)):
            if match.group(1) is not None:
                sequence = words(match.group(1))
                if any(is_term(w) for w in sequence):
                    part = Part("phrase", match.group(1), terms={w for w in sequence if is_term(w)})
                    part.add({i: EXACT + 1 for i in self.phrase(sequence)})
                    parts.append(part)
                continue
            raw = match.group(2)
            if raw.endswith("*") and len(tokens(raw)) == 1:
                part = Part("prefix", raw)
                for other, found in self.prefix(tokens(raw)[0]).items():
                    part.terms.add(other)
                    part.add({i: (EXACT if other == tokens(raw)[0] else PREFIX) + min(n, MANY) for i, n in found.items()})
                parts.append(part)
                continue
            for word in tokens(raw):
                parts.append(Part("word", word))
        # Runs of words that are a register name become one part.
        merged: list[Part] = []
        i = 0
        while i < len(parts):
            if parts[i].kind != "word":
                merged.append(parts[i])
                i += 1
                continue
            run = []
            while i + len(run) < len(parts) and parts[i + len(run)].kind == "word":
                run.append(parts[i + len(run)].text)
            j = 0
            while j < len(run):
                length, found = self._names(run, j)
                if not found:
                    part = Part("word", run[j])
                    self._word(part, run[j])
                    merged.append(part)
                    j += 1
                    continue
                part = Part("name", " ".join(run[j:j + length]))
                if length == 1:
                    self._word(part, run[j])
                else:  # the words of a name anywhere in a passage still count, as for any words
                    each = [Part("word", w) for w in run[j:j + length]]
                    for word_part in each:
                        self._word(word_part, word_part.text)
                        part.terms |= word_part.terms
                    common = set.intersection(*(set(w.scores) for w in each))
                    part.add({i: sum(w.scores[i] for w in each) / length for i in common})
                for number, _rest in found:
                    name = self._load(f"names/{number}.json")
                    assert isinstance(name, dict)
                    part.name = ", ".join(filter(None, (part.name, name["name"])))
                    part.add({i: NAME for i in _undelta(name["ids"])})
                    for form in name["forms"]:
                        sequence = tokens(form)
                        part.searched.append(form)
                        if len(sequence) == 1:
                            found_ids = self.postings(sequence[0])
                            if found_ids:
                                part.terms.add(sequence[0])
                            part.add({i: (EXACT if sequence[0] == run[j] else NAME) + min(n, MANY) for i, n in found_ids.items()})
                        else:
                            part.terms.update(sequence)
                            part.add({i: NAME for i in self.phrase(words(form))})
                merged.append(part)
                j += length
            i += len(run)
        self.parts = merged
        return merged

    def search(self, query: str, person: str | None = None, part: str | None = None, limit: int = 10,
               order: str = "relevance") -> list[list[str]]:
        """The first ``limit`` results (``[url, title, text]``) of ``query``, by relevance or in edition order."""
        parts = self.parse(query)
        if not parts:
            return []
        ids = set.intersection(*(set(p.scores) for p in parts))
        if person is not None:
            names = [p[0] for p in self.manifest["persons"]]  # type: ignore[index]
            ids &= set(_undelta(self._load(f"persons/{names.index(person)}.json")))  # type: ignore[arg-type]
        apparatus = [d["apparatus"] for d in self.documents]
        if part is not None:
            ranges = [d[part] for d in self.documents]  # type: ignore[union-attr,index]
            ids = {i for i in ids if any(a <= i < b for a, b in ranges)}

        def score(i: int) -> float:
            total = sum(p.scores[i] for p in parts)
            return total * APPARATUS_WEIGHT if any(a <= i < b for a, b in apparatus) else total

        ranked = sorted(ids) if order == "edition" else sorted(ids, key=lambda i: (-score(i), i))
        return [self.entry(i) for i in ranked[:limit]]

    @property
    def bytes(self) -> int:
        return sum(self.fetched.values())
