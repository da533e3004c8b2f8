"""Sphinx: the release notes (the release itself, version and date, is :mod:`edition.release`).

``.. edition-changelog::`` (in ``front/changelog.rst``) becomes, at
``doctree-resolved``, the release notes generated from

* the anchor registry (:mod:`edition.anchors`): anchors published, text changed
  and retired (with successor or withdrawn), per version; changes in the TEI
  that the registry has not recorded yet count for the version being built;
* every document's ``revisionDesc/change``.

Nothing is stored in the environment: the notes are recomputed in every build,
and the page is rebuilt whenever one of them changed (``env-get-outdated``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from edition import __version__
from edition.documents import DOCUMENTS
from edition.release import release_date
from edition.xmlsafe import parse_file

if TYPE_CHECKING:
    from edition.anchors import Anchor

CHANGELOG_DOC = "front/changelog"
#: Units whose fingerprint is mostly that of the units they hold (see edition.anchors.fingerprint).
CONTAINERS = frozenset({"div", "list", "table", "quote", "figure"})
TEI_NS = {"t": "http://www.tei-c.org/ns/1.0"}


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a version such as ``0.10.1`` (numeric parts; anything else sorts first)."""
    return tuple(int(part) for part in re.findall(r"\d+", version)) or (-1,)


# --- what happened, per version -------------------------------------------------------


class VersionNotes:
    """The anchor events of one version."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.new: list[Anchor] = []
        self.changed: list[tuple[Anchor, bool]] = []  #: (anchor, pending: not yet recorded in the registry)
        self.retired: list[Anchor] = []

    def __bool__(self) -> bool:
        return bool(self.new or self.changed or self.retired)


def anchor_notes(registry: dict[str, Anchor], current: dict[str, Anchor], changed_now: list[Anchor], new_now: list[Anchor], version: str) -> list[VersionNotes]:
    """The registry's history grouped by version, newest first; pending changes count for ``version``."""
    notes: dict[str, VersionNotes] = {}

    def at(v: str) -> VersionNotes:
        return notes.setdefault(v or version, VersionNotes(v or version))

    for anchor in registry.values():
        at(anchor.since).new.append(anchor)
        if anchor.status == "retired":
            at(anchor.changed).retired.append(anchor)
        elif anchor.changed:
            at(anchor.changed).changed.append((anchor, False))
    for anchor in changed_now:
        at(version).changed.append((anchor, True))
    for anchor in new_now:
        at(version).new.append(anchor)
    return sorted((n for n in notes.values() if n), key=lambda n: version_key(n.version), reverse=True)


def revisions(srcdir: Path) -> list[tuple[str, str, str]]:
    """Every document's ``revisionDesc/change`` as ``(date, document key, text)``, newest first."""
    found: list[tuple[str, str, str]] = []
    for doc in DOCUMENTS:
        path = srcdir / "tei" / f"{doc.key}.xml"
        if not path.exists():
            continue
        for change in parse_file(path).getroot().xpath("t:teiHeader/t:revisionDesc//t:change", namespaces=TEI_NS):
            text = " ".join("".join(change.itertext()).split())
            found.append((change.get("when") or change.get("notBefore") or "", doc.key, text))
    return sorted(found, key=lambda r: (r[0], r[1]), reverse=True)


# --- the page ----------------------------------------------------------------------------


class changelog_placeholder(nodes.General, nodes.Element):
    """Replaced by the release notes at ``doctree-resolved``."""


