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
version = release = "0.1"
language = "en"

extensions = ["edition.sphinxext"]

source_suffix = {".rst": "restructuredtext", ".xml": "tei"}
root_doc = "index"

# Only these are sources; registers, schema, drafts, tests and the rest are not.
include_patterns = [
    "index.rst",
    "front/*.rst",
    "tei/article.xml",
    "tei/dikova.xml",
    "tei/slides.xml",
    "tei/onthisday.xml",
    "tei/bakulin.xml",
]
exclude_patterns = [
    "_build", ".venv", "bench", "tests", "tei/sources", "tei/schema", "tei/drafts",
    "tei/persons.xml", "tei/places.xml", "tei/orgs.xml", "tei/bibliography.xml",
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
