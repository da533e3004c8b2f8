"""Foreign TEI never stops the stylesheets: a failing element becomes a warning at its line.

The mutation test takes every file of ``../shared/corpora``, breaks it in small ways
(drop an attribute, add an unexpected one, empty an element, move a child) and checks
that the stylesheets still produce a document docutils can read. It runs the XSLT only,
not Sphinx, so a few hundred mutations take well under a minute.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from docutils.frontend import get_default_settings
from docutils.parsers import docutils_xml
from docutils.utils import new_document
from lxml import etree

from edition.transform import Transformer, transformer

FIXTURES = Path(__file__).parent / "fixtures" / "recovery"
CORPORA = Path("/work/shared/corpora")
FILES = sorted(CORPORA.glob("*.xml")) if CORPORA.exists() else []
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

#: Attributes TEI files use, with values the stylesheets may not expect.
UNEXPECTED = [
    ("target", ""), ("target", "#nowhere #elsewhere"), ("ref", "#"), ("ref", "nobody"),
    ("key", " "), ("corresp", "#a #b"), ("wit", "#"), ("wit", ""), ("source", "#x"),
    ("n", ""), ("n", "xiv"), ("n", "-3"), ("rend", "sup italic strange"), ("rendition", "#"),
    ("type", "editorial"), ("place", "foot"), ("cols", "0"), ("rows", "many"), ("cert", "?"),
    ("when", "not a date"), ("notation", "TeX"), ("break", "no"), ("reason", "not-in-source"),
    ("facs", "javascript:alert(1)"), ("next", "#self"), ("prev", ""), ("copyOf", "#missing"),
    ("role", "label"), ("unit", ""), (XML_ID, "dup"), ("resp", "#nobody"), ("xml:lang", ""),
]


def _mutate(tree: etree._ElementTree, rng: random.Random) -> str:
    """Apply one random mutation to ``tree``; return what was done."""
    elements = [e for e in tree.getroot().iter() if isinstance(e.tag, str)][1:]
    e = rng.choice(elements)
    kind = rng.choice(("drop-attribute", "add-attribute", "empty", "move"))
    if kind == "drop-attribute" and e.attrib:
        del e.attrib[rng.choice(list(e.attrib))]
    elif kind == "add-attribute":
        name, value = rng.choice(UNEXPECTED)
        e.set(name.replace("xml:", "{http://www.w3.org/XML/1998/namespace}"), value)
    elif kind == "empty":
        for child in list(e):
            e.remove(child)
        e.text = None
    else:  # move: an element goes into another element that is not inside it
        inside = set(e.iter())
        targets = [t for t in elements if t not in inside]
        if targets:
            target = rng.choice(targets)
            target.insert(rng.randint(0, len(target)), e)
    return f"{kind} on <{etree.QName(e).localname}>"


def _doctree(xml: str) -> None:
    """Parse the stylesheet's result with docutils' XML parser, as Sphinx does."""
    document = new_document("<mutated>", get_default_settings(docutils_xml.Parser))
    docutils_xml.Parser().parse(xml, document)
    assert document.children, "empty document"


def test_a_failing_element_renders_its_text_and_warns_at_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # The probe is a stylesheet of its own: its compilation is not the edition's (test_transform counts those).
    monkeypatch.setattr(Transformer, "compilations", Transformer.compilations)
    result = Transformer(FIXTURES / "faulty.xsl").transform(FIXTURES / "faulty.xml")
    text = " ".join(etree.fromstring(result.xml.encode()).itertext())
    assert "inside the failing element" in " ".join(text.split())
    assert "and after it" in text and "Kept words" in text
    [failed] = [m for m in result.messages if m.code == "render-error"]
    assert (failed.element, failed.line) == ("seg", 7)
    assert "FOER0000" in failed.text and "this rendering always fails" in failed.text
    assert str(failed).startswith(f"{FIXTURES / 'faulty.xml'}:7: [render-error] <seg>")


def test_ref_without_target_is_its_text() -> None:
    result = transformer().transform(FIXTURES / "faulty.xml")
    out = etree.fromstring(result.xml.encode())
    refs = out.xpath("//inline[@classes='ref']")
    assert [r.text for r in refs] == ["a link with no target", "a canonical one"]
    assert not [m for m in result.messages if m.code == "render-error"]


@pytest.mark.skipif(not FILES, reason="no corpora present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_mutated_corpus_file_never_stops_the_stylesheets(path: Path) -> None:
    """3 rounds of 8 mutations per file: 336 mutations over the 14 files."""
    rng = random.Random(path.name)
    for round_ in range(3):
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        done = [_mutate(tree, rng) for _ in range(8)]
        # Line numbers as the stylesheets' messages will name them: those of the mutated file.
        tree = etree.ElementTree(etree.fromstring(etree.tostring(tree)))
        reading = ("edited", "diplomatic")[round_ % 2]
        try:
            result = transformer().transform(tree, reading=reading, source_name=path.name)
        except Exception as exc:  # the test's point: name the mutations that stopped it
            pytest.fail(f"{path.name} ({reading}) stopped after {done}: {exc}")
        _doctree(result.xml)
        for message in result.messages:
            assert message.line > 0, f"{message} has no line ({done})"
