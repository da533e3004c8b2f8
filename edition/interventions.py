"""The editors' interventions in a TEI document, counted by kind.

One count per kind the editorial principles name: corrections (``corr``),
regularisations (``reg``), supplied words (``supplied``), surplus words
(``surplus``) and editorial notes (``note type="editorial"``). The principles page
shows the counts of every document (``edition/sphinxext/apparatus.py``); ``python -m
edition.interventions tei/*.xml`` prints the same table.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

from edition.xmlsafe import XMLInputError, parse_file

TEI = "http://www.tei-c.org/ns/1.0"

#: kind → (label, XPath counting it inside ``text``)
KINDS: dict[str, tuple[str, str]] = {
    "corr": ("Corrections", "count(//tei:text//tei:corr)"),
    "reg": ("Regularisations", "count(//tei:text//tei:reg)"),
    "supplied": ("Supplied", "count(//tei:text//tei:supplied)"),
    "surplus": ("Surplus", "count(//tei:text//tei:surplus)"),
    "note": ("Editorial notes", "count(//tei:text//tei:note[@type='editorial'])"),
}


def count(tree: etree._ElementTree) -> dict[str, int]:
    """Interventions of one parsed TEI document, per kind (in the order of :data:`KINDS`)."""
    return {kind: int(tree.xpath(xpath, namespaces={"tei": TEI})) for kind, (_, xpath) in KINDS.items()}


def count_file(path: Path | str) -> dict[str, int]:
    """Interventions of one TEI file; raises :class:`XMLInputError` on a file that does not parse."""
    return count(parse_file(path))


def main(argv: list[str]) -> int:
    print("\t".join(["document", *(label for label, _ in KINDS.values())]))
    for name in argv:
        try:
            counts = count_file(name)
        except XMLInputError as exc:
            print(exc, file=sys.stderr)
            return 1
        print("\t".join([Path(name).stem, *(str(n) for n in counts.values())]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
