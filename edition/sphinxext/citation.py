"""Sphinx: citation pages, downloads, reference resolution and page metadata.

For each TEI document page (``tei/{key}``) this module writes, into the HTML output:

* ``cite/{key}.html`` — one section per citable unit (``id`` = the unit's
  ``xml:id``) with Chicago and MLA citations and download links; no JavaScript;
* ``cite/{key}/{xml:id}.bib|.ris|.json`` per unit and ``cite/{key}.bib|.ris|.json``
  for the whole document;
* ``cite/{key}/4/3/12.html`` — a redirect page per canonical reference
  (``dikova:4.3.12``), a meta refresh plus a link;
* ``cite/index.html`` with ``cite/refs.json`` — a resolver that takes
  ``?ref=dikova:4.3.12`` (JavaScript, an enhancement over the redirect pages);
* Highwire ``citation_*``, Dublin Core ``DC.*`` and schema.org JSON-LD in the
  ``<head>`` of each document page (through ``context['metatags']``).

Register with ``extensions = [..., "edition.sphinxext.citation"]`` or call
:func:`setup` from another extension's ``setup``. The edition's base URL is the
config value ``edition_base_url`` (falling back on ``html_baseurl``).

Each document's citations and its files under ``cite/`` are kept in the build's
product store (:mod:`edition.products`) under a digest of the TEI file, the base URL, the
version and this code: a build makes them again only for the documents that changed.
"""

from __future__ import annotations

import dataclasses
import html
import json
import posixpath
import weakref
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from edition import __version__, products
from edition import citation as citation_forms
from edition.citation import (
    ACCESS_DATE_PATTERNS,
    DEFAULT_BASE_URL,
    Citation,
    DocumentMetadata,
    cite_document,
    csl_json,
    document_metadata,
    page_url,
    resolver_path,
)
from edition.citeref import CiteStructureError
from edition.filenames import UnsafePath
from edition.sphinxext import security, workers
from edition.xmlsafe import XMLInputError, parse_file

logger = logging.getLogger(__name__)

CITE_DIR = "cite"


@dataclass(frozen=True)
class CitedDocument:
    """One document page and the citations of its units."""

    docname: str  #: e.g. ``tei/dikova``
    meta: DocumentMetadata
    citations: tuple[Citation, ...]


_CATALOGUES: "weakref.WeakKeyDictionary[Sphinx, Catalogue]" = weakref.WeakKeyDictionary()


def add_base_url_config(app: Sphinx) -> None:
    """Declare ``edition_base_url`` once (both this module and the DTS module read it)."""
    if "edition_base_url" not in app.config:
        app.add_config_value("edition_base_url", "", "html", types=frozenset({str}))


def base_url(app: Sphinx) -> str:
    """The edition's base URL, ending in ``/``."""
    url = app.config.edition_base_url or getattr(app.config, "html_baseurl", "") or DEFAULT_BASE_URL
    return url if url.endswith("/") else url + "/"


def is_html_site(app: Sphinx) -> bool:
    """The standalone HTML builder only (EPUB and single-page builds get no citation pages)."""
    return getattr(app.builder, "name", "") == "html"


def _portable(c: Citation) -> Citation:
    """The citation without its TEI element (which cannot be stored); nothing downstream reads it."""
    return dataclasses.replace(c, unit=dataclasses.replace(c.unit, element=None))


def citation_key(app: Sphinx, path: Path) -> str:
    """The digest of what a document's citations are made from."""
    # security: the redirect pages carry the policy it computes.
    return products.digest("citation", products.code_version(), products.file_digest(path), str(path),
                           base_url(app), __version__)


