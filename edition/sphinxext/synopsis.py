"""Parallel views: the synopsis pages, and tables of figures drawn as charts.

**Synopsis.** ``tei/synopsis.xml`` groups passages of the five documents that
tell of the same events: one ``linkGrp type="synopsis"`` per topic, its heading
in ``desc``, the editors' verdict in ``@subtype`` (agree, conflict, complement),
one ``ptr`` per passage (``@target`` lists the ids of its paragraphs, items,
tables or segments in reading order), and an editorial ``note`` whose
``@target`` points at the group. The HTML builder gets one page per group
(``synopsis/{id}``: the passages side by side, one column per source, each with
the document's title, its canonical reference and a link back to its place in
context).

``synopsis/index.rst`` is an ordinary document of the edition, with the placeholder
``.. edition-synopsis::``, filled at ``doctree-resolved`` (:func:`fill_synopsis`): on the
site with the list of topics, linked from the landing page; in the EPUB and the PDF,
which have no pages of columns, with the topics themselves, as sections (heading,
verdict, note, passages source by source), all of them nodes.

The passages are taken from the documents' own doctrees, so they read exactly
as on the document's page (edited reading, corrections marked); their anchors,
footnote callouts and links are removed in the copy, because the anchors belong
to the document's page and would be duplicates here.

A group's page is kept in the build's product store (:mod:`edition.products`) under a digest
of ``synopsis.xml``, the doctrees and TEI files of the documents it quotes, the
configuration and this code, so a build makes again only the pages whose passages
may have changed. The warnings of a page are kept with it and given again.

**Charts.** Every table of dated figures (:mod:`edition.chart`) gets its chart,
an inline SVG drawn from the TEI's numbers, inserted after the table in the
HTML, where the table itself stays the accessible data.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docutils import nodes
from lxml import etree
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from edition import chart, products
from edition.citeref import citable_units
from edition.documents import DOCUMENTS, TEI_DIR, by_key
from edition.sphinxext import workers
from edition.xmlsafe import parse_file
from edition.sphinxext.security import page_title
from edition.transform import stylesheet_closure

logger = logging.getLogger(__name__)

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

SYNOPSIS_FILE = "synopsis.xml"
#: Directory of the generated pages in the HTML output.
PAGE_DIR = "synopsis"
VERDICTS = {
    "agree": "The sources agree",
    "conflict": "The sources conflict",
    "complement": "The sources complement each other",
}


@dataclass(frozen=True)
class Passage:
    """One passage of one document: the ids of its units, in reading order."""

    targets: tuple[str, ...]

    @property
    def key(self) -> str:
        """The document key (the id prefix)."""
        return self.targets[0].split("-", 1)[0]


@dataclass(frozen=True)
class Group:
    """One topic of the synopsis."""

    id: str  #: ``syn-…``
    heading: str
    verdict: str  #: agree | conflict | complement
    passages: tuple[Passage, ...]
    note: tuple[tuple[str, str], ...]  #: the editorial note as ("text", …) and ("ptr", id) parts
    line: int

    @property
    def pagename(self) -> str:
        return f"{PAGE_DIR}/{self.id.removeprefix('syn-')}"

    @property
    def keys(self) -> list[str]:
        """The documents of the group, in the edition's order."""
        present = {p.key for p in self.passages}
        return [d.key for d in DOCUMENTS if d.key in present] + sorted(present - {d.key for d in DOCUMENTS})


def _ids(value: str | None) -> tuple[str, ...]:
    return tuple(t[1:] for t in (value or "").split() if t.startswith("#"))


def _note_parts(note: etree._Element) -> tuple[tuple[str, str], ...]:
    parts: list[tuple[str, str]] = [("text", note.text or "")]
    for child in note:
        if child.tag == f"{{{TEI}}}ptr":
            parts.extend(("ptr", i) for i in _ids(child.get("target")))
        else:
            parts.append(("text", "".join(child.itertext())))
        parts.append(("text", child.tail or ""))
    return tuple((kind, " ".join(text.split()) if kind == "text" and text.strip() else text) for kind, text in parts
                 if text)


