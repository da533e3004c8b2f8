"""Sphinx: every anchor ever published keeps answering, and each ¶ offers a citation.

The anchor registry (``tei/anchors.tsv``, :mod:`edition.anchors`) records each
published ``xml:id``. This extension makes the HTML honour it:

* a **retired** anchor whose live successor is on the same page becomes a second
  id of the successor's element (docutils writes it as an empty
  ``<span id="old">`` at the element's start), so ``page.html#old`` lands on the
  successor without JavaScript;
* a retired anchor whose successor is on **another page** gets an element with
  its id in a "Moved passages" note at the end of its former page, linking to the
  successor (no JavaScript needed), and a small JSON map in that page's
  ``<head>`` that ``edition-anchors.js`` follows at once when the location's
  fragment names it;
* a **withdrawn** anchor gets an element with its id in a "Withdrawn passages"
  section at the end of its former page, saying in which version and why;
* each ¶ permalink gets a companion "cite" link to the unit's entry on the
  citation page (``cite/{key}.html#{xml:id}``); ``edition-anchors.js`` turns it
  into a popover (Chicago, MLA, downloads) that closes with Esc;
* every page names the edition's version and release date (``html-page-context``
  gives ``edition_version``, ``edition_release_date`` and
  ``edition_release_html`` to templates; the theme's sidebar blurb shows it).
"""

from __future__ import annotations

import html
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from edition import __version__
from edition.anchors import Anchor, AnchorCheck, check, collect_edition, load, resolve
from edition.release import release_date
from edition.sphinxext.security import json_script

WITHDRAWN_SECTION = "withdrawn-passages"
MOVED_SECTION = "moved-passages"


@dataclass
class AnchorState:
    """What the registry and the current TEI say, computed once per build."""

    registry: dict[str, Anchor]
    current: dict[str, Anchor]
    result: AnchorCheck
    #: page -> successor id -> retired ids answered by the successor's element
    aliases: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: page -> retired id -> (page of the successor, successor id)
    moved: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    #: page -> retired anchors that were withdrawn
    withdrawn: dict[str, list[Anchor]] = field(default_factory=dict)


_STATES: "weakref.WeakKeyDictionary[Sphinx, AnchorState]" = weakref.WeakKeyDictionary()


def page_of(anchor: Anchor) -> str:
    """The docname of the page that shows a document's anchors."""
    return f"tei/{anchor.document}"


def anchor_state(app: Sphinx) -> AnchorState:
    """The registry and the current anchors of the edition being built (read once per build)."""
    if app in _STATES:
        return _STATES[app]
    tei = Path(app.srcdir) / "tei"
    registry, current = load(tei / "anchors.tsv"), collect_edition(tei)
    state = AnchorState(registry, current, check(registry, current))
    for old in registry.values():
        if old.status != "retired" or old.id in current:
            continue
        try:
            target = resolve(registry, old.id)
        except ValueError:
            continue  # the build's anchor check reports the cycle
        page = page_of(old)
        if target == "withdrawn":
            state.withdrawn.setdefault(page, []).append(old)
        elif target in current:
            target_page = page_of(current[target])
            if target_page == page:
                state.aliases.setdefault(page, {}).setdefault(target, []).append(old.id)
            else:
                state.moved.setdefault(page, {})[old.id] = (target_page, target)
    _STATES[app] = state
    return state


def _builder_inited(app: Sphinx) -> None:
    _STATES.pop(app, None)


def _write_started(app: Sphinx, builder: Any) -> None:
    """Read the anchors in the main process before ``-j`` forks the writers, which inherit
    them; read lazily, every writer process would read every document again."""
    anchor_state(app)


# --- doctree: retired ids, withdrawn and moved passages, cite links ------------------


def _add_aliases(doctree: nodes.document, aliases: dict[str, list[str]]) -> None:
    for node in doctree.findall(nodes.Element):
        for ident in list(node.get("ids", [])):
            for old in aliases.get(ident, []):
                if old not in node["ids"]:
                    node["ids"].append(old)


def _notice_section(ident: str, title: str, intro: str) -> nodes.section:
    section = nodes.section(ids=[ident], classes=[ident])
    section += nodes.title(text=title)
    section += nodes.paragraph(text=intro)
    return section


