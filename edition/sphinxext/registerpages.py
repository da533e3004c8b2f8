"""Register pages (persons, places, organisations, bibliography), the chronology, and the links into them.

A page declares a register with ``.. edition-register:: persons`` (``places``,
``orgs``, ``bibliography``, ``chronology``); the directive leaves a placeholder that is filled at
``doctree-resolved``, once every document has been read (as ``todolist`` is in
``sphinx.ext.todo``). A register lists every entry of ``tei/{persons,places,orgs}.xml``
with its name variants, dates and role, and under it every mention in the documents:
a link to the mention's paragraph anchor with a few words of context. (On the HTML
site an entry with many mentions says how many and lists them on a page of its own:
:mod:`edition.sphinxext.entrypages`.) Each page's entries are :class:`Listed` records,
made from the registers and the domain by :func:`listings`, the same for every
builder. The bibliography lists every work of ``tei/bibliography.xml`` (author,
title, place, publisher, year) and under it every footnote that cites it
(``ref type="bibl"``), "Ibid." included, each a link to the footnote. The
chronology lists every dated expression in date order, grouped by date, with its source.

Because a register page shows what *other* documents contain, it is written again
whenever what it lists changed (``env-updated``: the mentions, footnotes or dates the
documents gave the domain, and their titles), and it depends on the register file it
lists (``note_dependency``), so incremental builds stay exact. An edit that changes no
mention, date or title leaves the register pages as they are.

Name references from the XSLT (``reference register="persons" key="stalin"``) and
citations (``reference register="bibliography" key="bib-getty1999"``) are
rewritten for the current builder to point at the register entry; in HTML they carry
the normalised name and dates (for a work: its full citation) in a ``span.register-info``
that CSS reveals on hover and keyboard focus (no JavaScript). Without a register page
they become plain classed inlines, never dead links.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from edition import stagetimes
from edition.registers import Entry, Registers, load_registers
from edition.sphinxext.citing import is_html_site
from edition.sphinxext.domain import NOTHING, DateMention, EditionDomain, Mention, record_digests
from edition.sphinxext.nodes import register_placeholder

#: Register page kind → the entry kind of :mod:`edition.registers` it lists.
REGISTERS: dict[str, str] = {"persons": "person", "places": "place", "orgs": "org", "bibliography": "bibl"}
#: Every kind of page the directive can fill.
PAGES = (*REGISTERS, "chronology")

#: An entry with at most this many mentions lists them on the register page as well.
INLINE_LIMIT = 25
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


# --- the registers' own data ---------------------------------------------------------------

_cache: dict[tuple[str, tuple[float, ...]], Registers] = {}


def _register_files(srcdir: Path) -> list[Path]:
    return [srcdir / "tei" / f"{stem}.xml" for stem in REGISTERS]


def registers_for(app: Sphinx) -> Registers:
    """The registers of the project being built, read once per change of their files."""
    return registers_in(Path(app.srcdir))


def registers_in(srcdir: Path) -> Registers:
    """The registers of the project in ``srcdir``, read once per change of their files."""
    files = _register_files(srcdir)
    key = (str(srcdir), tuple(p.stat().st_mtime if p.exists() else 0.0 for p in files))
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_registers(srcdir / "tei")
    return _cache[key]


def _domain(app: Sphinx) -> EditionDomain:
    return cast(EditionDomain, app.env.domains["edition"])


def _year(iso: str) -> str:
    return iso[:4].lstrip("0") or iso


def lifespan(entry: Entry) -> str:
    """``1878–1953`` from the birth and death of an entry ('' when neither is known)."""
    birth = next((d.when for d in entry.dates if d.kind == "birth"), "")
    death = next((d.when for d in entry.dates if d.kind == "death"), "")
    if not birth and not death:
        return ""
    return f"{_year(birth) if birth else '?'}–{_year(death) if death else ''}"


def info_text(entry: Entry) -> str:
    """What a name link shows on hover or focus: the normalised name and dates (or role)."""
    if entry.kind == "person":
        span = lifespan(entry)
        return f"{entry.display} ({span})" if span else entry.display
    if entry.kind == "bibl":
        return entry.role or entry.display
    return f"{entry.display}: {entry.role}" if entry.role else entry.display


# --- the directive -------------------------------------------------------------------------


class RegisterDirective(SphinxDirective):
    """``.. edition-register:: persons`` — the place where a register (or the chronology) is listed."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        kind = directives.choice(self.arguments[0], PAGES)
        if kind in REGISTERS:
            # The page shows the register file: editing it must rewrite the page.
            self.env.note_dependency(str(Path(self.env.srcdir) / "tei" / f"{kind}.xml"))
        return [register_placeholder("", kind=kind)]


