"""The dissertation (source 001) and its TEI ``tei/dikova.xml``, checked on the real files."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from edition.fidelity import compare, source_text, squeeze
from edition.importer import dissertation

REPO = Path(__file__).resolve().parents[1]
TEI_PATH = REPO / "tei" / "dikova.xml"
SOURCE_PATH = REPO / "tei" / "sources" / "001_3b636ce1ed6aba42.txt"
NS = {"t": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
ID_ELEMENTS = ("div", "head", "p", "item", "list", "quote", "note", "table", "row", "figure")


@pytest.fixture(scope="module")
def tree() -> etree._ElementTree:
    return etree.parse(str(TEI_PATH))


@pytest.fixture(scope="module")
def converted() -> tuple[str, dissertation.Stats]:
    return dissertation.convert_with_stats(SOURCE_PATH.read_text(encoding="utf-8"))


def test_no_character_of_the_source_is_lost():
    compared, difference = compare(TEI_PATH, SOURCE_PATH)
    assert difference is None, difference
    assert compared > 190_000


def test_fidelity_check_catches_a_dropped_footnote_text(tmp_path, tree):
    """Deleting a surviving note text (not only a number) makes the comparison fail."""
    broken = etree.fromstring(etree.tostring(tree))
    note = broken.find(".//t:note[@n='18']", NS)
    note.text = ""
    for child in list(note):
        note.remove(child)
    path = tmp_path / "dikova.xml"
    path.write_bytes(etree.tostring(broken))
    _, difference = compare(path, SOURCE_PATH)
    assert difference is not None and "Lenoe" in difference


def test_validates_against_tei_all(tei_all, tree):
    assert tei_all.validate(tree), str(tei_all.error_log)[:2000]


def test_master_records_what_the_importer_drafted(converted, tree):
    """The master may gain markup (names, dates, corrections) but never loses the draft's text or ids."""
    draft = etree.fromstring(converted[0].encode("utf-8")).getroottree()
    assert squeeze(source_text(draft)) == squeeze(source_text(tree))
    master_ids = set(tree.getroot().xpath("//@xml:id"))
    assert set(draft.getroot().xpath("//@xml:id")) <= master_ids


def test_footnotes_1_to_358_once_each_in_order(tree):
    notes = tree.findall(".//t:text//t:note[@place='foot']", NS)
    assert [int(n.get("n")) for n in notes] == list(range(1, 359))
    assert [n.get(XML_ID) for n in notes] == [f"dikova-fn{i:03d}" for i in range(1, 359)]


def test_footnote_texts_survive_only_where_the_source_has_them(tree, converted):
    notes = tree.findall(".//t:text//t:note[@place='foot']", NS)
    gaps = [n for n in notes if n.find("t:gap", NS) is not None]
    texts = [n for n in notes if n.find("t:gap", NS) is None]
    # a lost note holds the gap and nothing else
    for n in gaps:
        assert len(n) == 1 and not (n.text or "").strip() and not (n[0].tail or "").strip()
    surviving = {1, 2, *range(3, 25), *range(130, 136), *range(247, 252), *range(311, 317), *range(340, 348)}
    assert {int(n.get("n")) for n in texts} == surviving
    assert (len(texts), len(gaps)) == (49, 309)
    assert (converted[1].notes_with_text, converted[1].notes_missing) == (49, 309)
    # each surviving text is in the source right after its number at a page foot
    source = squeeze(SOURCE_PATH.read_text(encoding="utf-8"))
    for n in texts:
        body = squeeze(source_text_of(n))
        assert n.get("n") + body in source, n.get("n")


def source_text_of(note: etree._Element) -> str:
    """The source reading of a note's content (sic, not corr; hyphens kept), in document order
    at any depth (a citation's ``ref`` holds names and dates of its own)."""

    def reading(el: etree._Element) -> str:
        if etree.QName(el).localname in ("corr", "reg", "supplied", "label") or el.get("type") == "editorial":
            return ""
        return (el.text or "") + "".join(reading(child) + (child.tail or "") for child in el)

    return reading(note)


def test_table_1_figures_and_dates(tree):
    table = tree.find(".//t:table[@n='1']", NS)
    nums = table.findall(".//t:num", NS)
    assert [float(n.get("value")) for n in nums] == [
        46952, 286671, 288559, 328370, 379058, 6.6, 45.1, 45.4, 54.2, 65.7,
    ]
    assert [n.text for n in nums][:2] == ["46.952", "286.671"]
    dates = [d.get("when") for d in table.findall(".//t:date", NS)]
    assert dates == ["1931-01-01", "1932-01-01", "1933-01-01", "1934-01-01", "1934-10-01"]
    slip = table.find(".//t:date[@when='1934-10-01']/t:choice", NS)
    assert slip.findtext("t:sic", namespaces=NS) == "1.10.1034"
    assert slip.findtext("t:corr", namespaces=NS) == "1.10.1934"
    assert table.find("t:row", NS).get("role") == "label"
    assert table.find("t:trailer/t:note[@n='203']", NS) is not None


