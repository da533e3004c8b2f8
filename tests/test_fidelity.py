"""No text lost: each source text equals the source reading rebuilt from its TEI."""

from __future__ import annotations

import pytest

from edition.documents import DOCUMENTS
from edition.fidelity import compare, source_text, squeeze


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d.key for d in DOCUMENTS])
def test_source_text_survives_in_tei(doc, record_property):
    assert doc.tei_path.exists(), f"{doc.tei_path} is missing"
    compared, difference = compare(doc.tei_path, doc.source_path)
    record_property("characters_compared", compared)
    print(f"{doc.key}: {compared} characters compared")
    assert difference is None, f"{doc.tei_path.name}: {difference}"
    assert compared > 1000


def test_fidelity_detects_a_lost_character(tmp_path):
    """The comparison is not vacuous: deleting one character is caught."""
    doc = next(d for d in DOCUMENTS if d.key == "bakulin")
    xml = doc.tei_path.read_text(encoding="utf-8").replace("Pareto", "Paret", 1)
    broken = tmp_path / "bakulin.xml"
    broken.write_text(xml, encoding="utf-8")
    _, difference = compare(broken, doc.source_path)
    assert difference is not None and "Pareto" in difference


def test_editorial_readings_are_not_source_text(tmp_path):
    """corr, reg, supplied and editorial notes never count as source text."""
    tei = tmp_path / "t.xml"
    tei.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>A <choice><sic>Cominterm</sic>'
        "<corr>Comintern</corr></choice> B<supplied>x</supplied><note type=\"editorial\">ed</note>"
        '<note place="foot" n="7">foot</note> C<pb/>D Sta<lb break="no" rend="hyphen"/>lin</p></body></text></TEI>',
        encoding="utf-8",
    )
    assert squeeze(source_text(tei)) == "AComintermB7C7footDSta-lin"
