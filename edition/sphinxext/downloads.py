"""Sphinx: the TEI behind every page, and the whole edition as one reproducible archive.

For the HTML site this module

* copies the TEI source of each TEI page next to it (``tei/dikova.xml`` beside
  ``tei/dikova.html``), with the schema (``tei/schema/``) that the files'
  ``xml-model`` instructions name relatively, so a downloaded file validates;
* when ``edition_archive`` is set (the edition's ``conf.py`` sets it; a
  standalone ``edition render`` does not), writes
  ``downloads/kirov-edition-{version}.zip``: documents, registers,
  ``corpus.xml`` (the teiCorpus made by ``xslt/metadata/corpus.xsl``, the same
  stylesheet as the library package), schema, source texts and stylesheets;
* gives the page template ``edition_tei_source`` and ``edition_archive_url``
  (relative links) and ``edition_licence``/``edition_licence_url`` (config
  values of the same names), for the footer in ``_templates/layout.html``.

The archive is reproducible (:func:`write_zip`): entries sorted, every
timestamp ``SOURCE_DATE_EPOCH``, fixed permissions, no directory entries, so
the same commit gives the same bytes anywhere. No page depends on the copies or the
archive, so they are written in a process of their own from the moment the generated
pages start (:func:`.workers.files_beside_pages`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from edition import __version__, products
from edition.filenames import output_path
from edition.projectfiles import read_regular
from edition.provenance import source_date_epoch
from edition.sphinxext import workers

logger = logging.getLogger(__name__)

DOWNLOADS_DIR = "downloads"
#: Directory names inside the edition that are never shipped (caches, drafts).
SKIPPED_PARTS = frozenset({"__pycache__", "drafts", ".pytest_cache"})

#: The earliest time a zip entry can carry (the format counts from 1980).
ZIP_EPOCH_MIN = (1980, 1, 1, 0, 0, 0)


#: Kind of product in the store: the size of the archive written from a key.
ARCHIVE_PRODUCT = "archive"


def archive_name(version: str = __version__) -> str:
    """The archive's file name (also its top folder, without ``.zip``)."""
    return f"kirov-edition-{version}.zip"


def zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    """``SOURCE_DATE_EPOCH`` as a zip entry's date (UTC; not before 1980)."""
    import time

    stamp = tuple(time.gmtime(epoch)[:6])
    return max(stamp, ZIP_EPOCH_MIN)  # type: ignore[return-value]


def write_zip(target: Path, entries: Iterable[tuple[str, bytes]], epoch: int, *, stored: Iterable[str] = ()) -> Path:
    """Write ``entries`` (archive name, bytes) into ``target`` so that the bytes depend on nothing else.

    Entries are written in the order given (callers that have no required
    order sort them); names in ``stored`` are not compressed (EPUB's
    ``mimetype``). Every entry gets the same date and mode ``0644``; no
    directory entries, no extra fields, no comment.
    """
    stamp = zip_time(epoch)
    stored = frozenset(stored)
    tmp = target.with_name(f".{target.name}.tmp")
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(tmp, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the mode below is read
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=9 if name not in stored else None)
    tmp.replace(target)
    return target


def tree_entries(source: Path, prefix: str) -> list[tuple[str, bytes]]:
    """Every file under ``source`` as (``prefix/relative/path``, bytes), caches and drafts left out."""
    files = []
    for folder, dirs, names in os.walk(source):  # a link to a folder is never entered
        dirs[:] = [d for d in dirs if d not in SKIPPED_PARTS and not d.startswith(".")]
        files += [p for p in (Path(folder, n) for n in names)
                  if not p.name.startswith(".") and p.is_file() and not p.is_symlink()]
    return [(f"{prefix}/{p.relative_to(source).as_posix()}", read_regular(p)) for p in sorted(files)]


def corpus_xml(tei_files: list[Path], epoch: int) -> bytes:
    """The teiCorpus of ``tei_files`` (all in one directory), made as the package makes it."""
    from edition.package import METADATA_XSLT, Stylesheets, _is_tei, write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "corpus.xml"
        write_corpus(Stylesheets(METADATA_XSLT), [p for p in tei_files if _is_tei(p)], out, epoch)
        return out.read_bytes()


def corpus_entry(epoch: int) -> tuple[str, bytes]:
    """The archive's ``teiCorpus`` of the edition's TEI files."""
    from edition.documents import edition_files

    return f"{archive_name().removesuffix('.zip')}/tei/corpus.xml", corpus_xml(edition_files(), epoch)