def load_groups(path: Path | None = None) -> list[Group]:
    """The groups of the synopsis, in file order (empty when the edition has no synopsis)."""
    path = path or TEI_DIR / SYNOPSIS_FILE
    if not path.exists():
        return []
    tree = parse_file(path)
    notes: dict[str, etree._Element] = {}
    for note in tree.iter(f"{{{TEI}}}note"):
        for target in _ids(note.get("target")):
            notes[target] = note
    groups = []
    for grp in tree.iter(f"{{{TEI}}}linkGrp"):
        if grp.get("type") != "synopsis":
            continue
        gid = grp.get(XML_ID, "")
        passages = tuple(Passage(_ids(p.get("target"))) for p in grp.xpath("tei:ptr[@target]", namespaces=NS))
        note = notes.get(gid)
        groups.append(Group(
            gid, " ".join("".join(grp.xpath("string(tei:desc[1])", namespaces=NS)).split()),
            grp.get("subtype", ""), tuple(p for p in passages if p.targets),
            _note_parts(note) if note is not None else (), grp.sourceline or 0,
        ))
    return groups


# --- canonical references -------------------------------------------------------------


@lru_cache(maxsize=None)
def _references(path: str, mtime: float) -> dict[str, str]:
    """xml:id → canonical reference of the nearest citable unit (ancestor-or-self)."""
    tree = parse_file(path)
    units = {u.xml_id: u.ref for u in citable_units(tree) if u.xml_id}
    refs: dict[str, str] = {}
    for el in tree.iter():
        ident = el.get(XML_ID) if isinstance(el.tag, str) else None
        if ident is None:
            continue
        holder = next((a.get(XML_ID) for a in el.iterancestors() if a.get(XML_ID) in units), None)
        refs[ident] = units.get(ident) or (f"{ident} in {units[holder]}" if holder else ident)
    return refs


def canonical_reference(key: str, ident: str) -> str:
    """The canonical reference (``dikova:4.6.6``) of ``ident`` in document ``key``."""
    path = TEI_DIR / f"{key}.xml"
    if not path.exists():
        return ident
    return _references(str(path), path.stat().st_mtime).get(ident, ident)


# --- passages from the doctrees ------------------------------------------------------------


#: Classes of the document page's furniture that a passage leaves behind: its margin
#: apparatus (names, notes) and the paragraph's permalink.
DROPPED_CLASSES = {"apparatus", "permalink"}


def _strip(node: nodes.Element) -> nodes.Element:
    """A copy of ``node`` fit to stand on another page: no anchors, callouts, apparatus or links."""
    copy = node.deepcopy()
    for el in list(copy.findall(nodes.Element)):
        if el.parent is None and el is not copy:
            continue  # inside a node already removed
        if isinstance(el, (nodes.footnote_reference, nodes.footnote, nodes.target, nodes.citation_reference)) or (
            DROPPED_CLASSES & set(el.get("classes", ()))
        ):
            el.parent.remove(el)
            continue
        # A table or figure keeps an id of its own (numbering needs one), never the document's.
        el["ids"] = [f"{el['ids'][0]}-synopsis"] if el["ids"] and isinstance(el, (nodes.table, nodes.figure)) else []
        el["names"] = el["backrefs"] = []
        if isinstance(el, nodes.reference) or el.tagname == "pending_xref":
            # Relative links of the document's page would be wrong here: keep the words only.
            words = nodes.inline("", "", *el.children, classes=["synopsis-link-text"])
            el.replace_self(words)
    return copy


def passage_node(node: nodes.Element) -> nodes.Element:
    """The node to render for one unit of a passage."""
    if isinstance(node, nodes.section):
        node = node.next_node(nodes.title) or node
    if isinstance(node, nodes.title):
        return nodes.paragraph("", "", *_strip(node).children, classes=["synopsis-heading"])
    if isinstance(node, nodes.list_item):
        return nodes.bullet_list("", _strip(node), classes=["synopsis-item"])
    return _strip(node)


#: Target id → the HTML of that passage, per docname (see :func:`_passages`).
Fragments = dict[str, dict[str, str]]