class ChangelogDirective(SphinxDirective):
    """``.. edition-changelog::`` — the generated release notes."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [changelog_placeholder()]


def _anchor_link(app: Sphinx, docname: str, anchor: Anchor) -> nodes.reference:
    uri = app.builder.get_relative_uri(docname, f"tei/{anchor.document}")
    return nodes.reference("", anchor.id, refuri=f"{uri}#{anchor.id}", internal=True, classes=["anchor-link"])


def _titles() -> dict[str, str]:
    return {d.key: d.title for d in DOCUMENTS}


def _version_section(app: Sphinx, docname: str, notes: VersionNotes, current: dict[str, Anchor], date: str | None) -> nodes.section:
    titles = _titles()
    heading = f"Version {notes.version}" + (f" ({date})" if date and notes.version == __version__ else "")
    section = nodes.section(ids=[nodes.make_id(f"version-{notes.version}")], classes=["changelog-version"])
    section += nodes.title(text=heading)
    if notes.new:
        per_doc = Counter(a.document for a in notes.new)
        para = nodes.paragraph(classes=["changelog-new"])
        para += nodes.Text(
            f"{len(notes.new)} anchors published: "
            + ", ".join(f"{titles.get(k, k)} {n}" for k, n in sorted(per_doc.items()))
            + ". Each stays valid in every later version."
        )
        section += para
    if notes.changed:
        sub = nodes.section(ids=[nodes.make_id(f"changed-{notes.version}")], classes=["changelog-changed"])
        sub += nodes.title(text="Changed passages")
        items = nodes.bullet_list()
        for anchor, pending in sorted(notes.changed, key=lambda p: p[0].id):
            para = nodes.paragraph()
            para += _anchor_link(app, docname, anchor)
            what = "its parts changed" if anchor.element in CONTAINERS else "its text changed"
            para += nodes.Text(f" ({anchor.element}, {titles.get(anchor.document, anchor.document)}): {what}")
            if anchor.note:
                para += nodes.Text(f" — {anchor.note}")
            if pending:
                para += nodes.emphasis(text=" (in this build)")
            items += nodes.list_item("", para, classes=["changed-anchor"], ids=[nodes.make_id(f"changed-{notes.version}-{anchor.id}")])
        sub += items
        section += sub
    if notes.retired:
        sub = nodes.section(ids=[nodes.make_id(f"retired-{notes.version}")], classes=["changelog-retired"])
        sub += nodes.title(text="Retired anchors")
        items = nodes.bullet_list()
        for anchor in sorted(notes.retired, key=lambda a: a.id):
            para = nodes.paragraph()
            para += _anchor_link(app, docname, anchor)
            if anchor.withdrawn:
                para += nodes.Text(" was withdrawn")
            else:
                para += nodes.Text(" now leads to ")
                successor = current.get(anchor.successor)
                para += _anchor_link(app, docname, successor) if successor else nodes.literal(text=anchor.successor)
            para += nodes.Text(f": {anchor.note}" if anchor.note else ".")
            items += nodes.list_item("", para, classes=["retired-anchor"])
        sub += items
        section += sub
    return section


def changelog_nodes(app: Sphinx, docname: str) -> list[nodes.Node]:
    """The release notes as docutils nodes."""
    from edition.sphinxext.permalinks import anchor_state

    state = anchor_state(app)
    date = release_date(Path(app.srcdir))
    intro = nodes.paragraph(classes=["changelog-current"])
    intro += nodes.Text(f"This is version {__version__} of the edition" + (f", released {date}." if date else "."))
    intro += nodes.Text(
        " Every anchor the edition has published keeps working: a passage that was split, merged or moved"
        " leads to its successor, a withdrawn one to a notice that says why."
    )
    out: list[nodes.Node] = [intro]
    changed_now = [new for _, new in state.result.changed]
    for notes in anchor_notes(state.registry, state.current, changed_now, state.result.new, __version__):
        out.append(_version_section(app, docname, notes, state.current, date))
    revs = revisions(Path(app.srcdir))
    if revs:
        section = nodes.section(ids=["document-revisions"], classes=["changelog-revisions"])
        section += nodes.title(text="Revisions of the documents")
        items = nodes.bullet_list()
        titles = _titles()
        for when, key, text in revs:
            para = nodes.paragraph()
            para += nodes.strong(text=when or "undated")
            para += nodes.Text(" — ")
            para += nodes.reference("", titles.get(key, key), refuri=app.builder.get_relative_uri(docname, f"tei/{key}"), internal=True)
            para += nodes.Text(f": {text}")
            items += nodes.list_item("", para)
        section += items
        out.append(section)
    return out


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for placeholder in list(doctree.findall(changelog_placeholder)):
        placeholder.replace_self(changelog_nodes(app, docname))


def _registry_digest(srcdir: Path) -> str:
    path = srcdir / "tei" / "anchors.tsv"
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def _outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    # The notes depend on every TEI document (revisionDesc, anchors) and on the registry:
    # they are rebuilt when one of those changed, so a no-op build stays a no-op. When the
    # registry changed, the document pages (retired ids, withdrawn passages) are rebuilt too.
    outdated: list[str] = []
    tei_changed = any(d.startswith("tei/") for d in added | changed | removed)
    digest = _registry_digest(Path(app.srcdir))
    if getattr(env, "edition_anchor_registry", None) != digest:
        env.edition_anchor_registry = digest  # type: ignore[attr-defined]
        outdated += sorted(d for d in env.found_docs if d.startswith("tei/"))
        tei_changed = True
    if tei_changed and CHANGELOG_DOC in env.found_docs:
        outdated.append(CHANGELOG_DOC)
    return outdated


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(changelog_placeholder)
    app.add_directive("edition-changelog", ChangelogDirective)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("env-get-outdated", _outdated)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