class Catalogue(Mapping[str, CitedDocument]):
    """The cited documents of a build, by docname, read from the product store one at a time.

    Only each document's key is held; a document's citations are loaded when asked for
    (the last one is kept, as a page asks for it twice in a row). Holding them all kept
    400 MB in the main process at 100x, and every forked writer inherited them.
    """

    def __init__(self, store: products.ProductStore, srcdir: Path, base: str) -> None:
        self._store = store
        self._srcdir = srcdir
        self._base = base
        self._keys: dict[str, str] = {}
        self._owners: dict[str, str] = {}  #: document key -> docname
        self._last: CitedDocument | None = None

    def add(self, docname: str, key: str) -> None:
        """Take in a document whose citations are made from ``key`` (made and stored now
        unless the store has them); one without citations is left out, with a warning, and so
        is one whose document key another document has (its files would replace the other's)."""
        doc_key = self._store.load("citation-key", docname, key)
        if doc_key is None:
            doc = self._cite(docname, key)
            if doc is None:
                return
            doc_key = doc.meta.key
        owner = self._owners.setdefault(doc_key.lower(), docname)
        if owner != docname:
            logger.warning("no citations for %s: its document key %r is already the key of %s", docname, doc_key,
                           owner, type="edition", subtype="citation", location=docname)
            return
        self._keys[docname] = key

    def key(self, docname: str) -> str:
        """The digest the document's citations are made from."""
        return self._keys[docname]

    def _cite(self, docname: str, key: str) -> CitedDocument | None:
        try:
            tree = parse_file(self._srcdir / (docname + ".xml"))
            citations = cite_document(tree, self._base, __version__, render=self._forms)
            meta = document_metadata(tree)
        except (CiteStructureError, XMLInputError, ValueError) as exc:
            logger.warning("no citations for %s: %s", docname, exc, type="edition", subtype="citation", location=docname)
            return None
        doc = CitedDocument(docname, meta, tuple(_portable(c) for c in citations))
        self._store.save("citation", docname, key, doc)
        self._store.save("citation-key", docname, key, meta.key)
        return doc

    def _forms(self, item: dict[str, object], label: str, local: str) -> dict[str, str]:
        """The rendered forms of a document's kind of unit, kept in the store: citeproc takes
        ~50 ms a form, and an edit of a document's text seldom changes what they show."""
        key = products.digest("citation-forms", products.code_version(), json.dumps([item, label, local], sort_keys=True))
        forms = self._store.load("citation-forms", key, key)
        if forms is None:
            forms = citation_forms.render_forms(item, label, local)
            self._store.save("citation-forms", key, key, forms)
        return forms

    def __getitem__(self, docname: str) -> CitedDocument:
        if self._last is not None and self._last.docname == docname:
            return self._last
        key = self._keys[docname]
        # Made again if the store could not keep it (a full disk, say).
        doc = self._store.load("citation", docname, key) or self._cite(docname, key)
        if doc is None:
            raise KeyError(docname)
        self._last = doc
        return doc

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def catalogue(app: Sphinx) -> Catalogue:
    """The cited documents of this build, by docname (made once per build, stored per document)."""
    if app in _CATALOGUES:
        return _CATALOGUES[app]
    found = Catalogue(products.store(app), Path(app.srcdir), base_url(app))
    for docname in sorted(d for d in app.env.found_docs if d.startswith("tei/")):
        path = Path(app.srcdir, docname + ".xml")
        if path.exists():
            found.add(docname, citation_key(app, path))
    _CATALOGUES[app] = found
    return found


def _builder_inited(app: Sphinx) -> None:
    _CATALOGUES.pop(app, None)


def _write_started(app: Sphinx, builder: object) -> None:
    """Compute the catalogue in the main process, before ``-j`` forks the writers.

    Each forked writer inherits it; computed lazily, every fork would redo it.
    """
    if is_html_site(app):
        catalogue(app)


# --- page metadata -----------------------------------------------------------


def _meta(name: str, content: str, attr: str = "name") -> str:
    return f'<meta {attr}="{html.escape(name)}" content="{html.escape(content)}" />'


def _name_text(name: dict[str, str]) -> str:
    return name.get("literal") or ", ".join(p for p in (name.get("family", ""), name.get("given", "")) if p)


def _schema_agent(name: dict[str, str], kind: str | None) -> dict[str, str]:
    agent = {"name": name.get("literal") or " ".join(p for p in (name.get("given", ""), name.get("family", "")) if p)}
    if kind:
        agent["@type"] = kind
    if "family" in name:
        agent["@type"] = "Person"
        agent["familyName"] = name["family"]
        if name.get("given"):
            agent["givenName"] = name["given"]
    return agent


