"""The edition's documents and registers: one place that names every file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: The edition's root (where ``conf.py`` lives): the repository, or a copy of it
#: named by ``EDITION_ROOT`` (the tests build broken copies without touching this one).
ROOT = Path(os.environ.get("EDITION_ROOT") or Path(__file__).resolve().parent.parent).resolve()
TEI_DIR = ROOT / "tei"
SOURCES_DIR = TEI_DIR / "sources"
SCHEMA_DIR = TEI_DIR / "schema"
XSLT_DIR = ROOT / "xslt"


@dataclass(frozen=True)
class Document:
    """One source and its TEI encoding."""

    key: str  #: id prefix and citation prefix, e.g. ``dikova``
    source: str  #: file name under ``tei/sources/``
    title: str  #: short title for listings

    @property
    def tei_path(self) -> Path:
        return TEI_DIR / f"{self.key}.xml"

    @property
    def source_path(self) -> Path:
        return SOURCES_DIR / self.source


DOCUMENTS: tuple[Document, ...] = (
    Document("article", "000_b93d21525b07aa24.txt", "Sergei Kirov (encyclopedia-style article)"),
    Document("dikova", "001_3b636ce1ed6aba42.txt", "Maria Dikova, MA dissertation (University of Oslo)"),
    Document("slides", "002_f055aa24c3545a26.txt", "Late Russia 1924–2000 (revision slides)"),
    Document("onthisday", "003_ba050c2f9b3ac596.txt", "December 1, 1934 (day-in-history article)"),
    Document("bakulin", "004_b0c43996d5a7ada5.txt", "Bakulin and Chemodanov, Entering 1937 (abstract)"),
)

#: Register files: not documents of their own, but pointed at from every document.
REGISTERS: tuple[str, ...] = ("persons", "places", "orgs", "bibliography", "synopsis")


def register_paths() -> list[Path]:
    """Return the register files that exist."""
    return [p for p in (TEI_DIR / f"{name}.xml" for name in REGISTERS) if p.exists()]


def document_paths() -> list[Path]:
    """The TEI documents of the edition: every ``tei/*.xml`` that is not a register.

    The five documents of :data:`DOCUMENTS` come first, in their order; any other
    document (a new one, or the copies of a scaled benchmark corpus) follows by name.
    """
    known = [d.tei_path for d in DOCUMENTS if d.tei_path.exists()]
    registers = {f"{name}.xml" for name in REGISTERS}
    others = sorted(p for p in TEI_DIR.glob("*.xml") if p.name not in registers and p not in known)
    return known + others


def edition_files() -> list[Path]:
    """Every TEI file of the edition: documents first, then registers."""
    return document_paths() + register_paths()


def by_key(key: str) -> Document:
    """Look a document up by its key."""
    for doc in DOCUMENTS:
        if doc.key == key:
            return doc
    raise KeyError(key)