def _passages(app: Sphinx, docname: str, groups: list[Group], cache: Fragments) -> dict[str, str]:
    """Target id → HTML of every passage of ``docname`` the synopsis quotes (ids not found are absent).

    Kept in the product store under the digest of the document's doctree, so that a page
    whose other sources changed never loads the doctree of this one (the dissertation's
    takes longer to load than the page takes to make).
    """
    if docname in cache:
        return cache[docname]
    targets = sorted({t for g in groups for p in g.passages if _docname(app, p.key) == docname for t in p.targets})
    key = products.digest("synopsis-passages", products.code_version(), products.config_digest(app),
                          products.file_digest(Path(app.doctreedir, f"{docname}.doctree")), targets)
    store = products.store(app)
    found = store.load("synopsis-passages", docname, key)
    if found is None:
        ids = app.env.get_doctree(docname).ids
        found = {t: app.builder.render_partial(passage_node(ids[t]))["fragment"] for t in targets if t in ids}
        store.save("synopsis-passages", docname, key, found)
    cache[docname] = found
    return found


def _docname(app: Sphinx, key: str) -> str | None:
    name = f"tei/{key}"
    return name if name in app.env.all_docs else None


# --- pages ----------------------------------------------------------------------------


def is_html_site(app: Sphinx) -> bool:
    return getattr(app.builder, "name", "") in ("html", "dirhtml")


def _note_html(app: Sphinx, group: Group) -> str:
    out = []
    for kind, value in group.note:
        if kind == "text":
            out.append(html.escape(value))
        else:
            key = value.split("-", 1)[0]
            docname = _docname(app, key)
            label = html.escape(canonical_reference(key, value))
            if docname:
                href = app.builder.get_relative_uri(group.pagename, docname) + "#" + value
                out.append(f' <a class="reference" href="{html.escape(href)}">{label}</a> ')
            else:
                out.append(label)
    return " ".join("".join(out).split()).replace("( ", "(").replace(" )", ")")


#: What is wrong with a group: (missing anchor, docname) pairs, reported as warnings.
Problems = list[tuple[str, str]]


def _report(group: Group, problems: Problems) -> None:
    for target, docname in problems:
        logger.warning("synopsis: #%s is not an anchor of %s", target, docname,
                       location=(str(TEI_DIR / SYNOPSIS_FILE), group.line), type="edition", subtype="synopsis")


def _passage_html(app: Sphinx, group: Group, groups: list[Group], passage: Passage, cache: Fragments,
                  problems: Problems | None = None) -> str:
    docname = _docname(app, passage.key)
    refs = ", ".join(canonical_reference(passage.key, t) for t in passage.targets)
    if docname is None:
        return f'<div class="synopsis-passage missing"><p>{html.escape(refs)}: not in this build</p></div>'
    fragments = _passages(app, docname, groups, cache)
    parts = []
    for target in passage.targets:
        fragment = fragments.get(target)
        if fragment is None:
            if problems is None:
                _report(group, [(target, docname)])
            else:
                problems.append((target, docname))
            continue
        parts.append(fragment)
    href = app.builder.get_relative_uri(group.pagename, docname) + "#" + passage.targets[0]
    return (
        f'<div class="synopsis-passage" data-targets="{html.escape(" ".join(passage.targets))}">'
        f'<p class="synopsis-ref"><a class="reference synopsis-context" href="{html.escape(href)}">'
        f"{html.escape(refs)}</a> <span class=\"synopsis-context-label\">(in context)</span></p>"
        f'<div class="synopsis-text">{"".join(parts)}</div></div>'
    )