def archive_entries(epoch: int, corpus: bool = True) -> list[tuple[str, bytes]]:
    """What the edition archive holds, sorted by name, under one top folder (without the
    ``teiCorpus`` made from the TEI files if ``corpus`` is false)."""
    from edition.documents import SCHEMA_DIR, SOURCES_DIR, TEI_DIR, XSLT_DIR, edition_files

    top = archive_name().removesuffix(".zip")
    entries = [(f"{top}/tei/{p.name}", p.read_bytes()) for p in edition_files()]
    if corpus:
        entries.append(corpus_entry(epoch))
    for extra in ("ENCODING.md", "anchors.tsv"):
        if (TEI_DIR / extra).is_file():
            entries.append((f"{top}/tei/{extra}", (TEI_DIR / extra).read_bytes()))
    for source, prefix in ((SCHEMA_DIR, "tei/schema"), (SOURCES_DIR, "tei/sources"), (XSLT_DIR, "xslt")):
        if source.is_dir():
            entries += tree_entries(source, f"{top}/{prefix}")
    return sorted(entries)


def _is_html_site(app: Sphinx) -> bool:
    return getattr(app.builder, "name", "") in {"html", "dirhtml"}


def tei_pages(app: Sphinx) -> dict[str, Path]:
    """Docname → TEI source file of every page read from TEI."""
    env = app.env
    pages = {}
    for docname in sorted(env.found_docs):
        path = Path(env.doc2path(docname))
        if path.suffix == ".xml":
            pages[docname] = path
    return pages


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if not _is_html_site(app):
        return
    pathto = context["pathto"]
    context["edition_licence"] = app.config.edition_licence
    context["edition_licence_url"] = app.config.edition_licence_url
    if pagename in tei_pages(app):
        context["edition_tei_source"] = pathto(f"{pagename}.xml", 1)
    if app.config.edition_archive:
        context["edition_archive_url"] = pathto(f"{DOWNLOADS_DIR}/{archive_name()}", 1)


#: Kind of product in the store: the files :func:`copy_sources` wrote last time.
COPIES_PRODUCT = "downloads-copies"


def copy_sources(app: Sphinx) -> list[Path]:
    """Copy each TEI page's source beside it, and the schema its xml-model names; return the copies.

    A copy whose source is gone (a schema file removed since the last build) is removed:
    what the site publishes is what the project holds now.
    """
    outdir = Path(app.outdir)
    written = []
    schema_dirs = set()
    for docname, source in tei_pages(app).items():
        target = output_path(outdir, f"{docname}.xml")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
        schema_dirs.add((source.parent / "schema", target.parent / "schema"))
    for source, target in sorted(schema_dirs):
        if source.is_dir() and not source.is_symlink():
            for name, data in tree_entries(source, "."):
                path = output_path(outdir, (target / name).relative_to(outdir).as_posix())
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                written.append(path)
    store = products.store(app)
    now = sorted(p.relative_to(outdir).as_posix() for p in written)
    before = store.stored(COPIES_PRODUCT, "copies")
    for rel in sorted(set(before[1] if before else ()) - set(now)):
        output_path(outdir, rel).unlink(missing_ok=True)
    store.save(COPIES_PRODUCT, "copies", "", now)
    return written


def write_archive(app: Sphinx, target: Path) -> Path:
    """Write the edition archive to ``target``, unless it is there as made from the same inputs
    (the archive's files, among them the stylesheets that make its corpus, the code and
    ``SOURCE_DATE_EPOCH``)."""
    epoch = source_date_epoch(Path(app.srcdir))
    sources = archive_entries(epoch, corpus=False)
    key = products.digest(
        ARCHIVE_PRODUCT, epoch, __version__, products.code_version(),
        *(f"{name}:{hashlib.sha256(data).hexdigest()}" for name, data in sources),
    )
    store = products.store(app)
    if store.load(ARCHIVE_PRODUCT, target.name, key) == _size(target):
        return target
    write_zip(target, sorted([*sources, corpus_entry(epoch)]), epoch)
    store.save(ARCHIVE_PRODUCT, target.name, key, _size(target))
    return target


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def _write_downloads(app: Sphinx) -> None:
    written = copy_sources(app)
    if app.config.edition_archive:
        target = Path(app.outdir) / DOWNLOADS_DIR / archive_name()
        for old in target.parent.glob(archive_name("*")):  # the archive of another version
            if old != target:
                old.unlink()
        written.append(write_archive(app, target))
    logger.info("downloads: %d files (%d bytes)", len(written), sum(p.stat().st_size for p in written))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_archive", False, "html", types=frozenset({bool}))
    # The licence stated in the page footer, the EPUB's rights and the PDF's metadata.
    if "edition_licence" not in app.config:
        app.add_config_value("edition_licence", "", "env", types=frozenset({str}))
        app.add_config_value("edition_licence_url", "", "env", types=frozenset({str}))
    app.connect("html-page-context", _page_context)
    # No page depends on the copies or the archive: they are written beside the pages.
    app.setup_extension("edition.sphinxext.workers")
    workers.files_beside_pages(app, "downloads", _write_downloads, _is_html_site)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
