"""A static, chunked, deterministic full-text index for the edition's search page.

Sphinx's ``searchindex.js`` is one file that every query downloads whole; it
grows with the edition. Pagefind chunks its index but writes it in hash-map
order (two builds of the same site differ, which breaks byte-identical
rebuilds) and needed 4 GB to index the 100× corpus. This module writes a small
index of plain JSON files instead, in an order fixed by the input alone:

``manifest.json``
    the format version, the number of entries, the entries per chunk, the term
    shards (their keys), the person filter files and ``bounds``: for each
    document the first id of its text and the first id of its apparatus, as
    deltas. Entries are numbered document by document, text before apparatus,
    so the document and the text/apparatus filters are ranges;
``documents.json``
    the documents' titles, for the document filter's list (the search page
    loads it after the results);
``terms/<hex>.json``
    a shard of the term dictionary: ``{term: [id deltas]}`` for every term whose
    shard key (the longest key that is a prefix of the term) is ``<hex>``, the
    UTF-8 hex of the key. Keys start as the first two characters of a term and
    are lengthened where a shard would exceed :data:`SHARD_BYTES`;
``entries/<n>.json``
    entries ``n*CHUNK … n*CHUNK+CHUNK-1``: ``[url, title, text]`` each;
``persons/<n>.json``
    the id deltas of the entries that mention the person ``n`` of the manifest.

A query downloads the manifest, the document ranges, one shard per word, the
chunks of the results it shows and, if a person is chosen, that person's list:
never the whole index. ``edition/sphinxext/static/search.js`` is the reader of
this format; :func:`tokens` and the reader's tokenizer must stay the same.
"""

from __future__ import annotations

import json
import re
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from edition.products import update_file

#: Bumped when the files change shape; the reader refuses another version.
FORMAT_VERSION = 1
#: Entries per ``entries/<n>.json`` file.
CHUNK = 4
#: A shard larger than this (in bytes of JSON) is split by a longer key.
SHARD_BYTES = 16_000
#: The shortest shard key.
KEY_LENGTH = 2
_WORD = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """The index terms of ``text``: words folded to lower case without diacritics.

    Letters and digits in any script; one-letter words (the *s* of *Kirov's*)
    are dropped, one-digit numbers kept. The search page folds queries the same
    way (NFKD, marks removed, ``toLowerCase``, ``[\\p{L}\\p{N}]+``).
    """
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    return [w for w in _WORD.findall(folded) if len(w) > 1 or w.isdigit()]


@dataclass(frozen=True)
class Entry:
    """One searchable unit as the index stores it."""

    url: str  #: site-relative, with the anchor
    title: str
    text: str
    document: str  #: the document's title
    apparatus: bool  #: a footnote or editorial note rather than running text
    persons: tuple[str, ...] = ()
    #: the terms of ``text`` (:func:`tokens`), when the caller kept them from an earlier run
    terms: tuple[str, ...] | None = field(default=None, compare=False)


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


def write_index(entries: Sequence[Entry], out: Path) -> IndexStats:
    """Write the index of ``entries`` (numbered in the order given) into the directory ``out``.

    ``entries`` must come document by document, each document's text entries
    before its apparatus entries; the output depends on nothing else. A file of
    ``out`` that already holds the right bytes is left as it is (after a small edit
    most of the index is), and a file the index no longer has is removed.
    """
    for sub in ("terms", "entries", "persons"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    sizes = 0

    def put(path: Path, data: object) -> None:
        nonlocal sizes
        payload = _dump(data)
        update_file(path, payload)
        written.append(path)
        sizes += len(payload)

    postings: dict[str, array] = {}
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
        for term in entry.terms if entry.terms is not None else set(tokens(entry.text)):
            postings.setdefault(term, array("I")).append(number)
        for name in entry.persons:
            persons.setdefault(name, array("I")).append(number)

    terms = sorted(postings)
    shard_keys = []
    for key, group in _shards(postings, terms, KEY_LENGTH):
        shard_keys.append(key)
        put(out / "terms" / f"{shard_name(key)}.json", {t: _deltas(postings[t]) for t in group})
    for start in range(0, len(entries), CHUNK):
        put(out / "entries" / f"{start // CHUNK}.json", [[e.url, e.title, e.text] for e in entries[start:start + CHUNK]])
    person_list = []
    for number, name in enumerate(sorted(persons)):
        put(out / "persons" / f"{number}.json", _deltas(persons[name]))
        person_list.append([name, len(persons[name])])
    put(out / "documents.json", [d["title"] for d in documents])
    bounds = [edge for d in documents for edge in (d["text"][0], d["apparatus"][0])]  # type: ignore[index]
    put(out / "manifest.json", {
        "bounds": _deltas(bounds),
        "version": FORMAT_VERSION,
        "entries": len(entries),
        "chunk": CHUNK,
        "keyLength": KEY_LENGTH,
        "shards": shard_keys,
        "persons": person_list,
    })
    kept = set(written)
    for path in sorted(out.rglob("*")):
        if path.is_file() and path not in kept:
            path.unlink()
    return IndexStats(entries=len(entries), terms=len(terms), shards=len(shard_keys), files=len(written), bytes=sizes)


# --- the reader's algorithm, for tests and the benchmark ------------------------------------


def _undelta(deltas: Sequence[int]) -> list[int]:
    out, last = [], 0
    for d in deltas:
        last += d
        out.append(last)
    return out


def shard_key_for(term: str, keys: Sequence[str]) -> str | None:
    """The key of the shard that holds ``term`` and every term it begins: the longest key that is its prefix."""
    best = None
    for key in keys:
        if term.startswith(key) and (best is None or len(key) > len(best)):
            best = key
    return best


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

    def _load(self, name: str) -> object:
        data = (self.root / name).read_bytes()
        self.fetched[name] = len(data)
        return json.loads(data)

    def term_ids(self, term: str) -> set[int]:
        """Entries holding ``term`` or, if no entry holds it whole, a word it begins."""
        key = shard_key_for(term, self.manifest["shards"])  # type: ignore[index]
        if key is None:
            return set()
        shard = self._load(f"terms/{shard_name(key)}.json")
        assert isinstance(shard, dict)
        if term in shard:
            return set(_undelta(shard[term]))
        found: set[int] = set()
        for word, deltas in shard.items():
            if word.startswith(term):
                found.update(_undelta(deltas))
        return found

    def search(self, query: str, person: str | None = None, part: str | None = None, limit: int = 10) -> list[list[str]]:
        """The first ``limit`` results (``[url, title, text]``) of ``query``, in edition order."""
        words = list(dict.fromkeys(tokens(query)))
        if not words:
            return []
        ids = set.intersection(*(self.term_ids(w) for w in words))
        if person is not None:
            names = [p[0] for p in self.manifest["persons"]]  # type: ignore[index]
            ids &= set(_undelta(self._load(f"persons/{names.index(person)}.json")))  # type: ignore[arg-type]
        if part is not None:
            ranges = [d[part] for d in self.documents]  # type: ignore[union-attr,index]
            ids = {i for i in ids if any(a <= i < b for a, b in ranges)}
        results = []
        chunk = self.manifest["chunk"]  # type: ignore[index]
        for i in sorted(ids)[:limit]:
            rows = self._load(f"entries/{i // chunk}.json")
            results.append(rows[i % chunk])  # type: ignore[index]
        return results

    @property
    def bytes(self) -> int:
        return sum(self.fetched.values())
