"""The critical apparatus: emendations, editorial notes and the paragraph apparatus.

The XSLT (``xslt/readings.xsl``, ``xslt/notes.xsl``, ``xslt/blocks.xsl``) already puts,
in the edited reading, a mark on every emendation (``choice`` with ``corr``, ``supplied``),
an entry for it in the apparatus of its paragraph, and a list of emendations at the end
of each document. This extension

* names the place of each row of that list by its canonical reference
  (``slides:7.9``, from the document's ``citeStructure``) at read time;
* records each document's emendations and editorial notes in the ``apparatus`` domain
  (per document: ``clear_doc``/``merge_domaindata``, so incremental and parallel builds
  stay exact);
* counts each document's interventions by kind from its TEI (:mod:`edition.interventions`:
  corrections, regularisations, supplied and surplus words, editorial notes) and fills
  ``.. edition-emendations::`` (the edition-wide table on the principles page) from that
  domain once every document is read;
* points the register links of the apparatus (``regref``/``regkey``) at the register
  pages, or unlinks them when the edition has no such page;
* ships ``apparatus.css`` and ``apparatus.js`` (the script only highlights the paired
  mark and entry: every link works without it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypedDict, cast

from docutils import nodes
from lxml import etree
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from edition import interventions
from edition.citeref import XML_ID, CiteStructureError, citable_units
from edition.sphinxext.domain import PerDocumentDomain
from edition.xmlsafe import XMLInputError, parse_file

logger = logging.getLogger(__name__)

#: Attributes that the XSLT puts on an emendation mark.
MARK_FIELDS = ("emendation", "lemma", "source", "resp", "cert", "reason", "page")


class Emendation(TypedDict):
    id: str  #: the mark's id, e.g. ``slides-p0019-em1``
    kind: str  #: ``corr`` or ``supplied``
    lemma: str  #: the edited reading
    source: str  #: the source's reading (empty for a supplied word)
    resp: str  #: who made it (the respStmt's name)
    cert: str
    reason: str
    page: str  #: ``p. 9`` or ``slide 7``
    ref: str  #: canonical reference of the enclosing unit, or its id


class EditorialNote(TypedDict):
    id: str
    label: str
    text: str


class ApparatusData(TypedDict):
    title: str
    emendations: list[Emendation]
    notes: list[EditorialNote]
    counts: dict[str, int]  #: interventions by kind, counted in the TEI (edition.interventions.KINDS)


class emendation_summary(nodes.General, nodes.Element):
    """Placeholder for the edition-wide summary, filled at ``doctree-resolved``."""


def is_mark(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and bool(node.get("emendation")) and bool(node.get("ids"))


def canonical_refs(source: str | Path) -> dict[str, str]:
    """xml:id → canonical reference of the nearest citable unit at or above it (empty on failure)."""
    try:
        tree = parse_file(source)
        units = {u.xml_id: u.ref for u in citable_units(tree) if u.xml_id}
    except (XMLInputError, CiteStructureError, OSError, etree.XPathError):
        return {}
    refs: dict[str, str] = {}
    for element in tree.iter():
        xml_id = element.get(XML_ID) if isinstance(element.tag, str) else None
        if xml_id is None:
            continue
        ref = next((units[a.get(XML_ID)] for a in element.iterancestors()
                    if a.get(XML_ID) in units), "") if xml_id not in units else units[xml_id]
        if ref:
            refs[xml_id] = ref
    return refs


class CanonicalPlaces(SphinxTransform):
    """Name each row of the list of emendations by the canonical reference of its unit."""

    # Before the domains read the doctree (SphinxDomains: 850).
    default_priority = 800

    def apply(self, **kwargs: Any) -> None:
        places = [r for r in self.document.findall(nodes.reference) if "em-place" in r["classes"]]
        if not places:
            return
        refs = canonical_refs(self.document["source"])
        for place in places:
            ref = refs.get(place.get("anchor", ""))
            if ref:
                place.children = []
                place += nodes.Text(ref)
                place["reftitle"] = place.get("anchor", "")


def collect(document: nodes.document) -> ApparatusData:
    """The emendations and editorial notes of one doctree, in text order."""
    title = next(iter(document.findall(nodes.title)), None)
    places = {r["refid"]: r.astext() for r in document.findall(nodes.reference)
              if "em-place" in r["classes"] and r.get("refid")}
    emendations: list[Emendation] = []
    for mark in document.findall(is_mark):
        mark = cast(nodes.Element, mark)
        mark_id = mark["ids"][0]
        emendations.append({
            "id": mark_id, "kind": mark["emendation"], "lemma": mark.get("lemma", ""),
            "source": mark.get("source", ""), "resp": mark.get("resp", ""),
            "cert": mark.get("cert", ""), "reason": mark.get("reason", ""),
            "page": mark.get("page", ""), "ref": places.get(mark_id, ""),
        })
    notes: list[EditorialNote] = []
    for note in document.findall(nodes.footnote):
        if "ednote" in note["classes"] and note["ids"]:
            label = note.next_node(nodes.label)
            notes.append({"id": note["ids"][0], "label": label.astext() if label else "",
                          "text": " ".join(p.astext() for p in note.children if isinstance(p, nodes.paragraph))})
    return {"title": title.astext() if title else "", "emendations": emendations, "notes": notes,
            "counts": tei_counts(document.get("source", ""))}


def tei_counts(source: str) -> dict[str, int]:
    """The interventions of the TEI file a page is made from, by kind (empty for other pages)."""
    if not source.endswith(".xml"):
        return {}
    try:
        return interventions.count_file(source)
    except (XMLInputError, etree.XPathError):
        return {}


class ApparatusDomain(PerDocumentDomain):
    """Emendations and editorial notes of each document (the edition-wide view of the apparatus)."""

    name = "apparatus"
    label = "Critical apparatus"
    data_version = 2

    @property
    def docs(self) -> dict[str, ApparatusData]:
        return self.data["docs"]

    def collect_doc(self, document: nodes.document) -> ApparatusData | None:
        data = collect(document)
        return data if data["emendations"] or data["notes"] or any(data["counts"].values()) else None


class EmendationsDirective(SphinxDirective):
    """``.. edition-emendations::`` — each document's interventions, by kind."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [emendation_summary("")]