def group_body(app: Sphinx, group: Group, groups: list[Group], cache: Fragments,
               problems: Problems | None = None) -> str:
    """The HTML of one group's page (``problems``, if given, collects what would be warned)."""
    e = html.escape
    columns = []
    for key in group.keys:
        try:
            title = by_key(key).title
        except KeyError:
            title = key
        passages = "".join(_passage_html(app, group, groups, p, cache, problems) for p in group.passages if p.key == key)
        columns.append(f'<section class="synopsis-column" data-source="{e(key)}" aria-label="{e(title)}">'
                       f'<h2 class="synopsis-source">{e(title)}</h2>{passages}</section>')
    index = app.builder.get_relative_uri(group.pagename, f"{PAGE_DIR}/index")
    at = groups.index(group)
    nav = []
    if at > 0:
        prev = groups[at - 1]
        nav.append(f'<a rel="prev" href="{e(app.builder.get_relative_uri(group.pagename, prev.pagename))}">← {e(prev.heading)}</a>')
    nav.append(f'<a href="{e(index)}">All topics</a>')
    if at + 1 < len(groups):
        nxt = groups[at + 1]
        nav.append(f'<a rel="next" href="{e(app.builder.get_relative_uri(group.pagename, nxt.pagename))}">{e(nxt.heading)} →</a>')
    return (
        f'<section class="synopsis" id="{e(group.id)}">'
        f"<h1>{e(group.heading)}</h1>"
        f'<p class="synopsis-verdict verdict-{e(group.verdict)}"><strong>{e(VERDICTS.get(group.verdict, group.verdict))}.</strong></p>'
        f'<aside class="synopsis-note" aria-label="Editorial note"><p><span class="synopsis-note-label">Editorial note.</span> '
        f"{_note_html(app, group)}</p></aside>"
        f'<div class="synopsis-columns columns-{len(columns)}">{"".join(columns)}</div>'
        f'<nav class="synopsis-nav" aria-label="Synopsis topics">{" · ".join(nav)}</nav></section>'
    )


class synopsis_placeholder(nodes.General, nodes.Element):
    """Where ``.. edition-synopsis::`` puts the synopsis (filled at ``doctree-resolved``)."""


class SynopsisDirective(SphinxDirective):
    """``.. edition-synopsis::``: the synopsis of the edition (``synopsis/index``)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir, "tei", SYNOPSIS_FILE)
        self.env.note_dependency(str(path))
        if not is_html_site(self.env.app):
            # The EPUB and the PDF quote the passages: the page is written again when
            # a quoted document or the stylesheets change, as a literalinclude would be.
            keys = sorted({p.key for g in load_groups(path) for p in g.passages})
            for dependency in [*(Path(self.env.srcdir, "tei", f"{k}.xml") for k in keys), *stylesheet_closure()]:
                self.env.note_dependency(str(dependency))
        return [synopsis_placeholder()]


def topic_list(app: Sphinx, groups: list[Group], fromdocname: str) -> nodes.bullet_list:
    """The site's index of topics: one item per group, a link to its page of columns."""
    topics = nodes.bullet_list(classes=["synopsis-topics"])
    for g in groups:
        item = nodes.paragraph()
        item += nodes.reference("", g.heading, refuri=app.builder.get_relative_uri(fromdocname, g.pagename),
                                internal=True)
        item += nodes.Text(" ")
        item += nodes.inline("", g.verdict, classes=["synopsis-verdict", f"verdict-{g.verdict}"])
        item += nodes.Text(" ")
        item += nodes.inline("", f"({', '.join(g.keys)}; {len(g.passages)} passages)", classes=["synopsis-sources"])
        topics += nodes.list_item("", item)
    return topics


def _context_link(app: Sphinx, fromdocname: str, docname: str, target: str, label: str) -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + target
    return nodes.reference("", label, refuri=uri, internal=True)


def note_paragraph(app: Sphinx, group: Group, fromdocname: str) -> nodes.paragraph:
    """The group's editorial note, its pointers as links to the passages in context."""
    para = nodes.paragraph(classes=["synopsis-note"])
    para += nodes.strong("", "Editorial note. ")
    for kind, value in group.note:
        if kind == "text":
            para += nodes.Text(value)
            continue
        key = value.split("-", 1)[0]
        docname = _docname(app, key)
        label = canonical_reference(key, value)
        para += _context_link(app, fromdocname, docname, value, label) if docname else nodes.Text(label)
    return para