# --- filling the pages ---------------------------------------------------------------------


def doc_title(app: Sphinx, docname: str) -> str:
    title = app.env.titles.get(docname)
    return title.astext() if title is not None else docname


def _link(app: Sphinx, fromdocname: str, docname: str, anchor: str, *children: nodes.Node) -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdocname, docname) + ("#" + anchor if anchor else "")
    return nodes.reference("", "", *children, refuri=uri, internal=True)


def _mention_item(app: Sphinx, fromdocname: str, docname: str, mention: Mention) -> nodes.list_item:
    para = nodes.paragraph(classes=["mention"])
    para += _link(app, fromdocname, docname, mention["anchor"],
                  nodes.inline("", mention["context"] or mention["text"], classes=["context"]))
    para += nodes.Text(" ")
    para += nodes.literal("", mention["anchor"], classes=["anchor-id"])
    if mention["identified"]:
        para += nodes.Text(" ")
        para += nodes.inline("", f"identified by the editors (certainty: {mention['identified']})",
                             classes=["identified"])
    elif mention["editorial"]:
        para += nodes.Text(" ")
        para += nodes.inline("", "in an editorial note", classes=["editorial"])
    return nodes.list_item("", para)


def _date_facts(entry: Entry) -> str:
    parts = []
    for fact in entry.dates:
        vouch = " (editors)" if fact.resp else (" (sources)" if fact.source else "")
        parts.append(f"{'born' if fact.kind == 'birth' else 'died' if fact.kind == 'death' else fact.kind} "
                     f"{iso_label(fact.when)}{vouch}")
    return "; ".join(parts)


def _sort_key(entry: Entry) -> tuple[str, str]:
    # Persons by surname (the last word of the display name), the rest by name.
    name = entry.display.split()[-1] if entry.kind == "person" and entry.display else entry.display
    return (name.casefold(), entry.display.casefold())


def _by_document(app: Sphinx, mentions: list[tuple[str, Mention]],
                 item: Callable[[str, Mention], nodes.list_item]) -> list[nodes.Node]:
    """The mentions of one entry grouped by document, each document with its count (nothing if none)."""
    by_doc: dict[str, list[Mention]] = {}
    for docname, mention in mentions:
        by_doc.setdefault(docname, []).append(mention)
    if not by_doc:
        return []
    docs = nodes.bullet_list(classes=["entry-documents"])
    for docname, items in by_doc.items():
        label = nodes.paragraph("", "", nodes.strong("", doc_title(app, docname)), nodes.Text(f" ({len(items)})"))
        listing = nodes.bullet_list(classes=["mentions"])
        for mention in items:
            listing += item(docname, mention)
        docs += nodes.list_item("", label, listing)
    return [docs]


# --- what a register page lists ------------------------------------------------------------


@dataclass
class Listed:
    """One entry of a register page (a person, a work, a date…) and what it lists.

    ``head`` is what the page shows of the entry itself (name, dates, role, forms, the
    full citation of a work); ``mentions`` are the places in the documents that name,
    cite or date it, as ``(docname, mention)`` in docname order.
    """

    kind: str
    ident: str
    title: str
    head: list[nodes.Element]
    mentions: list[tuple[str, Mention]] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return len({docname for docname, _ in self.mentions})