def metadata_tags(meta: DocumentMetadata, url: str, edition_url: str, version: str) -> str:
    """Highwire, Dublin Core and schema.org JSON-LD for one document page (deterministic)."""
    tags: list[str] = [_meta("citation_title", meta.title)]
    tags += [_meta("citation_author", _name_text(a)) for a in meta.authors]
    tags += [_meta("citation_editor", _name_text(e)) for e in meta.editors]
    tags.append(_meta("citation_inbook_title", meta.edition_title))
    tags.append(_meta("citation_publisher", meta.publisher))
    if meta.issued:
        tags.append(_meta("citation_publication_date", meta.issued.replace("-", "/")))
    tags.append(_meta("citation_public_url", url))
    if meta.language:
        tags.append(_meta("citation_language", meta.language))
    tags.append('<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/" />')
    tags.append(_meta("DC.title", meta.title))
    tags += [_meta("DC.creator", _name_text(a)) for a in meta.authors]
    tags += [_meta("DC.contributor", _name_text(e)) for e in meta.editors]
    tags.append(_meta("DC.publisher", meta.publisher))
    if meta.issued:
        tags.append(_meta("DC.date", meta.issued))
    tags += [_meta("DC.type", "Text"), _meta("DC.format", "text/html"), _meta("DC.identifier", url)]
    if meta.language:
        tags.append(_meta("DC.language", meta.language))
    if meta.licence:
        tags.append(_meta("DC.rights", meta.licence))
    tags.append(_meta("DC.relation.isPartOf", meta.edition_title))
    ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": meta.title,
        "isPartOf": {"@type": "CreativeWork", "name": meta.edition_title, "url": edition_url},
        "editor": [_schema_agent(e, "Organization") for e in meta.editors],
        "publisher": {"@type": "Organization", "name": meta.publisher},
        "version": version,
    }
    if meta.authors:
        # The author of the source; typed Person only where the TEI marks the name's parts.
        ld["author"] = [_schema_agent(a, None) for a in meta.authors]
    if meta.issued:
        ld["datePublished"] = meta.issued
    if meta.licence:
        ld["license"] = meta.licence
    if meta.language:
        ld["inLanguage"] = meta.language
    tags.append(security.json_script(ld, kind="application/ld+json", ensure_ascii=False, sort_keys=True, indent=1))
    return "\n    ".join(tags) + "\n"


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if not is_html_site(app):
        return
    doc = catalogue(app).get(pagename)
    if doc is None:
        return
    tags = metadata_tags(doc.meta, page_url(base_url(app), doc.meta.key), base_url(app), __version__)
    cite_page = app.builder.get_relative_uri(pagename, f"{CITE_DIR}/{doc.meta.key}")
    tags += f'    <link rel="alternate" type="text/html" title="How to cite" href="{html.escape(cite_page)}" />\n'
    context["metatags"] = context.get("metatags", "") + tags


# --- the citation pages ---------------------------------------------------------


def _unit_section(doc: CitedDocument, c: Citation, page_link: str) -> str:
    key = doc.meta.key
    anchor = c.unit.xml_id or c.unit.ref
    files = f"{key}/{anchor}"
    level = min(c.unit.level + 1, 6)
    target = f"{page_link}#{c.unit.xml_id}" if c.unit.xml_id else page_link
    e = html.escape
    return f"""<section class="citation-unit citation-level-{c.unit.level}" id="{e(anchor)}">
<h{level}>{e(c.unit.ref)} <small>({e(c.unit.unit)})</small></h{level}>
<p class="citation-target"><a href="{e(target)}">Go to {e(c.unit.unit)} {e(c.unit.local)}</a> ·
 permanent URL: <a class="citation-url" href="{e(c.url)}"><code>{e(c.url)}</code></a></p>
<dl class="citation-forms">
<dt>Chicago (note)</dt><dd class="citation-chicago-note">{c.chicago_note}</dd>
<dt>Chicago (bibliography)</dt><dd class="citation-chicago-bibliography">{c.chicago_bibliography}</dd>
<dt>MLA (works cited)</dt><dd class="citation-mla">{c.mla}</dd>
<dt>MLA (in-text)</dt><dd class="citation-mla-in-text">{c.mla_in_text}</dd>
</dl>
<p class="citation-downloads">Download: <a href="{e(files)}.bib" download="">BibTeX</a> ·
 <a href="{e(files)}.ris" download="">RIS</a> · <a href="{e(files)}.json" download="">CSL-JSON</a></p>
</section>"""


