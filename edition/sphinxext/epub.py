"""Sphinx: the EPUB 3 of the whole edition, made reproducible and readable in an e-reader.

* The apparatus (footnotes and editorial notes, in ``container.apparatus``)
  stays linearised below its paragraph; ``edition-epub.css`` drops the
  site's side-column layout, which e-readers do not have. Callout and note
  link both ways (the XSLT gives both ids), so a reader can jump and return.
* Sphinx writes the ``.epub`` with each file's mtime; :func:`repack` writes it
  again with ``SOURCE_DATE_EPOCH`` for every entry (same order, ``mimetype``
  first and stored), so two builds of one commit give the same bytes. On the
  way it mends two things epubcheck rejects in Sphinx's package: the NCX's
  ``dtb:uid`` (:func:`align_ncx_uid`) and the manifest properties of pages
  with inline SVG or scripts (:func:`declare_properties`).

``epubcheck`` is run by ``edition build epub`` (:mod:`edition.build`), not here:
a failing check must stop the release, not only this step.
"""

from __future__ import annotations

import zipfile
from html import escape
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from edition import __version__
from edition.provenance import source_date_epoch
from edition.sphinxext.downloads import write_zip

logger = logging.getLogger(__name__)

EPUB_CSS = "edition-epub.css"


def is_epub(app: Sphinx) -> bool:
    return getattr(app.builder, "name", "") in {"epub", "epub3"}


def align_ncx_uid(ncx: bytes, uid: str, identifier: str) -> bytes:
    """Give the NCX the OPF's identifier as ``dtb:uid``.

    Sphinx writes ``epub_uid`` (an XML name, the OPF's id of the identifier)
    into both files, but the NCX must carry the identifier itself (epubcheck
    NCX-001), and a URL is not an XML name.
    """
    old = f'<meta name="dtb:uid" content="{escape(uid, quote=True)}"/>'.encode()
    new = f'<meta name="dtb:uid" content="{escape(identifier, quote=True)}"/>'.encode()
    if old not in ncx:
        raise ValueError("toc.ncx: no dtb:uid to align with the OPF identifier")
    return ncx.replace(old, new, 1)


def declare_properties(opf: bytes, entries: list[tuple[str, bytes]]) -> bytes:
    """Declare ``svg`` and ``scripted`` on the manifest items of pages that have them (epubcheck OPF-014).

    Sphinx's manifest declares no properties but ``nav``; a page with inline
    SVG (a chart) or a script must say so.
    """
    for name, data in entries:
        if not name.endswith(".xhtml") or name == "nav.xhtml":
            continue
        properties = [p for p, marker in (("scripted", b"<script"), ("svg", b"<svg")) if marker in data]
        if not properties:
            continue
        href = f'href="{escape(name, quote=True)}" media-type="application/xhtml+xml"'.encode()
        if href + b" />" not in opf:
            raise ValueError(f"content.opf: no manifest item for {name}")
        opf = opf.replace(href + b" />", href + f' properties="{" ".join(properties)}" />'.encode(), 1)
    return opf


def repack(epub: Path, epoch: int, *, uid: str, identifier: str) -> Path:
    """Rewrite ``epub`` with fixed dates and modes, entries in the order Sphinx wrote them."""
    with zipfile.ZipFile(epub) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist() if not info.is_dir()]
    if not entries or entries[0][0] != "mimetype":
        raise ValueError(f"{epub}: the first entry is not 'mimetype'")
    fixes = {"toc.ncx": lambda data: align_ncx_uid(data, uid, identifier),
             "content.opf": lambda data: declare_properties(data, entries)}
    entries = [(name, fixes[name](data) if name in fixes else data) for name, data in entries]
    return write_zip(epub, entries, epoch, stored={"mimetype"})


def _builder_inited(app: Sphinx) -> None:
    if is_epub(app):
        app.add_css_file(EPUB_CSS)


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not is_epub(app):
        return
    epub = Path(app.outdir) / f"{app.config.epub_basename}.epub"
    if epub.is_file():
        repack(epub, source_date_epoch(Path(app.srcdir)), uid=app.config.epub_uid,
               identifier=app.config.epub_identifier)
        logger.info("epub: %s repacked reproducibly (%d bytes)", epub.name, epub.stat().st_size)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _builder_inited)
    app.connect("build-finished", _build_finished)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
