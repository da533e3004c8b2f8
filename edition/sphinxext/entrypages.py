"""One page per register entry: ``registers/persons/stalin.html``, ``registers/chronology/date-1934.html``.

A register page (persons, places, organisations, bibliography, chronology) lists
every entry with what the edition knows of it; on the HTML site, the mentions of an
entry stand under it only when there are at most :data:`INLINE_LIMIT`. An entry with
more says how many there are, in how many documents, and links to its own page,
which lists them all, grouped by document (in the real edition: Kirov, Stalin and ten
other persons, four places, four organisations and three dates of the chronology).
An entry page is a listing, not an address to cite: the citable address of an entry
is its anchor on the register page (``registers/persons.html#stalin``), which every
entry keeps whatever its number of mentions, and which the name links of the texts use.
Only entries that need one get a page because each page Sphinx writes costs about 10 ms
of navigation and template, which for all 414 entries would add more than the
pages are worth at 1× (measured: +8 s to a clean build).

Why: a register page holding every mention of every entry grows with the edition.
Built as one doctree it took 5.8 GB for the edition replicated 100 times (issue 9),
and its HTML grew to 84 MB. Here a register page holds the entries' heads, and an
entry page is made alone, its mentions rendered one document at a time (at most
:data:`RUN` at once), so the memory a build needs is bounded by one page, not by the edition.

EPUB and PDF have no such pages: there every register lists all its mentions in place.

A page's body is made once per version of what it lists (the entry, its mentions with
their contexts, the titles of their documents) and of this code, and kept in the
build's product store (:mod:`edition.products`) in parts, one per document; a build
where nothing it lists changed writes it from the stored body, and one where a
document changed renders that document's part only (at 100× the page of a person
named in every document lists tens of thousands of mentions). With ``-j`` the pages
whose stored body is out of date are made in other processes from ``write-started`` on,
while Sphinx writes the documents (:func:`start_pages`), not in the main process.
"""

from __future__ import annotations

import html
import json
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from edition import products, stagetimes
from edition.sphinxext import registers, workers
from edition.sphinxext.domain import Mention, group_of, record_digests
from edition.sphinxext.parallel import is_html_site, page_state, render_fragment
from edition.sphinxext.registers import PAGES, Listed
from edition.sphinxext.security import page_title

#: An entry with at most this many mentions lists them on the register page as well.
INLINE_LIMIT = 25
#: Mentions of one document rendered at once on an entry page: what bounds the memory a page needs.
RUN = 8000

Labels = dict[tuple[str, str], str] | None


def entry_pagename(register_doc: str, ident: str) -> str:
    """The page of the entry ``ident`` of the register page ``register_doc``."""
    return f"{register_doc}/{ident}"


def shows_inline(app: Sphinx, listed: Listed) -> bool:
    """Does the register page list the entry's mentions itself?"""
    return not is_html_site(app) or len(listed.mentions) <= INLINE_LIMIT


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def entry_link(app: Sphinx, listed: Listed, fromdocname: str) -> nodes.paragraph:
    """On the register page ``fromdocname``: how many mentions, and the way to the entry's page."""
    noun = registers.NOUNS[listed.kind][0]
    uri = app.builder.get_relative_uri(fromdocname, entry_pagename(fromdocname, listed.ident))
    para = nodes.paragraph(classes=["entry-page-link"])
    para += nodes.Text(f"{_plural(len(listed.mentions), noun)} in "
                       f"{_plural(listed.documents, 'document')}, listed on ")
    para += nodes.reference("", "the entry's own page", refuri=uri, internal=True)
    para += nodes.Text(".")
    return para


def runs(mentions: list[tuple[str, Mention]], size: int = RUN) -> Iterator[list[tuple[str, Mention]]]:
    """The mentions in runs of one document each; a document with more than ``size`` is cut."""
    run: list[tuple[str, Mention]] = []
    for docname, mention in mentions:
        if run and (run[-1][0] != docname or len(run) >= size):
            yield run
            run = []
        run.append((docname, mention))
    if run:
        yield run


def _run_key(app: Sphinx, common: str, pagename: str, listed: Listed, run: list[tuple[str, Mention]], labels: Labels) -> str:
    """The digest of everything one run of an entry's page shows."""
    docname = run[0][0]
    run_labels = sorted((k, v) for k, v in labels.items() if k[0] == docname) if labels else []
    data = json.dumps([listed.kind, run, registers.doc_title(app, docname), run_labels], sort_keys=True, ensure_ascii=False)
    return products.digest(common, pagename, data)


#: An entry page's body in parts, as ``(key, html)``: its head (key ``""``), then each run.
Parts = list[tuple[str, str]]


def render_entry(app: Sphinx, listed: Listed, pagename: str, register_doc: str, labels: Labels,
                 common: str, kept: dict[str, str] | None) -> Parts:
    """The HTML of an entry's page in parts: its head, with a link back to the register,
    then every mention, one document at a time (:func:`runs`). A run whose key is in
    ``kept`` (runs of the page as made before) is taken from there, not rendered again."""
    head = nodes.container(classes=["entry-page-head"])
    head.extend(node.deepcopy() for node in listed.head)
    back = nodes.paragraph(classes=["entry-register-link"])
    back += nodes.Text("In the register: ")
    uri = app.builder.get_relative_uri(pagename, register_doc) + "#" + listed.ident
    back += nodes.reference("", registers.doc_title(app, register_doc), refuri=uri, internal=True)
    head += back
    parts = [("", f'<section id="{html.escape(listed.ident)}"><h1>{html.escape(listed.title)}</h1>'
                  + render_fragment(app, head))]
    for run in runs(listed.mentions):
        key = _run_key(app, common, pagename, listed, run, labels)
        fragment = kept.get(key) if kept else None
        if fragment is None:
            listing = registers.listing(app, listed.kind, pagename, run, labels)
            fragment = render_fragment(app, nodes.container("", *listing, classes=["entry-mentions"]))
        parts.append((key, fragment))
    return parts