#: What a page calls the things it lists under an entry, and what it says when there are none.
NOUNS = {"persons": ("mention", "Not mentioned in the documents."),
         "places": ("mention", "Not mentioned in the documents."),
         "orgs": ("mention", "Not mentioned in the documents."),
         "bibliography": ("citation", "Not cited in the documents."),
         "chronology": ("dated expression", "")}


def _entry_listings(app: Sphinx, kind: str) -> Iterator[Listed]:
    """The entries of a register (persons, places, orgs) with their mentions."""
    found = _domain(app).mentions(kind)
    for entry in sorted(registers_for(app).of_kind(REGISTERS[kind]), key=_sort_key):
        head = nodes.paragraph(classes=["entry-head"])
        head += nodes.strong(entry.display, entry.display)
        facts = _date_facts(entry)
        if facts:
            head += nodes.Text(f" — {facts}")
        shown: list[nodes.Element] = [head]
        if entry.role:
            shown.append(nodes.paragraph("", "", nodes.emphasis(entry.role, entry.role), classes=["entry-role"]))
        others = [n for n in entry.variants if n != entry.display]
        if others:
            shown.append(nodes.paragraph("", "Forms in the sources: " + "; ".join(others), classes=["entry-variants"]))
        yield Listed(kind, entry.id, entry.display, shown, found.get(entry.id, []))


