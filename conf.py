"""Sphinx configuration of the Kirov Edition.

Sources are the landing page, the front matter and the five TEI documents; the
TEI files are read by the edition's extension (``edition.sphinxext``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

project = "The Kirov Edition"
author = "Editorial team of the Kirov Edition"
copyright = "2026, Editorial team of the Kirov Edition (CC BY 4.0 for the editorial matter)"
# The version has one home, pyproject.toml (read through the installed package).
from edition import __version__ as release  # noqa: E402

version = release
language = "en"

extensions = ["edition.sphinxext"]

source_suffix = {".rst": "restructuredtext", ".xml": "tei"}
root_doc = "index"

# Only these are sources; registers, schema, drafts, tests and the rest are not.
include_patterns = [
    "index.rst",
    "front/*.rst",
    "registers/*.rst",
    "synopsis/index.rst",
    "parallel/index.rst",
    # Every document (edition.documents.document_paths(): tei/*.xml but the
    # registers, which exclude_patterns removes), so new and scaled corpora build too.
    "tei/*.xml",
]
exclude_patterns = [
    "_build", ".venv", "bench", "tests", "tei/sources", "tei/schema", "tei/drafts",
    "tei/persons.xml", "tei/places.xml", "tei/orgs.xml", "tei/bibliography.xml", "tei/synopsis.xml",
    "**/.pytest_cache", "kirov_edition.egg-info",
]

# The edited reading (corrections, normalised quotation marks) is the published one.
edition_reading = "edited"

html_theme = "alabaster"
html_theme_options = {
    "page_width": "1240px",
    "sidebar_width": "220px",
    "font_family": "Georgia, 'Times New Roman', serif",
    "head_font_family": "Georgia, 'Times New Roman', serif",
    "code_font_family": "'DejaVu Sans Mono', Menlo, Consolas, monospace",
    "show_powered_by": False,
}
html_static_path: list[str] = []
html_title = project
html_show_sourcelink = False
html_copy_source = False

# --- outputs for libraries: licence, TEI downloads, EPUB, PDF (edition.sphinxext.downloads/epub/latex)
#: The licence as every teiHeader states it (tests/test_outputs.py checks that they agree).
edition_licence = (
    "The encoding, apparatus and editorial matter are licensed under Creative Commons Attribution 4.0 "
    "International (CC BY 4.0). The source texts remain the work of their authors and are reproduced "
    "for scholarly study."
)
edition_licence_url = "https://creativecommons.org/licenses/by/4.0/"
templates_path = ["_templates"]
#: Write downloads/kirov-edition-{version}.zip (TEI, corpus, schema, sources, stylesheets).
edition_archive = True

epub_basename = "kirov-edition"
epub_title = project
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_rights = f"{edition_licence} {edition_licence_url}"
epub_language = "en"
epub_identifier = "https://kirov-edition.example.org/"
epub_scheme = "URL"
#: Fixed, not random: a new uid per build would make every EPUB different.
epub_uid = "kirovedition"
epub_show_urls = "no"
epub_use_index = False
epub_tocscope = "default"

latex_engine = "xelatex"
latex_documents = [(root_doc, "kirov-edition.tex", project, author, "manual")]
latex_show_urls = "no"
latex_use_xindy = False
latex_domain_indices = False
# Preamble, fonts and PDF metadata: edition.sphinxext.latex (latex_elements are set there).
