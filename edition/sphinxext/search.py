"""The search page and the data the search index needs from Sphinx.

The edition's search is a chunked static index (written after Sphinx by
:mod:`edition.search` in the format of :mod:`edition.searchindex`), not
Sphinx's single ``searchindex.js``, which every query would download whole
(see ``bench/README.md`` for the measurements).
This extension therefore

* switches Sphinx's own search index off for the HTML builder;
* writes a search page (``search.html``, where the theme's search box already
  points) whose script reads that index and, without
  JavaScript, says so and points to the registers and the contents;
* records which persons each paragraph or note mentions and which pages are TEI
  documents (``search-mentions.json`` in the doctree directory), for the index's
  ``person`` filter;
* builds the index (:func:`edition.search.build_search_index`) as soon as the last
  document page is written: with ``-j``, in another process while this one renders
  the generated pages (:func:`.workers.files_beside_pages`; at 100× it took 14–16 s
  of the main process alone after Sphinx), else when the build ends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from markupsafe import escape
from sphinx.application import Sphinx

from edition.search import BUNDLE_DIR, MENTIONS_FILE, build_search_index
from edition.sphinxext import workers
from edition.sphinxext.domain import EditionDomain

STATIC = Path(__file__).parent / "static"
#: The page links below are relative to a search page at the site root, as ``html`` writes it.
HTML_BUILDERS = frozenset({"html"})
REGISTER_LABELS = {"persons": "persons", "places": "places", "orgs": "organisations", "bibliography": "works cited"}


def _disable_sphinx_search(app: Sphinx) -> None:
    # Sphinx's index is one file holding every word of the edition; the chunked index replaces it.
    if app.builder.name in HTML_BUILDERS:
        app.builder.search = False  # type: ignore[attr-defined]


def _search_body(app: Sphinx) -> str:
    """The search page's content: the search form, the result list and the no-script message."""
    builder = app.builder
    domain = cast(EditionDomain, app.env.domains["edition"])
    links = [
        f'<a href="{escape(builder.get_relative_uri("search", page))}">the register of {label}</a>'
        for kind, label in REGISTER_LABELS.items()
        if (page := domain.register_page(kind)) is not None
    ]
    links.append(f'<a href="{escape(builder.get_relative_uri("search", app.config.root_doc))}">the contents</a>')
    links.append(f'<a href="{escape(builder.get_relative_uri("search", "genindex"))}">the general index</a>')
    where = ", ".join(links[:-1]) + " and " + links[-1]
    return f"""
<section class="edition-search-page">
<h1>Search</h1>
<p class="edition-search-help">Search the text and the apparatus (footnotes and editorial notes)
of every document. Results link to the paragraph or note, in the order of the edition; filter
them by document, by person mentioned and by text or apparatus. A word also finds the words it
begins (<em>collectivi</em> finds <em>collectivisation</em>); several words find the passages
that hold all of them.</p>
<noscript><p class="edition-search-noscript">Searching needs JavaScript, which is switched off in
this browser. Every document can still be read and navigated: use {where}, which link to the
paragraphs.</p></noscript>
<form id="edition-search" class="edition-search-form" action="search.html" method="get"
      role="search" data-index="{BUNDLE_DIR}/" hidden>
<p><label for="edition-search-q">Words to find</label>
<input id="edition-search-q" name="q" type="search" autocomplete="off" spellcheck="false">
<button type="submit">Search</button></p>
<fieldset class="edition-search-filters"><legend>Filters</legend>
<label for="edition-search-doc">Document</label>
<select id="edition-search-doc" name="doc"><option value="">all documents</option></select>
<label for="edition-search-person">Person mentioned</label>
<select id="edition-search-person" name="person"><option value="">any or none</option></select>
<label for="edition-search-part">Part</label>
<select id="edition-search-part" name="part"><option value="">text and apparatus</option>
<option value="text">text only</option><option value="apparatus">apparatus only</option></select>
</fieldset>
</form>
<p id="edition-search-status" class="edition-search-status" role="status" aria-live="polite"></p>
<ol id="edition-search-results" class="edition-search-results"></ol>
<p><button id="edition-search-more" type="button" hidden>More results</button></p>
</section>
<link rel="stylesheet" href="_static/search.css">
<script src="_static/search.js"></script>
"""


def _collect_search_page(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    if app.builder.name not in HTML_BUILDERS:
        return
    yield "search", {"title": "Search", "body": _search_body(app)}, "page.html"


def _write_mentions(app: Sphinx) -> None:
    """Record persons per anchor and the TEI document pages for :mod:`edition.search`."""
    from edition.registers import load_registers

    try:
        registers = load_registers(Path(app.srcdir) / "tei")
    except (OSError, ValueError):
        registers = None
    domain = cast(EditionDomain, app.env.domains["edition"])
    persons: dict[str, list[str]] = {}
    for key, found in domain.mentions("persons").items():
        name = registers[key].display if registers is not None and key in registers else key
        for _docname, mention in found:
            names = persons.setdefault(mention["anchor"], [])
            if name not in names:
                names.append(name)
    pages = sorted(d for d in app.env.found_docs if app.env.doc2path(d).suffix == ".xml")
    data = {"pages": [app.builder.get_target_uri(d) for d in pages], "persons": persons}
    (Path(app.doctreedir) / MENTIONS_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _write_index(app: Sphinx) -> None:
    """The mentions, then the index of the document pages (which are all written by now)."""
    _write_mentions(app)
    build_search_index(Path(app.outdir), Path(app.doctreedir))


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("edition.sphinxext.workers")
    app.connect("builder-inited", _disable_sphinx_search)
    app.connect("html-collect-pages", _collect_search_page)
    workers.files_beside_pages(app, "search", _write_index, lambda app: app.builder.name in HTML_BUILDERS)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
