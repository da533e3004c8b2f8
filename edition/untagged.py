"""Registered names left untagged in a document's running text (``edition validate``, rule ``untagged-name``).

Every occurrence of a register entry's name or variant in the text of a document
should be a ``persName``/``placeName``/``orgName`` pointing at the entry. The
occurrences are found by :func:`edition.annotate.suggest` (the tagger's own rules,
so an occurrence it would skip as ambiguous is not reported). An occurrence the
editors leave untagged on purpose is listed, with the reason, in
``tei/untagged-allowed.txt``::

    # xml:id of the element holding the text | the name as printed | reason
    dikova-p0013 | Kalinin | why it stays untagged

The xml:id is that of the nearest element with an id that holds the occurrence
(the paragraph, item or note it stands in).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from edition.annotate import NO_TAG, suggest
from edition.documents import TEI_DIR
from edition.registers import Registers

XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

#: The committed list of occurrences left untagged on purpose.
ALLOWED_PATH = TEI_DIR / "untagged-allowed.txt"


@dataclass(frozen=True)
class Untagged:
    """One registered name found untagged."""

    line: int
    text: str  #: the name as printed
    key: str  #: the register id it would point at
    anchor: str  #: xml:id of the element it stands in ('' if none)


def load_allowed(path: Path = ALLOWED_PATH) -> dict[tuple[str, str], str]:
    """(xml:id, name) → reason, from the allowed-exceptions file (empty if there is none)."""
    allowed: dict[tuple[str, str], str] = {}
    if not path.exists():
        return allowed
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) == 3 and all(parts):
            allowed[(parts[0], parts[1])] = parts[2]
    return allowed


def _anchor(el: etree._Element) -> str:
    node: etree._Element | None = el
    while node is not None:
        if node.get(XML_ID):
            return node.get(XML_ID, "")
        node = node.getparent()
    return ""


def _untagged_slots(tree: etree._ElementTree, line: int, name: str) -> list[str]:
    """Anchors of the untagged text nodes on ``line`` that contain ``name``, in document order."""
    rx = re.compile(r"(?<![\w.])" + re.escape(name) + r"(?!\w)")
    found: list[str] = []
    for el in tree.getroot().iter():
        if not isinstance(el.tag, str) or el.sourceline != line:
            continue
        for owner, text in ((el, el.text), (el.getparent(), el.tail)):
            if owner is None or not text or not _taggable(owner):
                continue
            found.extend(_anchor(owner) for _ in rx.finditer(text))
    return found


def _taggable(el: etree._Element) -> bool:
    """Text directly in ``el`` is running text the tagger would look at (not in a name, sic, fw …)."""
    node: etree._Element | None = el
    while node is not None:
        if etree.QName(node).localname in NO_TAG:
            return False
        node = node.getparent()
    return True


def find_untagged(tree: etree._ElementTree, registers: Registers) -> list[Untagged]:
    """Every untagged occurrence of a registered name in the document's text, with its element's id."""
    found = []
    seen: Counter[tuple[int, str]] = Counter()
    for line, text, key in suggest(tree, registers):
        at = line or 0
        slots = _untagged_slots(tree, at, text)
        index = seen[(at, text)]
        seen[(at, text)] += 1
        found.append(Untagged(at, text, key, slots[index] if index < len(slots) else ""))
    return found


def unexplained(tree: etree._ElementTree, registers: Registers,
                allowed: dict[tuple[str, str], str] | None = None) -> list[Untagged]:
    """The untagged occurrences that the allowed-exceptions file does not explain."""
    allowed = load_allowed() if allowed is None else allowed
    return [u for u in find_untagged(tree, registers) if (u.anchor, u.text) not in allowed]
