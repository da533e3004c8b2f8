"""Two readings side by side: a page ``parallel/{key}.html`` for every TEI document.

The same TEI file goes through the same stylesheets twice, once per reading
(``diplomatic``: source pages ``[9]``, running heads, sic, original ‟ „ and line-end
hyphens; ``edited``: corrected and normalised). Each doctree is cut into units: a
unit starts at every block with an id (a paragraph, a list, an item, a section's title)
and takes the id-less blocks that follow it (page breaks between paragraphs, a running
head). Units are paired by that id and rendered in two columns, one row per unit; the
differences carry the classes of their readings (``sic``/``corr``, ``orig``/``reg``,
``norm``, ``fw``, ``pb``), which ``apparatus.css`` marks.

Ids of the copies get the prefix ``dip-`` or ``ed-`` so the page's ids stay unique;
the row has the unit's own id, so ``parallel/dikova.html#dikova-p0007`` finds the pair.
Links to what is not on the page (the list of emendations) go to the document page.

Only the standalone HTML builder writes these pages (``html-collect-pages``); every
document page links to its parallel page at ``doctree-resolved``. The EPUB and the PDF
have the diplomatic reading of every document in ``parallel/index.rst``
(:class:`ReadingsDirective`), which on the site lists the pages of two readings.

A page's body is made once per version of its inputs and kept in the build's product
store (:mod:`edition.products`): the files its document read (the TEI file, the
stylesheet's modules, the registers), the pages that list the registers, the
configuration and the code. A build where a document did not change
writes its page from the stored body. With ``-j`` the bodies that must be made again
are made in other processes (Sphinx's ``ParallelTasks``) while Sphinx writes the
documents, from ``write-started`` on, and collected when the pages are written.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers import docutils_xml
from docutils.utils import new_document
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from edition import products
from edition.collector import one_by_one
from edition.documents import DOCUMENTS, by_key
from edition.sphinxext import workers
from edition.sphinxext.domain import COPY_CLASS
from edition.sphinxext.parser import transform_inputs, transform_source
from edition.xmlsafe import XMLInputError
from edition.sphinxext.security import page_title

logger = logging.getLogger(__name__)

PARALLEL_DIR = "parallel"
READINGS = (("diplomatic", "dip-", "Diplomatic reading (the source as printed)"),
            ("edited", "ed-", "Edited reading (corrected and normalised)"))

#: Blocks whose id starts a unit of the parallel view.
UNIT_NODES = (nodes.paragraph, nodes.list_item, nodes.container, nodes.bullet_list,
              nodes.enumerated_list, nodes.table, nodes.block_quote)

Unit = tuple[str, list[nodes.Element]]


def is_html_site(app: Sphinx) -> bool:
    return getattr(app.builder, "name", "") == "html"


def tei_documents(app: Sphinx) -> dict[str, Path]:
    """Docname → TEI file, for every document read from a ``.xml`` source."""
    found: dict[str, Path] = {}
    for docname in sorted(app.env.found_docs):
        path = Path(app.env.doc2path(docname))
        if path.suffix == ".xml":
            found[docname] = path
    return found


def page_name(docname: str) -> str:
    return f"{PARALLEL_DIR}/{docname.rsplit('/', 1)[-1]}"


def reading_doctree(app: Sphinx, source: Path, reading: str) -> nodes.document:
    """The doctree of one reading of a TEI file (the parser's path, without the environment)."""
    document = new_document(str(source), _settings(app))
    result = transform_source(app.doctreedir, source, reading)
    docutils_xml.Parser().parse(result.xml, document)
    return document


def _settings(app: Sphinx) -> Any:
    from docutils.frontend import get_default_settings

    settings = get_default_settings(docutils_xml.Parser)
    settings.env = app.env
    settings.report_level = 5  # the real page's build already reported the document's problems
    return settings


def unit_key(node: nodes.Element) -> str:
    """The id that names the unit starting at ``node`` (empty: it joins the unit before it)."""
    if node.get("ids") and isinstance(node, UNIT_NODES):
        return node["ids"][0]
    if "section-title" in node.get("classes", ()):
        return node["ids"][0]
    if isinstance(node, UNIT_NODES) and not ("layout" in node.get("classes", ())):
        for inner in node.findall(lambda n: isinstance(n, UNIT_NODES) and bool(n.get("ids"))):
            return inner["ids"][0]
    return ""


def blocks(section: nodes.Element) -> Iterator[nodes.Element]:
    """The body blocks of a document in order; a section gives its title, then its blocks."""
    for child in section.children:
        if isinstance(child, nodes.section):
            if "emendation-list" in child["classes"]:
                continue  # the edited reading's list of emendations is apparatus, not text
            title = child.next_node(nodes.title)
            if title is not None:
                heading = nodes.paragraph("", "", *(c.deepcopy() for c in title.children),
                                          classes=["section-title"], ids=list(child["ids"]))
                yield heading
            yield from blocks(child)
        elif isinstance(child, nodes.title):
            continue
        elif isinstance(child, nodes.container) and "div" in child["classes"] \
                and any(isinstance(c, nodes.container) and "unit" in c["classes"] for c in child.children):
            # An untitled div of paragraphs: its paragraphs are the units, not the div.
            yield from blocks(child)
        elif isinstance(child, nodes.Element):
            yield child


def units(document: nodes.document) -> list[Unit]:
    """The document cut into units: [(key, blocks)]; leading id-less blocks have the key ''."""
    root = document.next_node(nodes.section) or document
    found: list[Unit] = [("", [])]
    for block in blocks(root):
        key = unit_key(block)
        if key:
            found.append((key, [block]))
        else:
            found[-1][1].append(block)
    return [u for u in found if u[1]]


def pair(left: list[Unit], right: list[Unit]) -> list[tuple[str, list[nodes.Element], list[nodes.Element]]]:
    """Rows in the right (edited) order; a unit only one reading has keeps its place after its predecessor."""
    lefts = dict(left)
    order = [k for k, _ in right]
    placed = set(order)
    previous = ""
    for key, _ in left:
        if key not in placed:
            at = order.index(previous) + 1 if previous in placed else 0
            order.insert(at, key)
            placed.add(key)
        previous = key
    rights = dict(right)
    return [(k, lefts.get(k, []), rights.get(k, [])) for k in order]


def prefixed(blocks_: list[nodes.Element], prefix: str, present: set[str]) -> list[nodes.Element]:
    """The blocks, their ids and internal links given ``prefix``; records the new ids in ``present``.

    The blocks are changed in place: each belongs to one unit of a doctree made for this
    page alone (:func:`reading_doctree`), so nothing else sees them.
    """
    for block in blocks_:
        block.document = None  # it moves to the page's tree (as a copy would)
        for node in block.findall(nodes.Element):
            if node.get("ids"):
                node["ids"] = [prefix + i for i in node["ids"]]
                present.update(node["ids"])
            if node.get("refid"):
                node["refid"] = prefix + node["refid"]
            if node.get("backrefs"):
                node["backrefs"] = [prefix + i for i in node["backrefs"]]
    return blocks_


def retarget(blocks_: list[nodes.Element], prefix: str, present: set[str], doc_uri: str) -> None:
    """Links to ids that are not on this page go to the document page instead.

    A link by ``refid`` already carries ``prefix`` (see ``prefixed``); a same-page link
    by ``refuri="#id"`` (the XSLT's ¶ permalinks) names the unprefixed id: it goes to the
    row of that unit, else to this reading's copy, else to the document page.
    """
    for block in blocks_:
        for ref in list(block.findall(nodes.reference)):
            target = ref.get("refid")
            if target and target not in present:
                del ref["refid"]
                ref["refuri"] = f"{doc_uri}#{target[len(prefix):]}"
                ref["internal"] = True
            uri = ref.get("refuri", "")
            if uri.startswith("#") and len(uri) > 1:
                fragment = uri[1:]
                if fragment in present:
                    continue
                ref["refuri"] = (f"#{prefix}{fragment}" if prefix + fragment in present
                                 else f"{doc_uri}#{fragment}")


def render_page(app: Sphinx, docname: str, source: Path) -> tuple[str, str]:
    """The title and the HTML body of the parallel page of one document."""
    from edition.sphinxext.apparatus import link_register_entries
    from edition.sphinxext.registerpages import link_names

    pagename = page_name(docname)
    doc_uri = app.builder.get_relative_uri(pagename, docname)
    doctrees = {reading: reading_doctree(app, source, reading) for reading, _, _ in READINGS}
    for doctree in doctrees.values():
        link_names(app, doctree, pagename)
        link_register_entries(app, doctree, pagename)
    title_node = doctrees["edited"].next_node(nodes.title)
    title = title_node.astext() if title_node else docname
    rows = pair(units(doctrees["diplomatic"]), units(doctrees["edited"]))
    present: set[str] = {key for key, _, _ in rows if key}
    columns = [(key, prefixed(dip, "dip-", present), prefixed(ed, "ed-", present)) for key, dip, ed in rows]
    # One tree for the whole page, rendered at once: render_partial per unit is slow.
    table = nodes.container(classes=["parallel-readings"])
    table += nodes.container("", *(nodes.container("", nodes.paragraph(text=label), classes=[f"head-{reading}"])
                                   for reading, _, label in READINGS), classes=["parallel-header"])
    for key, dip, ed in columns:
        retarget(dip, "dip-", present, doc_uri)
        retarget(ed, "ed-", present, doc_uri)
        row = nodes.container(classes=["parallel-row"], ids=[key] if key else [])
        for (reading, _, _), content in zip(READINGS, (dip, ed)):
            row += nodes.container("", *content, classes=["reading", reading])
        if key:
            row += nodes.paragraph("", "", nodes.reference("", key, refuri=f"{doc_uri}#{key}", internal=True,
                                                            classes=["row-link"]), classes=["row-ref"])
        table += row
    body = render_fragment(app, table)
    html = (
        f'<section id="parallel"><h1>{_escape(title)}: the two readings</h1>'
        f'<p class="parallel-intro">The <a href="{doc_uri}">edition of this document</a> shows the edited '
        'reading with its apparatus. Here each unit of the text stands twice: on the left as the source '
        'prints it (the diplomatic reading), on the right as the edition reads it. '
        'How the readings are made is explained in the editorial principles.</p>'
        '<div class="parallel-legend"><span class="source">source reading</span> '
        '(sic, original spelling and quotation marks, running heads, page breaks) · '
        '<span class="edited">editorial reading</span> (correction, regularisation, supplied word)</div>'
        + body + "</section>"
    )
    return title, html


def page_state(app: Sphinx) -> None:
    """Give the builder the per-page numbering its translator reads for every title.

    Sphinx sets it only while writing documents: a build that writes none (nothing
    changed) has none when the extension pages are rendered.
    """
    for attribute in ("fignumbers", "secnumbers"):
        if not hasattr(app.builder, attribute):
            setattr(app.builder, attribute, {})


def render_fragment(app: Sphinx, node: nodes.Element) -> str:
    """HTML of a node by the builder's translator, without the docutils transforms that
    ``render_partial`` runs (the XSLT's doctree needs none, and they are slow on a long text)."""
    from docutils.frontend import get_default_settings
    from docutils.writers import html5_polyglot

    # The settings the builder writes its pages with (set when writing starts).
    settings = getattr(app.builder, "docsettings", None) or get_default_settings(html5_polyglot.Writer)
    document = new_document("<parallel>", settings)
    document.append(node)
    page_state(app)
    visitor = app.builder.create_translator(document, app.builder)
    document.walkabout(visitor)
    return "".join(visitor.fragment)


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def page_key(app: Sphinx, docname: str, source: Path) -> str:
    """The digest of everything the body of a document's parallel page is made from: the
    files its document read (:func:`edition.products.document_inputs`: the TEI file, the
    stylesheet's modules, the registers it links to), which the page reads again, the pages
    that hold each register (name links and apparatus links point at them), the
    configuration and the code."""
    domain = app.env.domains["edition"]
    register_pages = sorted((kind, d) for d, data in domain.docs.items() for kind in data["registers"])
    return products.digest(
        "parallel", products.code_version(), products.config_digest(app),
        products.document_inputs(app.env, docname, source), register_pages, docname, str(source),
    )


#: A page made for the store: (title, body), or None when the TEI could not be read.
Made = tuple[str, str] | None


def _make(app: Sphinx, docnames: list[str]) -> dict[str, Made]:
    """Bodies of the parallel pages of ``docnames`` (in this process)."""
    sources = tei_documents(app)
    made: dict[str, Made] = {}
    for docname in docnames:
        try:
            made[docname] = render_page(app, docname, sources[docname])
        except XMLInputError as exc:
            logger.warning("parallel view of %s not written: %s", docname, exc.message,
                           type="edition", subtype="parallel")
            made[docname] = None
    return made


#: Documents whose page another process could not make in this build (it said why).
_FAILED: "weakref.WeakKeyDictionary[Sphinx, set[str]]" = weakref.WeakKeyDictionary()


def _keys(app: Sphinx) -> dict[str, str]:
    return {docname: page_key(app, docname, source) for docname, source in tei_documents(app).items()}


def start_readings(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """When reading starts (``env-before-read-docs``, with ``-j``): the stylesheet's other
    reading of each TEI document about to be read is made in another process and stored,
    while Sphinx reads them. A page of two readings, made when writing starts, then finds
    both readings in the store: the reading the document was read in, and this one. A
    one-paragraph edit of the dissertation leaves a core idle while its reader works
    (the other documents it makes Sphinx read again are short)."""
    if not is_html_site(app) or not workers.runs_parallel(app):
        return
    sources = tei_documents(app)
    todo = sorted((d for d in docnames if d in sources), key=lambda d: -sources[d].stat().st_size)
    others = [reading for reading, _, _ in READINGS if reading != app.config.edition_reading]

    def make(share: list[str]) -> None:
        for docname in one_by_one(share):
            for reading in others:
                try:
                    transform_source(app.doctreedir, sources[docname], reading)
                except XMLInputError:
                    pass  # its reader reports it, and the page of two readings says it is not written

    workers.start(app, "readings", [todo], make, lambda _result: None)


def start_pages(app: Sphinx, builder: Any) -> None:
    """When writing starts: make the pages that are not in the store in other processes
    (``-j``), while Sphinx writes the documents; they store them, :func:`page_bodies` reads them."""
    workers.finish(app, "readings")  # begun with the reading (a build that writes no page has no readings)
    if not is_html_site(app) or not workers.can_start(app):
        return
    store = products.store(app)
    keys = _keys(app)
    missing = [docname for docname, key in keys.items() if not store.exists("parallel", docname, key)]
    sources = tei_documents(app)
    failed = _FAILED.setdefault(app, set())

    def make(names: list[str]) -> list[str]:
        # In the other process: each page goes to the store as soon as it is made, so that
        # neither process holds a share's pages (at 100x, hundreds of megabytes).
        unmade = []
        for docname in one_by_one(names):
            page = _make(app, [docname])[docname]
            if page is None:
                unmade.append(docname)  # reported by this process
            else:
                store.save("parallel", docname, keys[docname], page)
        return unmade

    shares = workers.shares(missing, lambda d: sources[d].stat().st_size, app.parallel)
    workers.start(app, "parallel", shares, make, failed.update)


def page_bodies(app: Sphinx) -> Iterator[tuple[str, str, str]]:
    """(docname, title, body) of every parallel page, one at a time: from the store, or made
    and stored.

    Pages that :func:`start_pages` is making in other processes are waited for; any
    page still missing is made here. One body is in memory at a time: at 100× all of
    them together are hundreds of megabytes.
    """
    workers.finish(app, "parallel")
    failed = _FAILED.pop(app, set())
    store = products.store(app)
    for docname, key in _keys(app).items():
        stored = store.load("parallel", docname, key)
        if stored is None and docname not in failed:
            stored = _make(app, [docname])[docname]
            if stored is not None:
                store.save("parallel", docname, key, stored)
        if stored is not None:
            title, body = stored
            yield docname, title, body


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    if not is_html_site(app):
        return
    page_state(app)
    for docname, title, body in page_bodies(app):
        context = {"title": page_title(f"{title}: the two readings"), "body": body,
                   "parents": [{"link": app.builder.get_relative_uri(page_name(docname), docname),
                                "title": page_title(title)}],
                   "display_toc": False}
        yield page_name(docname), context, "page.html"


def link_parallel_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Under a document's title: a link to its parallel page."""
    if not is_html_site(app) or docname not in tei_documents(app):
        return
    section = doctree.next_node(nodes.section)
    if section is None:
        return
    uri = app.builder.get_relative_uri(docname, page_name(docname))
    para = nodes.paragraph("", "", classes=["parallel-link"])
    para += nodes.Text("Read the ")
    para += nodes.reference("", "diplomatic and the edited reading side by side", refuri=uri, internal=True)
    para += nodes.Text(".")
    title = section.next_node(nodes.title)
    section.insert(section.index(title) + 1 if title is not None else 0, para)


def _in_edition_order(sources: dict[str, Path]) -> list[tuple[str, Path]]:
    known = [f"tei/{d.key}" for d in DOCUMENTS]
    order = [d for d in known if d in sources] + sorted(d for d in sources if d not in known)
    return [(d, sources[d]) for d in order]


def _title(docname: str) -> str:
    try:
        return by_key(docname.rsplit("/", 1)[-1]).title
    except KeyError:
        return docname


def words_only(blocks_: list[nodes.Element], prefix: str, present: set[str]) -> None:
    """Links to what a reading's copy does not hold (the edited reading's list of
    emendations) keep their words only: while a document is read, the LaTeX builder
    knows no page to link to."""
    for block in blocks_:
        for ref in list(block.findall(nodes.reference)):
            uri = ref.get("refuri", "")
            target = ref.get("refid") or (prefix + uri[1:] if uri.startswith("#") and len(uri) > 1 else "")
            if target and target not in present and uri[1:] not in present:
                ref.replace_self(nodes.inline("", "", *ref.children, classes=ref["classes"]))


#: The document that holds ``.. edition-readings::`` in the edition.
READINGS_DOC = "parallel/index"


def readings_outdated(app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """A document added or removed changes the list of readings: read their page again
    (a changed document is a dependency of the page already)."""
    if READINGS_DOC in env.found_docs and any(d.startswith("tei/") for d in added | removed):
        return [READINGS_DOC]
    return []


class ReadingsDirective(SphinxDirective):
    """``.. edition-readings::``: the diplomatic reading of every TEI document (``parallel/index``).

    In the EPUB and the PDF each document's diplomatic reading becomes a section of this
    document, made while it is read by the same stylesheets with the reading
    ``diplomatic``; its ids carry the prefix ``dip-``, and it is marked
    :data:`COPY_CLASS`. On the site, where every document has its page of two
    readings, this page lists those pages.
    """

    has_content = False

    def run(self) -> list[nodes.Node]:
        app = self.env.app
        sources = _in_edition_order(tei_documents(app))
        if is_html_site(app):
            pages = nodes.bullet_list(classes=["parallel-pages"])
            for docname, _source in sources:
                uri = app.builder.get_relative_uri(self.env.docname, page_name(docname))
                pages += nodes.list_item("", nodes.paragraph("", "", nodes.reference(
                    "", f"{_title(docname)}: the two readings", refuri=uri, internal=True)))
            return [pages]
        found: list[nodes.Node] = []
        for docname, source in sources:
            for path in transform_inputs(source):
                self.env.note_dependency(str(path))
            try:
                doctree = reading_doctree(app, source, "diplomatic")
            except XMLInputError as exc:
                logger.warning("diplomatic reading of %s not included: %s", docname, exc.message,
                               location=self.get_location(), type="edition", subtype="parallel")
                continue
            present: set[str] = set()
            sections = prefixed([c for c in doctree.children if isinstance(c, nodes.section)], "dip-", present)
            words_only(sections, "dip-", present)
            retarget(sections, "dip-", present, "")
            for section in sections:
                section["classes"].append(COPY_CLASS)
                for node in section.findall(nodes.Element):
                    if node["ids"]:
                        self.state.document.set_id(node)
            found.extend(sections)
        return found


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("edition.sphinxext.workers")
    app.connect("env-before-read-docs", start_readings)
    app.connect("write-started", start_pages)
    app.connect("html-collect-pages", collect_pages)
    app.connect("doctree-resolved", link_parallel_page)
    app.add_directive("edition-readings", ReadingsDirective)
    app.connect("env-get-outdated", readings_outdated)
    return {
        "version": "0.2",
        # Nothing is stored in the environment: the pages are made from the TEI at write time
        # (and kept in the product store, per document).
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