def cite_page_body(doc: CitedDocument, page_link: str) -> str:
    """The HTML body of ``cite/{key}.html``."""
    e = html.escape
    key = doc.meta.key
    version = doc.citations[0].version if doc.citations else __version__
    head = f"""<section id="cite-{e(key)}">
<h1>How to cite: {e(doc.meta.title)}</h1>
<p>Every citable unit of <a href="{e(page_link)}">{e(doc.meta.title)}</a> has a canonical reference
 (such as <code>{e(doc.citations[0].ref if doc.citations else key)}</code>) and a permanent URL. These citations
 refer to version {e(version)} of the edition. Add the date you consulted it: Chicago
 “{e(ACCESS_DATE_PATTERNS['chicago'])}” before the URL, MLA “{e(ACCESS_DATE_PATTERNS['mla'])}” at the end.</p>
<p class="citation-downloads">All units of this document: <a href="{e(key)}.bib" download="">BibTeX</a> ·
 <a href="{e(key)}.ris" download="">RIS</a> · <a href="{e(key)}.json" download="">CSL-JSON</a></p>
</section>"""
    return head + "\n" + "\n".join(_unit_section(doc, c, page_link) for c in doc.citations)


@dataclass(frozen=True)
class CitePage:
    """A document's page under ``cite/``, and what the resolver page shows of the document."""

    key: str  #: the document's key, e.g. ``dikova``
    title: str  #: the document's title
    body: str  #: the page's HTML body (:func:`cite_page_body`)
    #: The reference and resolver path of its first unit below the top level, if any.
    example: tuple[str, str] | None


def cite_page(doc: CitedDocument, page_link: str) -> CitePage:
    """The page of ``doc`` under ``cite/``; ``page_link`` leads from it to the document."""
    example = next((c for c in doc.citations if c.unit.level > 1), None)
    return CitePage(doc.meta.key, doc.meta.title, cite_page_body(doc, page_link),
                    (example.ref, resolver_path(example.unit)) if example else None)


def resolver_body(pages: Collection[CitePage], builder: Any) -> str:
    """The HTML body of ``cite/index.html``: a list of documents and a ``?ref=`` resolver."""
    e = html.escape
    items = "\n".join(
        f'<li><a href="{e(builder.get_relative_uri(f"{CITE_DIR}/index", f"{CITE_DIR}/{p.key}"))}">{e(p.title)}</a>'
        f" (<code>{e(p.key)}:…</code>)</li>"
        for p in pages
    )
    example = next((p.example for p in pages if p.example), None)
    hint = (
        f" For example <a href=\"{e(example[1])}\"><code>{e(example[0])}</code></a> is at"
        f" <code>cite/{e(example[1])}</code>."
        if example
        else ""
    )
    # The script only enhances: without it the form reloads this page and the paths above still resolve.
    script = '<script src="../_static/cite-resolver.js"></script>'
    return f"""<section id="cite-resolver">
<h1>Resolve a canonical reference</h1>
<p>A canonical reference names a document and a unit in it, e.g. <code>dikova:4.3.12</code> (chapter 4, section 3,
 paragraph 12). Each has a page <code>cite/{{document}}/{{part}}/{{part}}….html</code> that leads to the text.{hint}</p>
<form method="get" action="index.html"><label>Reference: <input name="ref" placeholder="dikova:4.3.12" /></label>
 <button type="submit">Go</button></form>
<p id="resolver-result" role="status"></p>
<h2>Documents</h2>
<ul>
{items}
</ul>
</section>
{script}"""


def _collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    if not is_html_site(app):
        return
    docs = catalogue(app)
    store = products.store(app)
    listed: list[CitePage] = []
    for docname in docs:
        # Kept in the store: made again only when the document's citations (their key covers
        # this code) or its page change, so a build loads no citations of the documents it did not change.
        key = products.digest("cite-page", docs.key(docname), app.builder.get_target_uri(docname))
        page = store.load("cite-page", docname, key)
        if page is None:
            doc = docs[docname]
            pagename = f"{CITE_DIR}/{doc.meta.key}"
            page = cite_page(doc, app.builder.get_relative_uri(pagename, docname))
            store.save("cite-page", docname, key, page)
        yield f"{CITE_DIR}/{page.key}", {"title": security.page_title(f"How to cite: {page.title}"), "body": page.body}, "page.html"
        listed.append(dataclasses.replace(page, body=""))
    yield f"{CITE_DIR}/index", {"title": "Resolve a canonical reference", "body": resolver_body(listed, app.builder)}, "page.html"


# --- static files ------------------------------------------------------------------