def test_transliteration_table_keeps_signs_in_c(tree):
    table = tree.find(".//t:front//t:table", NS)
    assert table.find("t:row", NS).get("role") == "label"
    assert [c.text for c in table.findall(".//t:c", NS)] == ["‟‟", "„"]
    assert len(table.findall("t:row", NS)) == 37


def test_every_required_element_has_a_unique_id(tree):
    text = tree.find("t:text", NS)
    ids = Counter()
    for name in ID_ELEMENTS:
        for el in text.iter(f"{{{NS['t']}}}{name}"):
            ident = el.get(XML_ID)
            assert ident and ident.startswith("dikova-"), etree.tostring(el)[:120]
            ids[ident] += 1
    assert ids and max(ids.values()) == 1
    assert all(d.get("n") for d in text.iter(f"{{{NS['t']}}}div") if d.get("type") in ("chapter", "section"))


def test_six_chapters_with_sections_and_citable_paragraphs(tree):
    chapters = tree.findall(".//t:body/t:div[@type='chapter']", NS)
    assert [c.get("n") for c in chapters] == ["1", "2", "3", "4", "5", "6"]
    assert "".join(chapters[3].find("t:head", NS).itertext()) == "CHAPTER 4: STALIN’S REVOLUTION FROM ABOVE"
    for chapter in chapters:
        sections = chapter.findall("t:div[@type='section']", NS)
        assert [s.get("n") for s in sections] == [str(i) for i in range(1, len(sections) + 1)]
        for s in sections:
            ps = s.findall("t:p", NS)
            assert [p.get("n") for p in ps] == [str(i) for i in range(1, len(ps) + 1)]
    # a citation such as dikova:4.3.5 resolves to exactly one paragraph
    found = tree.xpath("//t:body/t:div[@n='4']/t:div[@n='3']/t:p[@n='5']", namespaces=NS)
    assert len(found) == 1 and "".join(found[0].itertext()).startswith("It seems to me that Kirov‟s reserved position")


def test_block_quotations(tree):
    quotes = tree.findall(".//t:body//t:quote", NS)
    assert len(quotes) == 19
    for q in quotes:
        assert q.find("t:p", NS) is not None and q.find(".//t:note[@place='foot']", NS) is not None
    assert "".join(quotes[0].find("t:p", NS).itertext()).startswith("Kirov is able to adjust himself")


def test_pages(tree, converted):
    pbs = tree.findall(".//t:text//t:pb", NS)
    certain = [p.get("n") for p in pbs if p.get("n") and not p.get("cert")]
    assert certain == ["9", "10", "37", "65", "78", "84"]
    numbered = [int(p.get("n")) for p in pbs if p.get("n")]
    assert numbered == list(range(1, 85))  # the counts between surviving numbers all agree
    assert all(p.get("resp") == "#dikova-ed" for p in pbs if p.get("cert"))
    assert converted[1].pages == {"certain": 6, "medium": 70, "low": 8, "unknown": 9}
    assert len(pbs) == 93
    # a page break inside a paragraph that runs over the page
    assert tree.find(".//t:p/t:pb[@n='12']", NS) is not None
    heads = [fw.text for fw in tree.findall(".//t:fw[@type='header']", NS)]
    assert len(heads) == 6 and all(re.match(r"CHAPTER \d UNIVERSITY OF OSLO MARIA DIKOVA$", h) for h in heads)
    assert len(tree.findall(".//t:fw[@type='artefact']", NS)) == 3


def test_hyphens_and_corrections(tree, converted):
    assert converted[1].hyphens == {"soft": 0, "compound": 9}
    lbs = tree.findall(".//t:text//t:lb", NS)
    assert len(lbs) == 9 and all(lb.get("break") == "no" and lb.get("rend") is None for lb in lbs)
    before = [lb.xpath("preceding-sibling::text()[1]")[0] for lb in lbs]  # compound: the hyphen stays
    assert all(t.endswith("-") for t in before) and before[0].endswith(" de-")
    # The importer's three corrections, among those the proofreading added since (each with its corr).
    sics = [c.findtext("t:sic", namespaces=NS) for c in tree.findall(".//t:text//t:choice[t:corr]", NS)]
    assert {"was presumably", "1990.99.", "1.10.1034"} <= set(sics) and None not in sics
    assert "‟" in source_text(tree) and "„" in source_text(tree)