def _withdrawn_section(anchors: list[Anchor]) -> nodes.section:
    section = _notice_section(
        WITHDRAWN_SECTION,
        "Withdrawn passages",
        "These passages were published in an earlier version of the edition and have since been withdrawn. "
        "Their anchors stay valid and lead here.",
    )
    for a in sorted(anchors, key=lambda a: a.id):
        para = nodes.paragraph(ids=[a.id], classes=["withdrawn-passage"])
        when = f" in version {a.changed}" if a.changed else ""
        para += nodes.strong(text=a.id)
        para += nodes.Text(f" ({a.element}, published" + (f" in version {a.since}" if a.since else "") + f") was withdrawn{when}")
        para += nodes.Text(f": {a.note}" if a.note else ".")
        section += para
    return section


def _moved_section(app: Sphinx, docname: str, moved: dict[str, tuple[str, str]]) -> nodes.section:
    section = _notice_section(
        MOVED_SECTION,
        "Moved passages",
        "These passages of an earlier version now belong to another page.",
    )
    items = nodes.bullet_list()
    for old, (page, target) in sorted(moved.items()):
        # The notice carries the old id: without JavaScript the old address lands here, one link away.
        item = nodes.list_item(ids=[old], classes=["moved-passage"])
        para = nodes.paragraph()
        para += nodes.literal(text=old)
        para += nodes.Text(" is now ")
        para += nodes.reference("", target, refuri=f"{app.builder.get_relative_uri(docname, page)}#{target}", internal=True)
        item += para
        items += item
    section += items
    return section


def _top_section(doctree: nodes.document) -> nodes.Element:
    return next(iter(doctree.findall(nodes.section)), doctree)


def _add_cite_links(app: Sphinx, doctree: nodes.document, docname: str) -> int:
    from edition.sphinxext.citing import CITE_DIR, catalogue, is_html_site

    if not is_html_site(app):
        return 0
    cited = catalogue(app).get(docname)
    if cited is None:
        return 0
    units = {c.unit.xml_id: c for c in cited.citations if c.unit.xml_id}
    cite_page = app.builder.get_relative_uri(docname, f"{CITE_DIR}/{cited.meta.key}")
    added = 0
    for ref in list(doctree.findall(nodes.reference)):
        if "permalink" not in ref.get("classes", []):
            continue
        ident = ref.get("refuri", "").lstrip("#")
        citation = units.get(ident)
        if citation is None:
            continue
        link = nodes.reference(
            "",
            "cite",
            refuri=f"{cite_page}#{ident}",
            classes=["cite-link"],
            reftitle=f"How to cite {citation.ref}",
        )
        parent = ref.parent
        index = parent.index(ref)
        parent.insert(index + 1, link)
        parent.insert(index + 1, nodes.Text(" "))
        added += 1
    return added


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    state = anchor_state(app)
    if docname in state.aliases:
        _add_aliases(doctree, state.aliases[docname])
    top = _top_section(doctree)
    if docname in state.moved:
        top += _moved_section(app, docname, state.moved[docname])
    if docname in state.withdrawn:
        top += _withdrawn_section(state.withdrawn[docname])
    _add_cite_links(app, doctree, docname)


# --- pages: moved-anchor map, version and release date ---------------------------------


def moved_map_tag(app: Sphinx, docname: str, moved: dict[str, tuple[str, str]]) -> str:
    """A JSON data block (never executed) mapping old ids to the successors' relative URLs."""
    mapping = {old: f"{app.builder.get_relative_uri(docname, page)}#{target}" for old, (page, target) in sorted(moved.items())}
    return json_script(mapping, ident="edition-moved-anchors", ensure_ascii=False, sort_keys=True) + "\n"


def release_line(version: str, date: str | None) -> str:
    """The edition's version and release date in words."""
    return f"Version {version}" + (f", released {date}" if date else "")


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    date = release_date(Path(app.srcdir))
    line = release_line(__version__, date)
    notes = app.builder.get_relative_uri(pagename, "front/changelog") if "front/changelog" in app.env.found_docs else ""
    context["edition_version"] = __version__
    context["edition_release_date"] = date or ""
    context["edition_release_html"] = (
        f'<span class="edition-release">{html.escape(line)}'
        + (f' · <a href="{html.escape(notes)}">release notes</a>' if notes else "")
        + "</span>"
    )
    # The theme's sidebar shows the blurb on every page, generated ones included.
    if not context.get("theme_description"):
        context["theme_description"] = context["edition_release_html"]
    moved = anchor_state(app).moved.get(pagename)
    if moved:
        context["metatags"] = context.get("metatags", "") + moved_map_tag(app, pagename, moved)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _builder_inited)
    app.connect("write-started", _write_started)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("html-page-context", _page_context)
    app.add_js_file("edition-anchors.js", loading_method="defer")
    app.add_css_file("edition-anchors.css")
    # Registry and TEI are read at build time, never stored in the environment.
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