def _is_web_address(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _bibliography_listings(app: Sphinx) -> Iterator[Listed]:
    """Every work of the bibliography, by author and year, with the footnotes that cite it."""
    found = _domain(app).mentions("bibliography")
    for entry in sorted(registers_for(app).of_kind("bibl"), key=_sort_key):
        citations = found.get(entry.id, [])
        head = nodes.paragraph(classes=["entry-head"])
        head += nodes.strong(entry.display, entry.display)
        if citations:
            head += nodes.Text(f" — cited in {len(citations)} footnote{'s' if len(citations) != 1 else ''}")
        # Author, title, place, publisher and year, as the editors recorded the work.
        citation = nodes.paragraph("", entry.role, classes=["entry-citation"])
        for url in entry.targets:
            citation += nodes.Text(" ")
            citation += (nodes.reference(url, url, refuri=url) if _is_web_address(url)
                         else nodes.literal(url, url))
        yield Listed("bibliography", entry.id, entry.display, [head, citation], citations)


def listings(app: Sphinx, kind: str) -> list[Listed]:
    """The entries a page of ``kind`` lists, in the page's order."""
    if kind == "chronology":
        return list(_chronology_listings(app))
    if kind == "bibliography":
        return list(_bibliography_listings(app))
    return list(_entry_listings(app, kind))


def _citation_item(app: Sphinx, fromdocname: str, docname: str, mention: Mention, label: str) -> nodes.list_item:
    """One footnote citing a work: a link to the note, its words, its anchor."""
    para = nodes.paragraph(classes=["mention", "citation"])
    para += _link(app, fromdocname, docname, mention["anchor"],
                  nodes.inline("", f"note {label}" if label else mention["anchor"], classes=["note-label"]))
    para += nodes.Text(": ")
    para += nodes.inline("", mention["context"] or mention["text"], classes=["context"])
    para += nodes.Text(" ")
    para += nodes.literal("", mention["anchor"], classes=["anchor-id"])
    return nodes.list_item("", para)


def note_labels(app: Sphinx) -> dict[tuple[str, str], str]:
    """(docname, footnote id) → the footnote's label, for the bibliography's items."""
    return {(docname, note["id"]): note["label"]
            for docname, data in _domain(app).docs.items() for note in data["footnotes"]}


def listing(app: Sphinx, kind: str, fromdocname: str, mentions: list[tuple[str, Mention]],
            labels: dict[tuple[str, str], str] | None = None) -> list[nodes.Node]:
    """The mentions of one entry as a page of ``kind`` lists them (``labels``: see :func:`note_labels`)."""
    if kind == "chronology":
        return _dated_items(app, fromdocname, mentions)
    if kind == "bibliography":
        found = labels if labels is not None else note_labels(app)
        return _by_document(app, mentions, lambda docname, m: _citation_item(
            app, fromdocname, docname, m, found.get((docname, m["anchor"]), "")))
    return _by_document(app, mentions, lambda docname, m: _mention_item(app, fromdocname, docname, m))


def entry_box(app: Sphinx, listed: Listed, fromdocname: str, labels: dict[tuple[str, str], str] | None = None,
              link: nodes.Element | None = None) -> nodes.container:
    """An entry on its register page: its head and its mentions, or, given ``link`` (the way
    to the entry's own page, :mod:`edition.sphinxext.entrypages`), that link instead."""
    box = nodes.container(ids=[listed.ident],
                          classes=["chronology-date" if listed.kind == "chronology" else "register-entry"])
    box.extend(listed.head)
    if not listed.mentions:
        none = NOUNS[listed.kind][1]
        if none:
            box += nodes.paragraph("", none, classes=["entry-none"])
    elif link is not None:
        box += link
    else:
        box += listing(app, listed.kind, fromdocname, listed.mentions, labels)
    return box


# --- the chronology ------------------------------------------------------------------------


def iso_label(iso: str) -> str:
    """``1934-12-01`` → ``1 December 1934``; ``1934-12`` → ``December 1934``; ``1934`` stays."""
    m = re.fullmatch(r"(-?\d{4})(?:-(\d\d)(?:-(\d\d))?)?", iso)
    if not m:
        return iso
    year, month, day = m.groups()
    if not month:
        return year
    name = MONTHS[int(month) - 1]
    return f"{int(day)} {name} {year}" if day else f"{name} {year}"


def date_label(values: dict[str, str]) -> str:
    """How the chronology names a date value set (when / from–to / not before–not after)."""
    if "when" in values:
        return iso_label(values["when"])
    if "from" in values or "to" in values:
        start, end = values.get("from"), values.get("to")
        if start and end:
            return f"{iso_label(start)} – {iso_label(end)}"
        return f"from {iso_label(start)}" if start else f"until {iso_label(end or '')}"
    start, end = values.get("notBefore"), values.get("notAfter")
    if start and end:
        return f"between {iso_label(start)} and {iso_label(end)}"
    return f"not before {iso_label(start)}" if start else f"not after {iso_label(end or '')}"


def date_sort_key(values: dict[str, str]) -> tuple[str, str]:
    """Earliest and latest point of a date value set, as sortable ISO strings."""
    first = values.get("when") or values.get("from") or values.get("notBefore") or values.get("to") or values.get("notAfter", "")
    last = values.get("when") or values.get("to") or values.get("notAfter") or first
    return (first, last)


def date_id(values: dict[str, str]) -> str:
    """The HTML id of a date group, e.g. ``date-1934-12-01`` or ``date-from-1917-to-1918``."""
    if "when" in values:
        return f"date-{values['when']}"
    parts = [f"{k.lower()}-{values[k]}" for k in ("from", "to", "notBefore", "notAfter") if k in values]
    return "date-" + "-".join(parts)


def _chronology_listings(app: Sphinx) -> Iterator[Listed]:
    """Every dated expression of the documents in date order, grouped by date."""
    groups: dict[tuple[tuple[str, str], ...], list[tuple[str, DateMention]]] = {}
    for docname, data in sorted(_domain(app).docs.items()):
        for date in data["dates"]:
            groups.setdefault(tuple(sorted(date["values"].items())), []).append((docname, date))
    for key in sorted(groups, key=lambda k: (date_sort_key(dict(k)), k)):
        values = dict(key)
        found = groups[key]
        sources = {d for d, _ in found}
        head = nodes.paragraph(classes=["date-head"])
        head += nodes.strong("", date_label(values))
        head += nodes.Text(f" ({len(found)} in {len(sources)} document{'s' if len(sources) > 1 else ''})")
        yield Listed("chronology", date_id(values), date_label(values), [head],
                     cast(list[tuple[str, Mention]], found))


def _dated_items(app: Sphinx, fromdocname: str, found: list[tuple[str, Mention]]) -> list[nodes.Node]:
    """The dated expressions of one date, each with its document, context and anchor."""
    listing_ = nodes.bullet_list(classes=["mentions"])
    for docname, date in found:
        para = nodes.paragraph(classes=["mention"])
        para += nodes.emphasis("", doc_title(app, docname))
        para += nodes.Text(": ")
        para += _link(app, fromdocname, docname, date["anchor"],
                      nodes.inline("", date["context"] or date["text"], classes=["context"]))
        para += nodes.Text(" ")
        para += nodes.literal("", date["anchor"], classes=["anchor-id"])
        if date["editorial"]:
            para += nodes.Text(" ")
            para += nodes.inline("", "in an editorial note", classes=["editorial"])
        listing_ += nodes.list_item("", para)
    return [listing_]


# --- the way from a register page to an entry's own page (edition.sphinxext.entrypages) ---


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
    noun = NOUNS[listed.kind][0]
    uri = app.builder.get_relative_uri(fromdocname, entry_pagename(fromdocname, listed.ident))
    para = nodes.paragraph(classes=["entry-page-link"])
    para += nodes.Text(f"{_plural(len(listed.mentions), noun)} in "
                       f"{_plural(listed.documents, 'document')}, listed on ")
    para += nodes.reference("", "the entry's own page", refuri=uri, internal=True)
    para += nodes.Text(".")
    return para


@stagetimes.stage("registers")
def fill_registers(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace each placeholder by its register, the bibliography or the chronology.

    On the HTML site an entry with many mentions shows how many and links to its own
    page (:mod:`edition.sphinxext.entrypages`); elsewhere (EPUB, PDF) every entry lists
    all its mentions in place.
    """
    for placeholder in list(doctree.findall(register_placeholder)):
        kind = placeholder["kind"]
        body = nodes.container(classes=["chronology"] if kind == "chronology" else ["register", kind])
        labels = note_labels(app) if kind == "bibliography" else None
        for listed in listings(app, kind):
            link = None if shows_inline(app, listed) else entry_link(app, listed, fromdocname)
            body += entry_box(app, listed, fromdocname, labels, link)
        placeholder.replace_self(body)


# --- links from the reading text -----------------------------------------------------------


@stagetimes.stage("registers")
def link_names(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Point name references and citations at their register entry, with the entry on hover/focus.

    In HTML the reference is only marked (class ``has-register-info``); the translator
    writes the entry's text (:func:`depart_reference`), so that a resolved doctree, which
    Sphinx keeps in memory until its page is written, carries no extra nodes for it.
    """
    domain = _domain(app)
    pages = {kind: domain.register_page(kind) for kind in REGISTERS}
    # One link per register page and one text per entry, however often a page names them.
    uris = {kind: app.builder.get_relative_uri(fromdocname, page) for kind, page in pages.items() if page}
    registers = registers_for(app)
    html = app.builder.format == "html"
    for ref in list(doctree.findall(nodes.reference)):
        kind = ref.get("register")
        if not kind:
            continue
        if pages.get(kind) is None:
            inline = nodes.inline("", "", *ref.children, classes=ref["classes"])
            for attribute in ("register", "key"):
                inline[attribute] = ref[attribute]
            ref.replace_self(inline)
            continue
        ref["refuri"] = uris[kind] + "#" + ref["key"]
        ref["internal"] = True
        entry = registers.entries.get(ref["key"])
        if entry is None:
            continue
        if html:
            ref["classes"].append("has-register-info")
        else:
            ref["reftitle"] = info_text(entry)


def visit_reference(self: Any, node: nodes.reference) -> None:
    """The translator's own ``visit_reference``: name links need nothing more on entry."""
    type(self).visit_reference(self, node)


def depart_reference(self: Any, node: nodes.reference) -> None:
    """Close a link; a marked name link (:func:`link_names`) first gets its entry's text.

    CSS shows the text on :hover and :focus and hides it (``display: none``) otherwise,
    so a screen reader hears it once, when the link has focus, and never twice.
    """
    if "has-register-info" in node["classes"]:
        # Looked up once per page: checking the register files for every link of a long
        # text cost more than rendering the links (12 s of 10x's clean build).
        found = self.__dict__.get("_edition_registers")
        if found is None:
            found = self._edition_registers = registers_in(Path(self.builder.srcdir))
        entry = found.entries.get(node["key"])
        if entry is not None:
            self.body.append(f'<span class="register-info">{self.encode(info_text(entry))}</span>')
    type(self).depart_reference(self, node)


# --- incremental builds --------------------------------------------------------------------


def register_pages(env: BuildEnvironment) -> list[str]:
    """Docnames of the pages that list registers or the chronology."""
    domain = cast(EditionDomain, env.domains["edition"])
    return sorted(d for d, data in domain.docs.items() if data["registers"])


def _listing(env: BuildEnvironment, kind: str) -> list[tuple[str, list[str]]]:
    """What the domain gives a register page of ``kind`` to list (see :func:`fill_registers`),
    as the digests of each document's part of it (:func:`.domain.record_digests`)."""
    domain = cast(EditionDomain, env.domains["edition"])
    parts = {"chronology": ["dates"], "bibliography": ["register:bibliography", "footnotes"]}.get(kind, [f"register:{kind}"])
    return [(d, [record_digests(data).get(part, NOTHING) for part in parts]) for d, data in sorted(domain.docs.items())]


def page_listing(env: BuildEnvironment, docname: str) -> str:
    """A digest of everything the register page ``docname`` lists, from the documents."""
    domain = cast(EditionDomain, env.domains["edition"])
    kinds = domain.docs.get(docname, {}).get("registers", [])
    titles = sorted((d, t.astext()) for d, t in env.titles.items() if d in domain.docs)
    pages = sorted((k, d) for d, data in domain.docs.items() for k in data["registers"])
    text = json.dumps([kinds, [_listing(env, k) for k in kinds], titles, pages], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@stagetimes.stage("registers")
def rewrite_registers(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Once every document is read: the register pages whose listing changed are written again."""
    before: dict[str, str] = getattr(env, "edition_register_listings", {})
    now = {d: page_listing(env, d) for d in register_pages(env) if d in env.found_docs}
    env.edition_register_listings = now  # type: ignore[attr-defined]
    return [d for d, listing in now.items() if before.get(d) != listing]


def depend_on_registers(app: Sphinx, doctree: nodes.document) -> None:
    """A document with name links shows register data: it depends on the register files."""
    if any(node.get("register") for node in doctree.findall(nodes.reference)):
        for path in _register_files(Path(app.srcdir)):
            if path.exists():
                app.env.note_dependency(str(path))


def setup(app: Sphinx) -> dict[str, Any]:
    """Registered by the edition's core extension, which owns the directive's node."""
    app.connect("env-updated", rewrite_registers)
    app.connect("doctree-read", depend_on_registers)
    app.add_css_file("registers.css")
    # The text of a name link's entry is written by the HTML translator (EPUB included).
    app.add_node(nodes.reference, override=True, html=(visit_reference, depart_reference))
    return {"version": "0.4", "parallel_read_safe": True, "parallel_write_safe": True}