def _redirect_page(target: str, absolute: str, ref: str) -> str:
    e = html.escape
    return security.police(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8" />
<title>{e(ref)}</title>
<meta http-equiv="refresh" content="0; url={e(target)}" />
<link rel="canonical" href="{e(absolute)}" />
<meta name="robots" content="noindex" />
</head><body><p><a href="{e(target)}">{e(ref)}</a></p></body></html>
""")


def document_files(docname: str, doc: CitedDocument, builder: Any) -> tuple[dict[str, bytes], dict[str, str]]:
    """One document's files under ``cite/`` (path relative to ``cite/`` → bytes) and its
    entries of ``refs.json`` (reference → link relative to ``cite/``)."""
    files: dict[str, bytes] = {}
    refs: dict[str, str] = {}
    key = doc.meta.key
    page = builder.get_target_uri(docname)  # relative to the site root, e.g. tei/dikova.html
    files[f"{key}.bib"] = "\n".join(c.bibtex for c in doc.citations).encode()
    files[f"{key}.ris"] = "".join(c.ris for c in doc.citations).encode()
    files[f"{key}.json"] = csl_json([c.csl for c in doc.citations]).encode()
    paths: dict[str, Citation] = {}
    for c in doc.citations:
        stem = f"{key}/{c.unit.xml_id or c.unit.ref}"
        files[stem + ".bib"] = c.bibtex.encode()
        files[stem + ".ris"] = c.ris.encode()
        files[stem + ".json"] = c.csl_json.encode()
        path = resolver_path(c.unit)
        if path in paths or path == f"{key}.html":
            # Two references that differ only in their delimiters: the later one resolves by its id.
            path = f"{key}/_id/{c.unit.xml_id or len(paths)}.html"
        paths[path] = c
        anchor = f"#{c.unit.xml_id}" if c.unit.xml_id else ""
        target = posixpath.relpath(page, posixpath.dirname(f"{CITE_DIR}/{path}")) + anchor
        files[path] = _redirect_page(target, c.url, c.ref).encode()
        refs[c.ref] = posixpath.relpath(page, CITE_DIR) + anchor
    return files, refs


def _refs_json(refs: dict[str, str]) -> bytes:
    return (json.dumps(refs, ensure_ascii=False, sort_keys=True, indent=0) + "\n").encode()


def update_static(app: Sphinx) -> tuple[int, int]:
    """Bring the files under ``cite/`` up to date: only the documents whose citations (or
    page) changed are written again; files of units that are gone are removed.

    Returns the number of files and their bytes.
    """
    store = products.store(app)
    files = products.FileSet(Path(app.outdir) / CITE_DIR)
    refs: dict[str, str] = {}
    count = size = 0
    docs = catalogue(app)
    for docname in docs:
        key = products.digest(docs.key(docname), app.builder.get_target_uri(docname))
        previous = store.stored("cite-files", docname)
        if previous is not None and previous[0] == key and files.intact(previous[1][0]):
            sizes, doc_refs = previous[1]
        else:
            made, doc_refs = document_files(docname, docs[docname], app.builder)
            sizes = files.write(made, previous[1][0] if previous is not None else None)
            store.save("cite-files", docname, key, (sizes, doc_refs))
        refs.update(doc_refs)
        count += len(sizes)
        size += sum(sizes.values())
    for docname in set(store.names("cite-files")) - set(docs):
        # A document that is gone: its files go too.
        gone = store.stored("cite-files", docname)
        files.write({}, gone[1][0] if gone is not None else None)
        store.forget("cite-files", docname)
    index = _refs_json(refs)
    files.write({"refs.json": index})
    return count + 1, size + len(index)


def _write_static(app: Sphinx) -> None:
    try:
        count, size = update_static(app)
    except UnsafePath as exc:  # never met after validation: the references are checked there
        logger.warning("citation files not written: %s", exc, type="edition", subtype="citation")
        return
    logger.info("citation: %d files (%d bytes) under %s/", count, size, CITE_DIR)


def setup(app: Sphinx) -> dict[str, Any]:
    add_base_url_config(app)
    app.connect("builder-inited", _builder_inited)
    app.setup_extension("edition.sphinxext.workers")
    # After the handlers that start other processes (the two readings, the synopsis), which
    # then run while this one makes the citations of the documents that changed.
    app.connect("write-started", _write_started, priority=600)
    app.connect("html-page-context", _page_context)
    app.connect("html-collect-pages", _collect_pages)
    workers.files_beside_pages(app, "cite-files", _write_static, is_html_site)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
