"""Permanent identifiers: give new elements the next free id, never reuse one.

``edition new-id FILE`` calls :func:`assign_ids`. An id once published is
permanent (see ``tei/ENCODING.md``), so a new element takes the next number
after the highest ever used for its kind, in any file of the edition or in the
anchor registry (which remembers retired ids). Existing ids are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from edition import anchors
from edition.documents import edition_files
from edition.xmlsafe import parse_file, write_tree

TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

#: Element -> id kind and zero-padding width, as in ENCODING.md.
KINDS: dict[str, tuple[str, int]] = {
    "div": ("div", 2),
    "head": ("head", 3),
    "p": ("p", 4),
    "item": ("item", 3),
    "list": ("list", 2),
    "quote": ("quote", 2),
    "table": ("table", 1),
    "row": ("row", 2),
    "figure": ("fig", 1),
}
_NUMBERED = re.compile(r"^(?P<key>[a-z]+)-(?P<kind>[a-z]+)(?P<n>\d+)$")


def _kind(el: etree._Element) -> tuple[str, int] | None:
    name = etree.QName(el).localname
    if name == "note":
        return ("fn", 3) if el.get("place") == "foot" else ("ednote", 2)
    return KINDS.get(name)


def used_numbers(ids: Iterable[str], key: str) -> dict[str, int]:
    """The highest number used per kind among ``ids`` of document ``key``."""
    highest: dict[str, int] = {}
    for ident in ids:
        match = _NUMBERED.match(ident)
        if match and match["key"] == key:
            kind, n = match["kind"], int(match["n"])
            highest[kind] = max(highest.get(kind, 0), n)
    return highest


def all_known_ids(extra: Iterable[Path] = ()) -> set[str]:
    """Every id in the edition's files, the given files and the anchor registry."""
    known: set[str] = set(anchors.load())
    for path in {*edition_files(), *extra}:
        known.update(parse_file(path).getroot().xpath("//@xml:id"))
    return known


def assign_ids(tree: etree._ElementTree, key: str, known: set[str]) -> list[str]:
    """Give every citable element of ``tree`` without an id the next free one.

    Footnotes take their number from ``@n`` when that id is free. Returns the new ids.
    """
    text = tree.getroot().find(f"{{{TEI}}}text")
    if text is None:
        return []
    highest = used_numbers(known, key)
    new: list[str] = []
    for el in text.iter(f"{{{TEI}}}*"):
        if el.get(XML_ID) is not None:
            continue
        kind = _kind(el)
        if kind is None:
            continue
        name, width = kind
        candidate = ""
        if name == "fn" and (el.get("n") or "").isdigit():
            candidate = f"{key}-fn{int(el.get('n', '0')):0{width}d}"
        if not candidate or candidate in known:
            highest[name] = highest.get(name, 0) + 1
            candidate = f"{key}-{name}{highest[name]:0{width}d}"
            while candidate in known:
                highest[name] += 1
                candidate = f"{key}-{name}{highest[name]:0{width}d}"
        el.set(XML_ID, candidate)
        known.add(candidate)
        new.append(candidate)
    return new


def new_ids(path: Path) -> list[str]:
    """Assign missing ids in one TEI file in place; return the ids added."""
    tree = parse_file(path)
    key = tree.getroot().get("n") or path.stem
    added = assign_ids(tree, key, all_known_ids([path]))
    if added:
        write_tree(path, tree)
    return added
