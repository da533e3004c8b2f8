"""Importers: how each source text became its first TEI draft.

Each module here exposes ``convert(source: str) -> str``, returning a complete
TEI document. The drafts were the starting point; the TEI files in ``tei/`` are
now the master and are edited by hand. :func:`write_draft` therefore never
overwrites a master silently: without ``force`` it writes beside it, into
``tei/drafts/``, so that an editor can compare.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from edition.documents import TEI_DIR, by_key

#: Document key -> module (under ``edition.importer``) that converts its source.
IMPORTERS: dict[str, str] = {
    "article": "article",
    "dikova": "dissertation",
    "slides": "slides",
    "onthisday": "onthisday",
    "bakulin": "abstract",
}


def convert(key: str) -> str:
    """Convert one document's source into a TEI draft (as text)."""
    doc = by_key(key)
    module = importlib.import_module(f"edition.importer.{IMPORTERS[key]}")
    return module.convert(doc.source_path.read_text(encoding="utf-8"))


def write_draft(key: str, *, force: bool = False) -> Path:
    """Write the draft of ``key``: over the master only with ``force``, else to ``tei/drafts/``."""
    doc = by_key(key)
    xml = convert(key)
    target = doc.tei_path
    if target.exists() and not force:
        target = TEI_DIR / "drafts" / f"{key}.xml"
        target.parent.mkdir(exist_ok=True)
    target.write_text(xml, encoding="utf-8")
    return target
