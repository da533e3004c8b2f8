"""The anchor registry: every anchor ever published, so that no citation breaks.

``tei/anchors.tsv`` lists each published ``xml:id`` of a citable unit with its
document, element and a fingerprint of its text. A build checks the current
TEI against it:

* a registered anchor that has disappeared must be *retired* in the registry,
  with a successor id or as ``withdrawn``; otherwise the build fails;
* a live anchor whose text changed is reported (and listed in release notes);
* new anchors are added by ``edition anchors --update``, never silently
  renamed or reused.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from edition.documents import DOCUMENTS, TEI_DIR
from edition.xmlsafe import parse_file

TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

#: TEI elements whose xml:id is a citable anchor.
CITABLE = ("p", "head", "item", "note", "quote", "row", "div", "table", "list", "figure")
REGISTRY = TEI_DIR / "anchors.tsv"
FIELDS = ("id", "document", "element", "fingerprint", "status", "successor", "since", "changed", "note")

_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Anchor:
    """One published anchor."""

    id: str
    document: str
    element: str
    fingerprint: str
    status: str = "live"  #: ``live`` or ``retired``
    successor: str = ""  #: the id that replaces a retired anchor, or ``withdrawn``
    since: str = ""  #: the edition version that first published it
    changed: str = ""  #: the version of its last text change, or of its retirement
    note: str = ""  #: what happened, in words (why it was retired or changed), for the release notes

    @property
    def withdrawn(self) -> bool:
        return self.status == "retired" and self.successor == "withdrawn"


def _own_text(el: etree._Element) -> str:
    """The text of ``el`` with each citable descendant (one that has an id) reduced to its id.

    So a unit's fingerprint changes with its own words and with the units it holds
    (a paragraph split or added in a section), but a corrected footnote does not
    make its paragraph, section and chapter "changed" as well.
    """
    parts = [el.text or ""]
    for child in el:
        if not isinstance(child.tag, str):
            pass  # a comment or processing instruction: not text
        elif etree.QName(child).localname in CITABLE and child.get(XML_ID):
            parts.append(f" \u241f{child.get(XML_ID)}\u241f ")
        else:
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def fingerprint(el: etree._Element) -> str:
    """A short hash of an element's own text (see :func:`_own_text`), whitespace folded."""
    text = _WS.sub(" ", _own_text(el)).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def collect(tree: etree._ElementTree, document: str) -> dict[str, Anchor]:
    """The citable anchors of one TEI document, in document order."""
    anchors: dict[str, Anchor] = {}
    text = tree.getroot().find(f"{{{TEI}}}text")
    if text is None:
        return anchors
    for el in text.iter(*(f"{{{TEI}}}{name}" for name in CITABLE)):
        ident = el.get(XML_ID)
        if ident:
            anchors[ident] = Anchor(ident, document, etree.QName(el).localname, fingerprint(el))
    return anchors


def collect_edition(root_dir: Path = TEI_DIR) -> dict[str, Anchor]:
    """The citable anchors of all documents of the edition."""
    anchors: dict[str, Anchor] = {}
    for doc in DOCUMENTS:
        path = root_dir / f"{doc.key}.xml"
        if path.exists():
            anchors.update(collect(parse_file(path), doc.key))
    return anchors


