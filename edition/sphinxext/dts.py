"""Sphinx: write the static DTS 1.0 API (:mod:`edition.dts`) into ``_build/html/api/dts/``.

Register with ``extensions = [..., "edition.sphinxext.dts"]`` or call :func:`setup`
from another extension's ``setup``. Runs at ``build-finished`` for the HTML builder,
on the TEI documents that the build read (docnames ``tei/*``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from edition import __version__
from edition.citeref import CiteStructureError
from edition.dts import API_DIR, write_api
from edition.sphinxext.citation import add_base_url_config, base_url, is_html_site

logger = logging.getLogger(__name__)


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not is_html_site(app):
        return
    paths = [
        Path(app.srcdir, d + ".xml") for d in sorted(app.env.found_docs) if d.startswith("tei/") and Path(app.srcdir, d + ".xml").exists()
    ]
    try:
        report = write_api(Path(app.outdir) / API_DIR, paths, base_url(app), app.config.project)
    except CiteStructureError as exc:
        logger.warning("DTS API not written: %s", exc, type="edition", subtype="dts")
        return
    logger.info("dts: %d files (%d bytes) under %s/", len(report.files), report.size, API_DIR)


def setup(app: Sphinx) -> dict[str, Any]:
    add_base_url_config(app)
    app.connect("build-finished", _build_finished)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
