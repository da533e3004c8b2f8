"""Sphinx extension of the Kirov Edition: TEI sources, the edition domain, registers, styles.

Register with ``extensions = ['edition.sphinxext']``. TEI files (``.xml``) are read
by :class:`~edition.sphinxext.parser.TEIParser`; the :class:`EditionDomain`
collects anchors, footnotes, names and dates per document; register pages are
filled at ``doctree-resolved``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from edition import products
from edition.sphinxext.domain import EditionDomain, reading_ends, reading_starts
from edition.sphinxext.nodes import register_placeholder
from edition.sphinxext.parser import TEIParser
from edition.sphinxext.registers import RegisterDirective, fill_registers, link_names

STATIC = Path(__file__).parent / "static"

#: The environment holds what this code made of each document: other code (any file of the
#: package, another library) reads every document again. Derived from the code, not bumped by hand.
ENV_VERSION = int(products.code_version()[:15], 16)



def _add_static_path(app: Sphinx, config: Config) -> None:
    # The stylesheet ships with the extension, so a standalone render gets it too.
    config.html_static_path = [*config.html_static_path, str(STATIC)]


#: Extension modules that the edition always loads with its core.
FEATURES: tuple[str, ...] = (
    "edition.sphinxext.reading",
    "edition.sphinxext.writing",
    "edition.sphinxext.citation",
    "edition.sphinxext.dts",
    "edition.sphinxext.apparatus",
    "edition.sphinxext.parallel",
    "edition.sphinxext.search",
    "edition.sphinxext.changelog",
    "edition.sphinxext.anchors",
    "edition.sphinxext.downloads",
    "edition.sphinxext.epub",
    "edition.sphinxext.latex",
    "edition.sphinxext.security",
    "edition.sphinxext.registers",
    "edition.sphinxext.entrypages",
    "edition.sphinxext.guidelines",
    "edition.sphinxext.synopsis",
    "edition.sphinxext.readerpage",
    "edition.sphinxext.formulas",
    "edition.sphinxext.warned",
)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_reading", "edited", "env", types=frozenset({str}))
    app.add_source_suffix(".xml", "tei", override=True)
    app.add_source_parser(TEIParser, override=True)
    app.add_domain(EditionDomain)
    app.add_node(register_placeholder)
    app.add_directive("edition-register", RegisterDirective)
    app.connect("config-inited", _add_static_path)
    # Readers of a parallel read send back only their own records (domain.DocumentRecords).
    app.connect("env-before-read-docs", reading_starts)
    app.connect("env-updated", reading_ends, priority=100)
    app.connect("doctree-resolved", link_names)
    app.connect("doctree-resolved", fill_registers)
    app.add_css_file("edition.css")
    app.add_css_file("tei-foreign.css")  # constructs of other editions' TEI (xslt/lines.xsl, variants.xsl …)
    # Features with their own modules: each is a complete extension of its own.
    for feature in FEATURES:
        app.setup_extension(feature)
    return {
        "version": "0.1",
        "env_version": ENV_VERSION,
        # The domain keeps its data per document and merges it: reading in parallel is safe.
        "parallel_read_safe": True,
        # Writing only reads the merged domain data and changes the page's own doctree.
        "parallel_write_safe": True,
    }
