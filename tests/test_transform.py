"""The XSLT on small TEI fixtures: ids, footnotes, readings, unhandled elements, compilation."""

from __future__ import annotations

from pathlib import Path

import pytest
from docutils.parsers.docutils_xml import Unknown, parse_element
from lxml import etree

from edition.transform import Transformer, line_of, transformer
from edition.xmlsafe import parse_file

FIXTURE = Path(__file__).parent / "fixtures" / "sample.xml"
TEI = "{http://www.tei-c.org/ns/1.0}"


def _out(reading: str = "edited") -> etree._Element:
    return etree.fromstring(transformer().transform(FIXTURE, reading=reading).xml.encode())


def _one(tree: etree._Element, xpath: str) -> etree._Element:
    found = tree.xpath(xpath)
    assert len(found) == 1, f"{xpath}: {len(found)} matches"
    return found[0]


def test_every_p_keeps_its_xml_id_and_a_permalink() -> None:
    out = _out()
    for p in parse_file(FIXTURE).iter(TEI + "p"):
        pid = p.get("{http://www.w3.org/XML/1998/namespace}id")
        if pid is None:  # header paragraphs are not rendered
            continue
        para = _one(out, f"//paragraph[@ids='{pid}']")
        link = _one(para, "reference[@classes='permalink']")
        assert link.get("refuri") == f"#{pid}"
        assert para.getparent().get("classes").split()[0] == "unit"


def test_footnotes_link_both_ways_and_keep_their_number() -> None:
    out = _out()
    ref = _one(out, "//footnote_reference[@refid='sample-fn001']")
    note = _one(out, "//footnote[@ids='sample-fn001']")
    assert ref.get("ids") == "sample-fn001-ref" and note.get("backrefs") == "sample-fn001-ref"
    assert ref.text == "1" and note.findtext("label") == "1"
    assert "See the archive." in "".join(note.itertext())
    # The note sits in the apparatus of its own paragraph's unit.
    unit = _one(out, "//container[paragraph/@ids='sample-p0001']")
    assert note.getparent().get("classes") == "apparatus" and note.getparent().getparent() is unit


def test_note_whose_text_was_lost_is_marked() -> None:
    note = _one(_out(), "//footnote[@ids='sample-fn002']")
    assert "missing" in note.get("classes").split()
    assert "".join(note.itertext()).strip().endswith("[note text not preserved in the source]")


def test_unknown_element_renders_its_text_and_warns_with_line() -> None:
    result = transformer().transform(FIXTURE)
    assert "unknown element" in "".join(etree.fromstring(result.xml.encode()).itertext())
    [message] = [m for m in result.messages if m.code == "unhandled"]
    expected_line = next(parse_file(FIXTURE).iter(TEI + "frobnicate")).sourceline
    assert message.element == "frobnicate" and message.line == expected_line
    assert str(message).startswith(f"{FIXTURE}:{expected_line}:")


def test_line_of_maps_saxon_paths_with_namespaces() -> None:
    tree = parse_file(FIXTURE)
    ns = "Q{http://www.tei-c.org/ns/1.0}"
    path = f"/{ns}TEI[1]/{ns}text[1]/{ns}body[1]/{ns}div[1]/{ns}table[1]"
    assert line_of(tree, path) == next(tree.iter(TEI + "table")).sourceline
    assert line_of(tree, f"/{ns}TEI[1]/{ns}nothing[3]") == 0


@pytest.mark.parametrize(
    ("reading", "present", "absent"),
    [
        ("edited", ["Comintern", "’the leader‘", "Stalin", "[word]", "‟"], ["Cominterm", "Sta-", "Running head", "‟the"]),
        ("diplomatic", ["Cominterm", "‟the leader„", "Sta-", "Running head", "[9]"], ["Comintern", "[word]", "’the"]),
    ],
)
def test_readings(reading: str, present: list[str], absent: list[str]) -> None:
    out = _out(reading)
    # The reading is judged on the text itself: the apparatus and the list of emendations
    # legitimately quote the source reading (e.g. "Cominterm") beside the emendation.
    cited = out.xpath("//container[contains(concat(' ', @classes, ' '), ' apparatus ')]"
                      " | //section[contains(concat(' ', @classes, ' '), ' emendation-list ')]")
    for node in cited:  # keep the text that follows the removed node
        parent, tail = node.getparent(), node.tail or ""
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(node)
    text = "".join(out.itertext())
    for s in present:
        assert s in text, f"{reading}: {s!r} missing"
    for s in absent:
        assert s not in text, f"{reading}: {s!r} should not show"


def test_c_is_never_normalised() -> None:
    assert _one(_out("edited"), "//inline[@classes='c']").text == "‟"


def test_page_break_is_a_margin_marker_with_document_id() -> None:
    pb = _one(_out(), "//inline[@ids='sample-page-9']")
    assert pb.get("classes") == "pb" and pb.text == "9"


def test_table_head_label_rows_and_numbers() -> None:
    table = _one(_out(), "//table[@ids='sample-table1']")
    assert table.findtext("title") == "Table 1: Figures"
    assert [e.xpath("string()") for e in table.xpath("tgroup/thead/row/entry")] == ["Year", "Count"]
    assert table.xpath("string(tgroup/tbody/row/entry/paragraph/inline[@classes='num'])") == "12"


def test_output_is_docutils_vocabulary() -> None:
    node = parse_element(transformer().transform(FIXTURE).xml)
    assert not list(node.findall(Unknown))


def test_stylesheet_is_compiled_once_for_many_documents() -> None:
    first = transformer()
    before = Transformer.compilations
    corpora = sorted(Path("/work/shared/corpora").glob("letters_*.xml"))
    for path in [FIXTURE, FIXTURE, *corpora]:
        assert transformer() is first
        assert transformer().transform(path).xml.startswith("<?xml")
    assert Transformer.compilations == before == 1
