"""The edition's full-text search index: one Pagefind record per paragraph and note.

Run after Sphinx on the staged HTML (``edition build`` does it before the
release). Each citable unit of a document page — paragraph, list item, heading,
block quotation, table row, figure, footnote, editorial note — becomes one
Pagefind record whose URL is the page plus the unit's anchor
(``tei/dikova.html#dikova-p0123``), so every hit links to the paragraph or the
note itself. Records carry three filters:

* ``document``: the document's title;
* ``person``: the register names of the persons mentioned in that unit (from the
  edition domain's mentions, written by :mod:`edition.sphinxext.search`);
* ``part``: ``text`` (running text) or ``apparatus`` (footnotes, editorial notes).

The text indexed is the text the reader sees (the edited reading of the HTML),
without footnote callouts, page numbers and permalink signs. Pagefind writes a
chunked index: a browser downloads the entry file, the index chunks holding the
query's words and the fragments of the results it shows, never the whole index.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import html

#: Where the bundle is written inside the site (the search page loads it from there).
BUNDLE_DIR = "pagefind"
#: The sidecar of person mentions per anchor, written by the Sphinx extension.
MENTIONS_FILE = "search-mentions.json"
#: In the doctree directory: the digest of the inputs of the last index written.
STAMP_FILE = "search-stamp"

#: Anchors of searchable units: ``{key}-{kind}{number}`` (see tei/ENCODING.md).
RECORD_ID = re.compile(r"^[a-z]+-(p|item|head|quote|row|fig|fn|ednote)\d+$")
APPARATUS_KINDS = frozenset({"fn", "ednote"})
#: Inline furniture that is not the unit's text: note callouts, page numbers, ¶ links, note labels.
SKIP_CLASSES = frozenset({"footnote-reference", "fn-ref", "ednote-ref", "permalink", "headerlink", "pb", "label"})
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
    tree = html.parse(str(path)).getroot()
    url = path.relative_to(site).as_posix()
    document = _document_title(tree)
    records: list[Record] = []
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
            records.append(Record(f"{url}#{anchor}", anchor, match.group(1), text, document, tuple(persons.get(anchor, ()))))
    return records


def site_records(site: Path, mentions: dict[str, Any]) -> Iterator[Record]:
    """Every record of the TEI document pages of ``site`` (all ``tei/*.html`` if Sphinx named none)."""
    pages = [site / url for url in mentions.get("pages", ())] or sorted(site.glob("tei/*.html"))
    persons = mentions.get("persons", {})
    for path in pages:
        if path.exists():
            yield from page_records(path, site, persons)


def load_mentions(doctrees: Path) -> dict[str, Any]:
    """The sidecar of :mod:`edition.sphinxext.search`: ``pages`` and ``persons`` per anchor."""
    path = doctrees / MENTIONS_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


class PagefindService:
    """A synchronous client of the ``pagefind --service`` binary shipped in the wheel.

    The binary's protocol is a stream of base64-encoded JSON messages, each ended
    by a comma, answered in order. The ``pagefind`` package's own async client polls
    for each answer with a 0.1 s sleep (2.5 minutes for the 1,449 records of the
    real edition), so requests are streamed here from a writer thread while the
    answers are read as they come, which keeps both pipes flowing.
    """

    def __init__(self) -> None:
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is None:
            raise RuntimeError("the pagefind binary is missing: pip install 'pagefind[extended]'")
        self._log = tempfile.TemporaryFile()
        self._proc = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log)
        self._next_id = 0
        self._buffer = b""

    def _encode(self, payload: dict[str, Any]) -> bytes:
        self._next_id += 1
        return base64.b64encode(json.dumps({"message_id": self._next_id, "payload": payload}).encode()) + b","

    def _answer(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        while b"," not in self._buffer:
            chunk = self._proc.stdout.read1(1 << 16)
            if not chunk:
                self._log.seek(0)
                raise RuntimeError(f"pagefind stopped: {self._log.read().decode(errors='replace')[-2000:]}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b",", 1)
        payload = json.loads(base64.b64decode(message))["payload"]
        if payload.get("type") == "Error":
            raise RuntimeError(f"pagefind: {payload.get('message')}")
        return payload

    def run(self, config: dict[str, Any], records: list[dict[str, Any]], output_path: str) -> None:
        """Create an index with ``config``, add ``records``, write it to ``output_path``."""
        assert self._proc.stdin is not None
        stdin = self._proc.stdin
        stdin.write(self._encode({"type": "NewIndex", "config": config}))
        stdin.flush()
        index_id = self._answer()["index_id"]

        def write() -> None:
            # Encoded as they are sent: the whole batch encoded at once would double the memory.
            for record in records:
                stdin.write(self._encode({"type": "AddRecord", "index_id": index_id, **record}))
            stdin.write(self._encode({"type": "WriteFiles", "index_id": index_id, "output_path": output_path}))
            stdin.flush()

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        try:
            for _ in range(len(records) + 1):
                self._answer()
        finally:
            writer.join()
            stdin.close()
            self._proc.wait()
            self._log.close()


def _write_bundle(records: list[Record], out: Path) -> None:
    PagefindService().run(
        {"force_language": "en"},
        [
            {
                "url": r.url,
                "content": r.text,
                "language": "en",
                "meta": {"title": r.title},
                "filters": {"document": [r.document], "part": [r.part], **({"person": list(r.persons)} if r.persons else {})},
            }
            for r in records
        ],
        str(out),
    )


def _inputs_stamp(site: Path, mentions: dict[str, Any]) -> str:
    """A digest of what the index is made of: the mentions and each document page's size and mtime."""
    digest = hashlib.sha256(json.dumps(mentions, sort_keys=True).encode())
    for path in sorted(site.glob("tei/*.html")) + [site / url for url in mentions.get("pages", ())]:
        if path.exists():
            stat = path.stat()
            digest.update(f"{path.relative_to(site)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def build_search_index(site: Path, doctrees: Path) -> SearchStats:
    """Write the Pagefind bundle of ``site`` into ``site/pagefind`` (replacing any old one).

    Pagefind cannot update an index, so any changed page means a new index; when
    no document page changed since the last run (a no-op rebuild) nothing is done.
    """
    started = time.perf_counter()
    mentions = load_mentions(doctrees)
    out = site / BUNDLE_DIR
    stamp_file = doctrees / STAMP_FILE
    stamp = _inputs_stamp(site, mentions)
    if out.is_dir() and stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp:
        return SearchStats(skipped=True, seconds=time.perf_counter() - started)
    records = list(site_records(site, mentions))
    tmp = site / f".{BUNDLE_DIR}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    _write_bundle(records, tmp.resolve())
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    stats = SearchStats(pages=len({r.url.split("#")[0] for r in records}), records=len(records))
    for r in records:
        stats.by_part[r.part] = stats.by_part.get(r.part, 0) + 1
    files = [p for p in out.rglob("*") if p.is_file()]
    stats.files = len(files)
    stats.bytes = sum(p.stat().st_size for p in files)
    stats.seconds = time.perf_counter() - started
    stamp_file.write_text(stamp, encoding="utf-8")
    return stats