def load(path: Path = REGISTRY) -> dict[str, Anchor]:
    """Read the registry (empty if it does not exist yet)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {row["id"]: Anchor(**{k: row.get(k) or "" for k in FIELDS}) for row in rows}


def save(anchors: dict[str, Anchor], path: Path = REGISTRY) -> None:
    """Write the registry, sorted by document and id, so diffs stay small."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("# Every anchor ever published by the Kirov Edition. Never delete a line:\n")
        handle.write("# retire it (status=retired) with a successor id, or successor=withdrawn.\n")
        writer = csv.DictWriter(handle, FIELDS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for anchor in sorted(anchors.values(), key=lambda a: (a.document, a.id)):
            writer.writerow(anchor.__dict__)


@dataclass
class AnchorCheck:
    """The outcome of checking the TEI against the registry."""

    missing: list[Anchor]  #: registered, live, gone, no successor: an error
    bad_successor: list[Anchor]  #: retired, but the successor does not exist: an error
    changed: list[tuple[Anchor, Anchor]]  #: (registered, current) whose text changed
    new: list[Anchor]  #: not yet registered

    @property
    def ok(self) -> bool:
        return not self.missing and not self.bad_successor

    def messages(self) -> list[str]:
        """Errors first, one line each, in the edition's message format."""
        lines = [
            f"tei/{a.document}.xml: [anchor-removed] published anchor {a.id} ({a.element}) has disappeared; "
            f"restore it, or retire it in tei/anchors.tsv with a successor id or 'withdrawn'"
            for a in self.missing
        ]
        lines += [
            f"tei/anchors.tsv: [anchor-successor] retired anchor {a.id} names successor {a.successor}, which does not exist"
            for a in self.bad_successor
        ]
        lines += [
            f"tei/{new.document}.xml: [anchor-changed] the text of {old.id} changed since it was published (warning)"
            for old, new in self.changed
        ]
        return lines


def check(registry: dict[str, Anchor], current: dict[str, Anchor]) -> AnchorCheck:
    """Compare the current anchors with the registry."""
    result = AnchorCheck([], [], [], [])
    for anchor in registry.values():
        if anchor.status == "retired":
            # A successor may itself have been retired since: what counts is the live end of the chain.
            target = resolve(registry, anchor.id)
            if target != "withdrawn" and target not in current:
                result.bad_successor.append(anchor)
        elif anchor.id not in current:
            result.missing.append(anchor)
        elif current[anchor.id].fingerprint != anchor.fingerprint:
            result.changed.append((anchor, current[anchor.id]))
    result.new = [a for ident, a in current.items() if ident not in registry]
    return result


def update(
    registry: dict[str, Anchor],
    current: dict[str, Anchor],
    *,
    accept_changes: bool = False,
    version: str | None = None,
) -> dict[str, Anchor]:
    """Register new anchors (and, if asked, the new fingerprints of changed ones).

    ``version`` (default: the edition's) is recorded as ``since`` of a new anchor
    and as ``changed`` of an accepted text change, so that the release notes can
    say in which version it happened.
    """
    version = version or _edition_version()
    merged = dict(registry)
    for ident, anchor in current.items():
        if ident not in merged:
            merged[ident] = replace(anchor, since=version)
        elif accept_changes and merged[ident].status == "live" and merged[ident].fingerprint != anchor.fingerprint:
            merged[ident] = replace(merged[ident], fingerprint=anchor.fingerprint, changed=version)
    return merged


def retire(
    registry: dict[str, Anchor],
    ident: str,
    successor: str,
    note: str = "",
    *,
    version: str | None = None,
) -> dict[str, Anchor]:
    """Retire a published anchor: ``successor`` is the id that replaces it, or ``withdrawn``.

    The line stays in the registry for ever, so the site keeps answering the old id.
    """
    if ident not in registry:
        raise KeyError(f"{ident} is not a published anchor")
    if successor == ident:
        raise ValueError(f"{ident} cannot succeed itself")
    merged = dict(registry)
    merged[ident] = replace(
        registry[ident], status="retired", successor=successor, note=note, changed=version or _edition_version()
    )
    return merged


def resolve(registry: dict[str, Anchor], ident: str) -> str:
    """The live id that answers for ``ident`` (following successors), or ``withdrawn``.

    A chain (a split paragraph whose successor was split again) is followed to its
    end; a cycle in the registry is an error.
    """
    seen: list[str] = []
    while ident in registry and registry[ident].status == "retired":
        if ident in seen:
            raise ValueError(f"tei/anchors.tsv: successors of {seen[0]} form a cycle: {' -> '.join(seen)}")
        seen.append(ident)
        ident = registry[ident].successor
    return ident


def _edition_version() -> str:
    from edition import __version__

    return __version__


def retired(registry: dict[str, Anchor]) -> list[Anchor]:
    """The retired anchors, for the redirects the site must still answer."""
    return [a for a in registry.values() if a.status == "retired"]