def joined(parts: Parts) -> str:
    """The body an entry page's parts make."""
    return "".join(fragment for _, fragment in parts) + "</section>"


def page_key(app: Sphinx, common: str, pagename: str, listed: Listed, labels: Labels) -> str:
    """The digest of everything an entry's page shows: its mentions by the digest of each
    document's part of them (:func:`.domain.record_digests`)."""
    cited = {docname for docname, _ in listed.mentions}
    docs = sorted(cited)
    listed_labels = sorted((k, v) for k, v in labels.items() if k[0] in cited) if labels else []
    records = app.env.domains["edition"].docs
    group = group_of(listed.mentions[0][1]) if listed.mentions else ""
    data = json.dumps([listed.kind, listed.title, [n.pformat() for n in listed.head],
                       [(d, registers.doc_title(app, d), record_digests(records[d])[group]) for d in docs],
                       listed_labels],
                      sort_keys=True, ensure_ascii=False)
    return products.digest(common, pagename, data)


@stagetimes.stage("registers")
def _body(app: Sphinx, store: products.ProductStore, common: str, page: EntryPage, key: str) -> str:
    """An entry page's body (``key``: its :func:`page_key`): as stored if nothing it shows
    changed, else made again from the runs that changed and the stored runs of the others."""
    stored = store.stored("entry", page.pagename)
    if stored is not None and stored[0] == key:
        return joined(stored[1])
    kept = dict(stored[1][1:]) if stored is not None and isinstance(stored[1], list) else None
    parts = render_entry(app, page.listed, page.pagename, page.register_doc, page.labels, common, kept)
    store.save("entry", page.pagename, key, parts)
    return joined(parts)


@dataclass(frozen=True)
class EntryPage:
    """An entry that has a page of its own, and what its page is made from."""

    pagename: str
    register_doc: str
    register_title: str
    listed: Listed
    labels: Labels


def _common(app: Sphinx) -> str:
    """The part of every entry page's key that is the same for all of them."""
    return products.digest("entry", products.code_version(), products.config_digest(app))


def entry_pages(app: Sphinx) -> Iterator[EntryPage]:
    """Every entry with a page of its own, register by register, in the registers' order."""
    domain = app.env.domains["edition"]
    for kind in PAGES:
        register_doc = domain.register_page(kind)
        if register_doc is None:
            continue
        labels = registers.note_labels(app) if kind == "bibliography" else None
        register_title = registers.doc_title(app, register_doc)
        for listed in registers.listings(app, kind):
            if not shows_inline(app, listed):
                yield EntryPage(entry_pagename(register_doc, listed.ident), register_doc, register_title,
                                listed, labels)


#: Per build: every entry page with its key, computed once (at 100× each key digests tens of
#: thousands of mentions: seconds for them all).
_KEYED: "weakref.WeakKeyDictionary[Sphinx, list[tuple[EntryPage, str]]]" = weakref.WeakKeyDictionary()


@stagetimes.stage("registers")
def keyed_pages(app: Sphinx) -> list[tuple[EntryPage, str]]:
    """Every entry page (:func:`entry_pages`) with its key (:func:`page_key`), once per build."""
    if app not in _KEYED:
        common = _common(app)
        _KEYED[app] = [(page, page_key(app, common, page.pagename, page.listed, page.labels))
                       for page in entry_pages(app)]
    return _KEYED[app]


def start_pages(app: Sphinx, builder: Any) -> None:
    """When writing starts: the entry pages whose stored body is out of date are made in
    other processes (``-j``) while Sphinx writes the documents; :func:`collect_pages` then
    finds them in the store. At 100× they took 83 s of the main process alone."""
    _KEYED.pop(app, None)  # a new build (the preview server keeps its application)
    if not is_html_site(app) or not workers.can_start(app):
        return
    store = products.store(app)
    common = _common(app)
    missing = {page.pagename: (page, key) for page, key in keyed_pages(app)
               if not store.exists("entry", page.pagename, key)}

    def make(name: str) -> None:
        page, key = missing[name]
        _body(app, store, common, page, key)

    workers.make_each(app, "entry", sorted(missing), lambda name: len(missing[name][0].listed.mentions), make)


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Every entry page, one at a time (``html-collect-pages``)."""
    if not is_html_site(app):
        return
    workers.finish(app, "entry")
    page_state(app)
    store = products.store(app)
    common = _common(app)
    for page, key in keyed_pages(app):
        body = _body(app, store, common, page, key)
        parent = {"link": app.builder.get_relative_uri(page.pagename, page.register_doc),
                  "title": page_title(page.register_title)}
        context = {"title": page_title(f"{page.listed.title} ({page.register_title})"), "body": body,
                   "parents": [parent], "display_toc": False}
        yield page.pagename, context, "page.html"
    _KEYED.pop(app, None)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("edition.sphinxext.workers")
    app.connect("write-started", start_pages)
    app.connect("html-collect-pages", collect_pages)
    return {
        "version": "0.1",
        # Nothing is stored in the environment: the pages are made from the domain's data.
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