def _cell(*children: nodes.Node) -> nodes.entry:
    return nodes.entry("", nodes.paragraph("", "", *children))


def summary_table(app: Sphinx, fromdocname: str, docs: dict[str, ApparatusData]) -> nodes.table:
    """One row per document, one column per kind of intervention (counted in the TEI), and a
    row of totals; the counts of corrections and notes link to the document's lists."""
    kinds = list(interventions.KINDS)
    table = nodes.table(classes=["emendation-summary"])
    group = nodes.tgroup(cols=len(kinds) + 1)
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in range(len(kinds) + 1))
    head = nodes.row()
    for text in ("Document", *(label for label, _ in interventions.KINDS.values())):
        head += _cell(nodes.Text(text))
    group += nodes.thead("", head)
    body = nodes.tbody()
    group += body
    totals = dict.fromkeys(kinds, 0)
    for docname, data in sorted(docs.items()):
        counts = data.get("counts") or {}
        if not any(counts.values()):
            continue
        uri = app.builder.get_relative_uri(fromdocname, docname)
        key = docname.rsplit("/", 1)[-1]
        anchors = {"corr": f"{key}-emendations", "note": f"{key}-ednotes"}
        row = nodes.row()
        row += _cell(nodes.reference("", data["title"] or docname, refuri=uri, internal=True))
        for kind in kinds:
            number = counts.get(kind, 0)
            totals[kind] += number
            count = nodes.Text(str(number))
            row += _cell(nodes.reference("", "", count, refuri=f"{uri}#{anchors[kind]}", internal=True)
                         if number and kind in anchors else count)
        body += row
    row = nodes.row(classes=["total"])
    row += _cell(nodes.strong("", "All documents"))
    for kind in kinds:
        row += _cell(nodes.strong("", str(totals[kind])))
    body += row
    return table


def fill_summaries(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    docs = cast(ApparatusDomain, app.env.domains["apparatus"]).docs
    for placeholder in list(doctree.findall(emendation_summary)):
        placeholder.replace_self(summary_table(app, fromdocname, docs))


def link_register_entries(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Point the apparatus's register links at the register pages (or unlink them)."""
    domain = app.env.domains["edition"]
    pages: dict[str, str | None] = {}
    for ref in list(doctree.findall(nodes.reference)):
        kind = ref.get("regref")
        if not kind:
            continue
        if kind not in pages:
            pages[kind] = domain.register_page(kind)  # type: ignore[attr-defined]
        page = pages[kind]
        if page is not None:
            ref["refuri"] = app.builder.get_relative_uri(fromdocname, page) + "#" + ref["regkey"]
            ref["internal"] = True
        else:
            ref.replace_self(nodes.inline("", "", *ref.children, classes=ref["classes"]))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_domain(ApparatusDomain)
    app.add_node(emendation_summary)
    app.add_directive("edition-emendations", EmendationsDirective)
    app.add_transform(CanonicalPlaces)
    app.connect("doctree-resolved", fill_summaries)
    app.connect("doctree-resolved", link_register_entries)
    app.add_css_file("apparatus.css")
    app.add_js_file("apparatus.js", loading_method="defer")
    return {
        "version": "0.1",
        "env_version": 2,
        # Per-document domain data with clear_doc/merge_domaindata.
        "parallel_read_safe": True,
        # Writing changes only the page's own doctree.
        "parallel_write_safe": True,
    }
