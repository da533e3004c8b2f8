"""Rebuild a source's text from its TEI, to prove that no character was lost.

The rules are those of ``tei/ENCODING.md`` ("Fidelity rule"): the diplomatic
readings (``sic``, ``orig``, ``fw``, hyphens recorded on ``lb``) are kept, the
editorial ones (``corr``, ``reg``, ``supplied``, editorial notes, ``gap``) are
dropped, and a footnote's text is moved from its callout to the foot of its page,
where the PDF extraction printed it after the note's number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from edition.xmlsafe import parse_file

TEI = "http://www.tei-c.org/ns/1.0"
T = "{%s}" % TEI

#: Elements whose content is editorial, not the source's.
EDITORIAL = {T + "corr", T + "reg", T + "expan", T + "supplied", T + "gap", T + "teiHeader"}

_WS = re.compile(r"\s+", re.UNICODE)


def _is_editorial_note(el: etree._Element) -> bool:
    return el.tag == T + "note" and el.get("place") != "foot"


@dataclass
class _Walker:
    """Walks the text in document order, collecting source characters."""

    out: list[str]
    pending: list[str]

    def flush(self) -> None:
        self.out.extend(self.pending)
        self.pending.clear()

    def walk(self, el: etree._Element, sink: list[str]) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            if el.tail:
                sink.append(el.tail)
            return
        if tag in EDITORIAL or _is_editorial_note(el):
            pass
        elif tag == T + "pb":
            self.flush()
        elif tag == T + "lb":
            if el.get("rend") == "hyphen":
                sink.append("-")
        elif tag == T + "note" and el.get("place") == "foot":
            sink.append(el.get("n", ""))
            body: list[str] = []
            if el.text:
                body.append(el.text)
            for child in el:
                self.walk(child, body)
            if any(t.strip() for t in body):
                # The page foot repeats the number before the note's surviving text.
                body.insert(0, el.get("n", ""))
            self.pending.append("".join(body))
        else:
            if el.text:
                sink.append(el.text)
            for child in el:
                self.walk(child, sink)
        if el.tail:
            sink.append(el.tail)


def source_text(tei: Path | etree._ElementTree) -> str:
    """Return the source text that a TEI document records, in source order."""
    tree = parse_file(tei) if isinstance(tei, Path) else tei
    text = tree.getroot().find(T + "text")
    if text is None:
        return ""
    walker = _Walker(out=[], pending=[])
    if text.text:
        walker.out.append(text.text)
    for child in text:
        walker.walk(child, walker.out)
    walker.flush()
    return "".join(walker.out)


def squeeze(text: str) -> str:
    """Drop all whitespace: the comparison ignores layout, nothing else."""
    return _WS.sub("", text)


def first_difference(expected: str, actual: str, context: int = 60) -> str | None:
    """Describe where two squeezed texts first differ, or return None if equal."""
    if expected == actual:
        return None
    n = next((i for i, (a, b) in enumerate(zip(expected, actual)) if a != b), min(len(expected), len(actual)))
    return (
        f"first difference at character {n} of {len(expected)}:\n"
        f"  source: …{expected[max(0, n - context):n + context]}…\n"
        f"  TEI:    …{actual[max(0, n - context):n + context]}…"
    )


def compare(tei_path: Path, source_path: Path) -> tuple[int, str | None]:
    """Compare a TEI file with its source; return (characters compared, difference or None)."""
    expected = squeeze(source_path.read_text(encoding="utf-8"))
    actual = squeeze(source_text(tei_path))
    return len(expected), first_difference(expected, actual)