def group_section(app: Sphinx, group: Group, fromdocname: str, doctrees: dict[str, nodes.document]) -> nodes.section:
    """One topic as a section of the synopsis document (EPUB, PDF): heading, verdict, the
    editors' note, then the passages source by source, each with a link to its place."""
    section = nodes.section(ids=[group.id], classes=["synopsis"])
    section += nodes.title("", group.heading)
    section += nodes.paragraph("", "", nodes.strong("", f"{VERDICTS.get(group.verdict, group.verdict)}."),
                               classes=["synopsis-verdict", f"verdict-{group.verdict}"])
    section += note_paragraph(app, group, fromdocname)
    for key in group.keys:
        try:
            title = by_key(key).title
        except KeyError:
            title = key
        column = nodes.container(classes=["synopsis-column"])
        column += nodes.paragraph("", "", nodes.strong("", title), classes=["synopsis-source"])
        for passage in (p for p in group.passages if p.key == key):
            refs = ", ".join(canonical_reference(key, t) for t in passage.targets)
            docname = _docname(app, key)
            if docname is None:
                column += nodes.paragraph("", f"{refs}: not in this build", classes=["synopsis-ref", "missing"])
                continue
            if docname not in doctrees:
                doctrees[docname] = app.env.get_doctree(docname)
            ids = doctrees[docname].ids
            box = nodes.container(classes=["synopsis-passage"])
            box += nodes.paragraph("", "", _context_link(app, fromdocname, docname, passage.targets[0], refs),
                                   nodes.Text(" (in context)"), classes=["synopsis-ref"])
            text = nodes.container(classes=["synopsis-text"])
            for target in passage.targets:
                if target in ids:
                    text += passage_node(ids[target])
                else:
                    _report(group, [(target, docname)])
            box += text
            column += box
        section += column
    return section


