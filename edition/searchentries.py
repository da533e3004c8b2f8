"""The edition's full-text search stage: one index entry per paragraph and note.

Run after Sphinx on the staged HTML (``edition build`` does it before the
release). Each citable unit of a document page — paragraph, list item, heading,
block quotation, table row, figure, footnote, editorial note — becomes one
entry whose URL is the page plus the unit's anchor
(``tei/dikova.html#dikova-p0123``), so every hit links to the paragraph or the
note itself. Entries can be filtered three ways:

* ``document``: the document's title;
* ``person``: the register names of the persons mentioned in that unit (from the
  edition domain's mentions, written by :mod:`edition.sphinxext.searchpage`);
* ``part``: ``text`` (running text) or ``apparatus`` (footnotes, editorial notes).

The text indexed is the text the reader sees (the edited reading of the HTML),
without footnote callouts, page numbers and permalink signs. The index itself
(:mod:`edition.searchindex`) is chunked: a browser downloads a manifest, the
shards holding the query's words and the entries of the results it shows,
never the whole index.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import html

from edition import stagetimes
from edition.searchindex import Entry, Name, words, write_index

#: Where the bundle is written inside the site (the search page loads it from there).
BUNDLE_DIR = "searchindex"
#: The sidecar of person mentions per anchor, written by the Sphinx extension.
MENTIONS_FILE = "search-mentions.json"
#: In the doctree directory: the digest of the inputs of the last index written.
STAMP_FILE = "search-stamp"
#: In the doctree directory: the units of each page indexed last time.
UNITS_FILE = "search-units.pickle"

#: Anchors of searchable units: ``{key}-{kind}{number}`` (see tei/ENCODING.md); the ids the
#: stylesheets make for TEI of other projects have that form too (``Lelewel_S1-p4``, xslt/functions.xsl).
RECORD_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*-(p|item|head|quote|row|fig|fn|ednote)\d+$")
APPARATUS_KINDS = frozenset({"fn", "ednote"})
#: Inline furniture that is not the unit's text: note callouts, page numbers, ¶ links, note labels,
#: the register card a name link shows on hover.
SKIP_CLASSES = frozenset({"footnote-reference", "fn-ref", "ednote-ref", "permalink", "headerlink", "pb", "label", "register-info"})
KIND_LABELS = {
    "p": "paragraph", "item": "list item", "head": "heading", "quote": "quotation",
    "row": "table row", "fig": "figure", "fn": "footnote", "ednote": "editorial note",
}


@dataclass(frozen=True)
class Record:
    """One searchable unit of a page."""

    url: str  #: site-relative URL with the anchor, e.g. ``tei/dikova.html#dikova-fn010``
    anchor: str
    kind: str  #: p, item, head, … fn, ednote
    text: str
    document: str  #: the document's title
    persons: tuple[str, ...] = ()
    #: the words of ``text`` (:func:`~edition.searchindex.words`), if known already
    words: tuple[str, ...] | None = field(default=None, compare=False)

    @property
    def part(self) -> str:
        return "apparatus" if self.kind in APPARATUS_KINDS else "text"

    @property
    def title(self) -> str:
        label = KIND_LABELS[self.kind]
        number = re.search(r"\d+$", self.anchor)
        return f"{self.document} — {label} {int(number.group()) if number else ''}".rstrip()


@dataclass
class SearchStats:
    """What the indexing stage did and how big its output is."""

    pages: int = 0
    records: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    by_part: dict[str, int] = field(default_factory=dict)
    skipped: bool = False  #: no document page changed: the previous index stands


def _classes(el: html.HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


def _own_text(el: html.HtmlElement, out: list[str]) -> None:
    """Collect the text of ``el`` without nested units and without inline furniture."""
    if el.text:
        out.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and not RECORD_ID.match(child.get("id") or "") and not (_classes(child) & SKIP_CLASSES):
            _own_text(child, out)
        if child.tail:
            out.append(child.tail)


def _document_title(tree: html.HtmlElement) -> str:
    title = tree.findtext(".//title") or ""
    # Sphinx appends " — <project>" to every page title.
    return title.rsplit(" \u2014 ", 1)[0].strip()


def page_records(path: Path, site: Path, persons: dict[str, list[str]]) -> list[Record]:
    """The searchable units of one HTML page, in document order."""
    return [Record(*fields, tuple(persons.get(fields[1], ()))) for fields in _page_units(path, site)]


def _page_units(path: Path, site: Path) -> list[tuple[str, str, str, str, str]]:
    """(url, anchor, kind, text, document) of each searchable unit of one HTML page."""
    tree = html.parse(str(path)).getroot()
    url = path.relative_to(site).as_posix()
    document = _document_title(tree)
    units: list[tuple[str, str, str, str, str]] = []
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        anchor = el.get("id") or ""
        match = RECORD_ID.match(anchor)
        if not match:
            continue
        parts: list[str] = []
        _own_text(el, parts)
        text = " ".join("".join(parts).split())
        if text:
            units.append((f"{url}#{anchor}", anchor, match.group(1), text, document))
    return units


def site_records(site: Path, mentions: dict[str, Any], cache: Path | None = None) -> Iterator[Record]:
    """Every record of the TEI document pages of ``site`` (all ``tei/*.html`` if Sphinx named none).

    ``cache`` (a file) keeps each page's units, and the words of each unit, between
    runs: a page whose size and modification time are those recorded there is not parsed
    again, nor its text cut into words (at 100×, 2.3 s of the index's 4.1 s).
    """
    pages = [site / url for url in mentions.get("pages", ())] or sorted(site.glob("tei/*.html"))
    persons = mentions.get("persons", {})
    try:
        known = pickle.loads(cache.read_bytes()) if cache is not None else {}
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        known = {}
    kept = {}
    for path in pages:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        rel, stamp = path.relative_to(site).as_posix(), (stat.st_size, stat.st_mtime_ns)
        found = known.get(rel)
        if found is not None and found[0] == stamp and len(found) == 4 and found[3] == "words":
            units, sequences = found[1], found[2]
        else:
            units = _page_units(path, site)
            # Interned, so that the cache pickles each word once, not once per occurrence.
            sequences = [tuple(sys.intern(w) for w in words(fields[3])) for fields in units]
        kept[rel] = (stamp, units, sequences, "words")
        for fields, unit_words in zip(units, sequences):
            yield Record(*fields, tuple(persons.get(fields[1], ())), unit_words)
    if cache is not None:
        try:
            cache.write_bytes(pickle.dumps(kept, pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # only a cache: every page is parsed next time


def load_mentions(doctrees: Path) -> dict[str, Any]:
    """The sidecar of :mod:`edition.sphinxext.searchpage`: ``pages``, ``persons`` per anchor and register ``names``."""
    path = doctrees / MENTIONS_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def index_entries(records: list[Record]) -> list[Entry]:
    """The records as index entries: page by page, each page's text before its apparatus."""
    pages: dict[str, list[Record]] = {}
    for record in records:
        pages.setdefault(record.url.split("#", 1)[0], []).append(record)
    return [
        Entry(r.url, r.title, r.text, r.document, r.part == "apparatus", r.persons, r.words)
        for page in pages.values()
        for r in sorted(page, key=lambda r: r.part == "apparatus")
    ]


def register_names(mentions: dict[str, Any]) -> list[Name]:
    """The register entries of the sidecar, each with the entries (url with anchor) that mention it."""
    return [
        Name(key, name["display"], tuple(name["forms"]), tuple(name["urls"]))
        for key, name in sorted(mentions.get("names", {}).items())
    ]


def _inputs_stamp(site: Path, mentions: dict[str, Any]) -> str:
    """A digest of what the index is made of: the mentions and each document page's size and mtime."""
    digest = hashlib.sha256(json.dumps(mentions, sort_keys=True).encode())
    for path in sorted(site.glob("tei/*.html")) + [site / url for url in mentions.get("pages", ())]:
        if path.exists():
            stat = path.stat()
            digest.update(f"{path.relative_to(site)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def build_search_index(site: Path, doctrees: Path) -> SearchStats:
    """Write the search index of ``site`` into ``site/searchindex`` (replacing any old one).

    When no document page changed since the last run (a no-op rebuild) nothing is
    done. Otherwise only the pages that changed are read again, and only the index
    files whose bytes changed are written.
    """
    started = time.perf_counter()
    mentions = load_mentions(doctrees)
    out = site / BUNDLE_DIR
    stamp_file = doctrees / STAMP_FILE
    stamp = _inputs_stamp(site, mentions)
    if out.is_dir() and stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp:
        return SearchStats(skipped=True, seconds=time.perf_counter() - started)
    records = list(site_records(site, mentions, doctrees / UNITS_FILE))
    index = write_index(index_entries(records), out, register_names(mentions))
    stats = SearchStats(pages=len({r.url.split("#")[0] for r in records}), records=len(records))
    for r in records:
        stats.by_part[r.part] = stats.by_part.get(r.part, 0) + 1
    stats.files, stats.bytes = index.files, index.bytes
    stats.seconds = time.perf_counter() - started
    stagetimes.record(doctrees, "search", stats.seconds)
    stamp_file.write_text(stamp, encoding="utf-8")
    return stats
