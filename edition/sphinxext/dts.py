"""Sphinx: write the static DTS 1.0 API (:mod:`edition.dts`) into ``_build/html/api/dts/``.

Register with ``extensions = [..., "edition.sphinxext.dts"]`` or call :func:`setup`
from another extension's ``setup``. Runs for the HTML builder, on the TEI documents
that the build read (docnames ``tei/*``), once every document is written: in another
process while Sphinx writes the generated pages (with ``-j``), else at ``build-finished``.

Each document's files are kept in the build's product store (:mod:`edition.products`) under a
digest of the TEI file, the base URL and this code: a build writes again only the
files of the documents that changed (and the collection, if it changed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from edition import __version__, products
from edition.citeref import CiteStructureError
from edition.dts import API_DIR, document_api, edition_files, templates
from edition.filenames import UnsafePath
from edition.sphinxext import workers
from edition.sphinxext.citation import add_base_url_config, base_url, is_html_site

logger = logging.getLogger(__name__)


def update_api(app: Sphinx, paths: list[Path]) -> tuple[int, int]:
    """Bring ``api/dts/`` up to date for the documents at ``paths``; return (files, bytes)."""
    store = products.store(app)
    files = products.FileSet(Path(app.outdir) / API_DIR)
    url = base_url(app)
    t = templates(url)
    code = products.code_version()
    members = []
    count = size = 0
    names = set()
    for path in paths:
        name = path.stem
        names.add(name)
        key = products.digest("dts", code, products.file_digest(path), str(path), url, __version__)
        previous = store.stored("dts", name)
        if previous is not None and previous[0] == key and files.intact(previous[1][0]):
            sizes, member = previous[1]
        else:
            api = document_api(path, t, url)
            sizes, member = files.write(api.files, previous[1][0] if previous is not None else None), api.member
            store.save("dts", name, key, (sizes, member))
        members.append(member)
        count += len(sizes)
        size += sum(sizes.values())
    for name in set(store.names("dts")) - names:
        gone = store.stored("dts", name)
        files.write({}, gone[1][0] if gone is not None else None)
        store.forget("dts", name)
    whole = edition_files(members, t, app.config.project)
    files.write(whole)
    return count + len(whole), size + sum(len(d) for d in whole.values())


def _write_api(app: Sphinx) -> None:
    paths = [
        Path(app.srcdir, d + ".xml") for d in sorted(app.env.found_docs) if d.startswith("tei/") and Path(app.srcdir, d + ".xml").exists()
    ]
    try:
        count, size = update_api(app, paths)
    except (CiteStructureError, UnsafePath) as exc:
        logger.warning("DTS API not written: %s", exc, type="edition", subtype="dts")
        return
    logger.info("dts: %d files (%d bytes) under %s/", count, size, API_DIR)


def setup(app: Sphinx) -> dict[str, Any]:
    add_base_url_config(app)
    app.setup_extension("edition.sphinxext.workers")
    workers.files_beside_pages(app, "dts", _write_api, is_html_site)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