def fill_synopsis(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace the placeholder: on the site by the list of topics (each has its page of
    columns), in the EPUB and the PDF by the topics themselves."""
    placeholders = list(doctree.findall(synopsis_placeholder))
    if not placeholders:
        return
    groups = load_groups(Path(app.srcdir, "tei", SYNOPSIS_FILE)) if app.config.edition_synopsis else []
    doctrees: dict[str, nodes.document] = {}
    for placeholder in placeholders:
        if not groups:
            placeholder.replace_self([])
        elif is_html_site(app):
            placeholder.replace_self(topic_list(app, groups, fromdocname))
        else:
            placeholder.replace_self([group_section(app, g, fromdocname, doctrees) for g in groups])


def _group_keys(group: Group) -> set[str]:
    """The documents whose text or references a group's page shows."""
    keys = {p.key for p in group.passages}
    keys.update(value.split("-", 1)[0] for kind, value in group.note if kind == "ptr")
    return keys


def group_key(app: Sphinx, group: Group, common: str) -> str:
    """The digest of what one group's page is made from (``common``: what all pages share)."""
    inputs = []
    for key in sorted(_group_keys(group)):
        docname = _docname(app, key)
        doctree = Path(app.doctreedir, f"{docname}.doctree") if docname else None
        inputs.append((key, docname, products.file_digest(TEI_DIR / f"{key}.xml"),
                       products.file_digest(doctree) if doctree else ""))
    return products.digest(common, group.id, inputs)


def _common_key(app: Sphinx, groups: list[Group]) -> str:
    """The digest of what every group's page is made from."""
    return products.digest(
        "synopsis", products.code_version(), products.config_digest(app),
        products.file_digest(TEI_DIR / SYNOPSIS_FILE), [(g.id, g.pagename, g.heading) for g in groups],
    )


#: A group's page as stored: its body and the problems to report with it.
Page = tuple[str, Problems]


def _make(app: Sphinx, groups: list[Group], ids: list[str], keep: Callable[[Group, Page], None]) -> None:
    """Make the pages of the groups ``ids`` (in this process); each goes to ``keep`` as it is made."""
    from edition.sphinxext.parallel import page_state

    page_state(app)
    cache: Fragments = {}
    for group in groups:
        if group.id in ids:
            problems: Problems = []
            keep(group, (group_body(app, group, groups, cache, problems), problems))


def start_pages(app: Sphinx, builder: Any) -> None:
    """When writing starts: make the pages not in the store in another process (``-j``)."""
    if not is_html_site(app) or not app.config.edition_synopsis or not workers.can_start(app):
        return
    groups = load_groups()
    store = products.store(app)
    common = _common_key(app, groups)
    keys = {g.id: group_key(app, g, common) for g in groups}
    missing = [g.id for g in groups if not store.exists("synopsis", g.pagename, keys[g.id])]

    def make(ids: list[str]) -> None:
        # In the other process: each page goes to the store as soon as it is made, so that
        # no share's pages pile up in it or wait in its pipe (at 100x such a process sat at
        # 1.25 GB, waiting to hand its pages back).
        _make(app, groups, ids, lambda group, page: store.save("synopsis", group.pagename, keys[group.id], page))

    shares = workers.shares(missing, lambda _: 1, app.parallel)
    workers.start(app, "synopsis", shares, make, lambda _nothing: None)


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    from edition.sphinxext.parallel import page_state

    if not is_html_site(app):
        return
    workers.finish(app, "synopsis")
    if not app.config.edition_synopsis:
        return
    groups = load_groups()
    if not groups:
        return
    page_state(app)
    store = products.store(app)
    common = _common_key(app, groups)
    index_link = {"link": app.builder.get_relative_uri(groups[0].pagename, f"{PAGE_DIR}/index"), "title": "Synopsis"}
    pages: dict[str, Page] = {}
    keys = {g.id: group_key(app, g, common) for g in groups}
    for group in groups:
        page = store.load("synopsis", group.pagename, keys[group.id])
        if page is not None:
            pages[group.id] = page
    missing = [g.id for g in groups if g.id not in pages]

    def keep(group: Group, page: Page) -> None:
        store.save("synopsis", group.pagename, keys[group.id], page)
        pages[group.id] = page

    _make(app, groups, missing, keep)
    for group in groups:
        body, problems = pages[group.id]
        _report(group, problems)
        yield group.pagename, {"title": page_title(group.heading), "body": body, "parents": [index_link]}, "page.html"


def link_from_landing_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Add the way into the synopsis to the landing page (HTML site only)."""
    if docname != app.config.root_doc or not is_html_site(app) or not app.config.edition_synopsis or not load_groups():
        return
    href = app.builder.get_relative_uri(docname, f"{PAGE_DIR}/index")
    para = nodes.paragraph("", "", classes=["synopsis-entry"])
    para += nodes.strong("", "Synopsis: ")
    para += nodes.reference("", "the five sources on the same events", refuri=href, internal=True)
    para += nodes.Text(" — their passages side by side, topic by topic, with the editors' verdict.")
    section = doctree.next_node(nodes.section)
    (section or doctree).append(para)


# --- charts ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _charts(path: str, mtime: float) -> dict[str, chart.Chart]:
    return {c.table_id: c for c in chart.document_charts(parse_file(path))}


def insert_charts(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put each table's chart right after the table and its apparatus (HTML output)."""
    if app.builder.format != "html":
        return
    source = Path(app.env.doc2path(docname))
    if source.suffix != ".xml" or not source.exists():
        return
    for table_id, data in _charts(str(source), source.stat().st_mtime).items():
        table = doctree.ids.get(table_id)
        if table is None or table.parent is None:
            continue
        notes = "".join(f"<p class=\"chart-correction\">{html.escape(chart.correction_note(c))}</p>"
                        for c in data.corrections)
        markup = (
            f'<figure class="edition-chart-figure" id="{html.escape(table_id)}-chart">{chart.svg(data)}'
            f"<figcaption>Chart of {html.escape(data.caption or table_id)} Drawn from the figures of the table "
            f"above, which remains the data of record.{notes}</figcaption></figure>"
        )
        at = table.parent.index(table) + 1
        if at < len(table.parent) and "apparatus" in table.parent[at].get("classes", ()):
            at += 1  # the table's apparatus stays right under the table
        table.parent.insert(at, nodes.raw("", markup, format="html"))


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("edition.sphinxext.workers")
    # False for a site of other TEI than the edition's (edition render): no synopsis pages.
    app.add_config_value("edition_synopsis", True, "html", types=frozenset({bool}))
    app.connect("write-started", start_pages)
    app.connect("html-collect-pages", collect_pages)
    app.add_node(synopsis_placeholder)
    app.add_directive("edition-synopsis", SynopsisDirective)
    app.connect("doctree-resolved", link_from_landing_page)
    app.connect("doctree-resolved", fill_synopsis)
    app.connect("doctree-resolved", insert_charts)
    app.add_css_file("synopsis.css")
    return {
        "version": "0.1",
        # Nothing is stored in the environment: the synopsis is read when the pages are written.
        "parallel_read_safe": True,
        # doctree-resolved only changes the page's own doctree; the pages are collected in the main process.
        "parallel_write_safe": True,
    }
