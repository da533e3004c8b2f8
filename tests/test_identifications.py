"""Names, dates and identifications in the real edition's TEI: pointers resolve, names are
tagged, dates are ISO, and the persons the slides describe without naming are identified."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO, copy_edition, run_edition
from edition.documents import document_paths, register_paths
from edition.registers import load_registers
from edition.transform import transform_file
from edition.untagged import find_untagged, load_allowed, unexplained
from edition.validate import validate
from edition.xmlsafe import parse_file

TEI = {"t": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
DATE_ATTRIBUTES = ("when", "from", "to", "notBefore", "notAfter")

#: The passages of slides 7–11 and the person each describes without naming him.
IDENTIFIED = {
    "slides-list08": "zinoviev",
    "slides-list09": "rykov",
    "slides-list10": "bukharin",
    "slides-list11": "kamenev",
    "slides-p0014": "stalin",
    "slides-list13": "trotsky",
}


@pytest.fixture(scope="module")
def report():
    return validate(None)


@pytest.fixture(scope="module")
def registers():
    return load_registers(REPO / "tei")


def test_every_pointer_of_the_edition_resolves(report):
    assert [p.format() for p in report.problems if p.rule in ("pointer", "pointer-kind")] == []
    assert report.ok, report.format_text()


def test_no_registered_name_is_untagged_unless_allowed(report, registers):
    warnings = [p.format() for p in report.problems if p.rule == "untagged-name"]
    assert warnings == []
    allowed = load_allowed()
    for path in document_paths():
        assert unexplained(parse_file(path), registers, allowed) == [], path.name


def test_every_allowed_exception_still_exists(registers):
    """An entry of tei/untagged-allowed.txt that no longer matches anything is stale."""
    found = {(u.anchor, u.text) for path in document_paths() for u in find_untagged(parse_file(path), registers)}
    assert set(load_allowed()) <= found


def _parses(value: str) -> bool:
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", value)
    if not m:
        return False
    year, month, day = m.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return False
    return True


def test_every_date_attribute_is_iso_8601():
    bad, count = [], 0
    for path in [*document_paths(), *register_paths()]:
        for el in parse_file(path).iter():
            if not isinstance(el.tag, str):
                continue
            for att in DATE_ATTRIBUTES:
                value = el.get(att)
                if value is not None:
                    count += 1
                    if not _parses(value):
                        bad.append(f"{path.name}:{el.sourceline} {att}={value!r}")
    assert count > 500  # the documents are dated throughout
    assert bad == []
    # a range never runs backwards
    for path in document_paths():
        for el in parse_file(path).iterfind(".//t:date", TEI):
            for start, end in (("from", "to"), ("notBefore", "notAfter")):
                if el.get(start) and el.get(end):
                    assert el.get(start) <= el.get(end), f"{path.name}:{el.sourceline}"


def test_slides_identify_the_unnamed_contenders(registers):
    tree = parse_file(REPO / "tei" / "slides.xml")
    for ident, person in IDENTIFIED.items():
        (passage,) = tree.xpath("//*[@xml:id = $i]", i=ident)
        assert passage.get("corresp") == f"#{person}"
        assert passage.get("cert") == "high" and passage.get("resp") == "#slides-ed"
        note = passage[0]
        assert etree.QName(note).localname == "note" and note.get("type") == "editorial"
        assert note.get("resp") == "#slides-ed" and re.fullmatch(r"slides-ednote\d\d", note.get(XML_ID))
        assert not (passage.text or "").strip(), "the note stands at the start of the passage"
        names = [n.get("ref") for n in note.iterfind("t:persName", TEI)]
        assert names[0] == f"#{person}" and person in registers
        assert "Evidence:" in "".join(note.itertext())
    # the slides the identifications rest on still say what the evidence quotes
    text = " ".join("".join(tree.getroot().itertext()).split())
    assert "Zinoviev was Chairman of the Petrograd Party" in text
    assert "Bukharin lost his presidency of" in text


def test_identification_reaches_the_doctree():
    xml = transform_file(REPO / "tei" / "slides.xml").xml
    found = dict(re.findall(r'key="([a-z-]+)" identifies="([a-z0-9-]+)" cert="high"', xml))
    assert {v: k for k, v in found.items()} == IDENTIFIED
    # only the first name of the entry in the note identifies: the evidence's later mention does not
    assert xml.count('identifies="slides-list08"') == 1


def test_untagged_name_is_a_located_warning_with_advice(tmp_path):
    root = copy_edition(tmp_path / "edition")
    path = root / "tei" / "onthisday.xml"
    text = path.read_text(encoding="utf-8")
    # an untagged "Zinoviev" in a new sentence of the first paragraph
    text, n = re.subn(r'(<p xml:id="onthisday-p0001"[^>]*>)', r"\1Zinoviev spoke. ", text, count=1)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "Zinoviev spoke." in s)
    proc = run_edition("validate", "tei/onthisday.xml", root=root)
    assert proc.returncode == 0, proc.stdout  # a warning, not an error
    assert f"tei/onthisday.xml:{line}:1: [untagged-name] warning: person 'Zinoviev' is not tagged (in onthisday-p0001)" in proc.stdout
    assert 'ref="#zinoviev"' in proc.stdout and "untagged-allowed.txt" in proc.stdout
    # an allowed exception silences exactly that occurrence
    allowed = root / "tei" / "untagged-allowed.txt"
    allowed.write_text(allowed.read_text(encoding="utf-8") + "onthisday-p0001 | Zinoviev | test exception\n",
                       encoding="utf-8")
    proc = run_edition("validate", "tei/onthisday.xml", root=root)
    assert "untagged-name" not in proc.stdout, proc.stdout


def test_allowed_file_format(tmp_path: Path):
    listing = tmp_path / "allowed.txt"
    listing.write_text("# comment\n\ndikova-p0001 | Kirov | a reason | with a bar\nbroken line\n", encoding="utf-8")
    assert load_allowed(listing) == {("dikova-p0001", "Kirov"): "a reason | with a bar"}
