"""The four short sources and their TEI: fidelity, validity, reproducibility, structure.

Runs on the real files in ``tei/``: ``article``, ``slides``, ``onthisday``, ``bakulin``.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from lxml import etree

from edition import fidelity
from edition.fidelity import source_text, squeeze
from edition.documents import TEI_DIR, by_key
from edition.importer import convert
from edition.importer import slides as slides_importer
from edition.importer.plaintext import Annotator, Correction, EditorialNote, Ids, with_dates
from edition.xmlsafe import parse_file

KEYS = ("article", "slides", "onthisday", "bakulin")
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
#: Elements that must carry an id (ENCODING.md, "Identifiers").
CITABLE = ("div", "head", "p", "item", "list", "quote", "note", "table", "row", "figure")
ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def tree(key: str) -> etree._ElementTree:
    return parse_file(by_key(key).tei_path)


@pytest.mark.parametrize("key", KEYS)
def test_no_character_lost(key: str) -> None:
    doc = by_key(key)
    compared, difference = fidelity.compare(doc.tei_path, doc.source_path)
    assert difference is None, difference
    assert compared > 2000


@pytest.mark.parametrize("key", KEYS)
def test_valid_tei_all(key: str, tei_all) -> None:
    assert tei_all.validate(tree(key)), tei_all.error_log.last_error


@pytest.mark.parametrize("key", KEYS)
def test_master_records_what_the_importer_drafted(key: str) -> None:
    """The master may gain markup (names, corrections) but never loses the draft's text or ids."""
    draft = etree.fromstring(convert(key).encode("utf-8")).getroottree()
    master = tree(key)
    assert squeeze(source_text(draft)) == squeeze(source_text(master))
    assert set(draft.getroot().xpath("//@xml:id")) <= set(master.getroot().xpath("//@xml:id"))


@pytest.mark.parametrize("key", KEYS)
def test_citable_elements_have_scheme_ids(key: str) -> None:
    text = tree(key).getroot().find("tei:text", NS)
    elements = [el for el in text.iter(*(f"{{{NS['tei']}}}{name}" for name in CITABLE))]
    assert elements
    for el in elements:
        ident = el.get(XML_ID)
        assert ident is not None, etree.tostring(el)[:80]
        assert re.fullmatch(rf"{key}-(div|head|p|item|list|quote|ednote|table|row|fig)\d+", ident), ident


def test_ids_unique_across_edition() -> None:
    counts: Counter[str] = Counter()
    for path in sorted(TEI_DIR.glob("*.xml")):
        counts.update(parse_file(path).getroot().xpath("//@xml:id"))
    assert [ident for ident, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("key", KEYS)
def test_editorial_pointers_resolve(key: str) -> None:
    """Editorial pointers resolve in the document or, for identifications, in the registers."""
    from edition.documents import register_paths

    root = tree(key).getroot()
    ids = set(root.xpath("//@xml:id"))
    for register in register_paths():
        ids |= set(parse_file(register).getroot().xpath("//@xml:id"))
    pointers = root.xpath("//tei:text//@resp | //tei:text//@ana | //tei:text//@corresp", namespaces=NS)
    assert {p[1:] for p in pointers} <= ids
    for date in root.xpath("//tei:text//tei:date", namespaces=NS):
        values = [date.get(a) for a in ("when", "from", "to", "notBefore", "notAfter") if date.get(a)]
        assert values and all(ISO.match(v) for v in values), etree.tostring(date)


def test_slides_structure() -> None:
    root = tree("slides").getroot()
    slides = root.xpath("//tei:body/tei:div[@type='slide']", namespaces=NS)
    assert [s.get("n") for s in slides] == [str(n) for n in range(1, 35)]
    assert [s.xpath("string(tei:fw[@type='pageNum'])", namespaces=NS) for s in slides] == [
        f"{n} of 34" for n in range(1, 35)
    ]
    assert root.xpath("count(//tei:item/tei:list)", namespaces=NS) >= 6
    last, original = slides[33], slides[32]
    assert last.get("corresp") == "#" + original.get(XML_ID)
    assert last.get("ana") == "#duplicate"
    assert root.xpath("//tei:classDecl//tei:category/@xml:id", namespaces=NS) == ["duplicate"]
    # The repeated slide prints the same text (the editors' notes on slide 33 are not printed).
    printed = ".//text()[not(ancestor::tei:note[@type='editorial'])]"
    assert ["".join(i.xpath(printed, namespaces=NS)) for i in last.iter(f"{{{NS['tei']}}}item")] == [
        "".join(i.xpath(printed, namespaces=NS)) for i in original.iter(f"{{{NS['tei']}}}item")
    ]
    chrome = root.xpath("//tei:div[@type='chrome']//tei:fw[@type='artefact']/text()", namespaces=NS)
    assert chrome[0] == "No comments have yet been made" and len(chrome) == 4


def test_slides_slips_corrected() -> None:
    root = tree("slides").getroot()
    pairs = Counter(
        (c.xpath("string(tei:sic)", namespaces=NS), c.xpath("string(tei:corr)", namespaces=NS))
        for c in root.iterfind(".//tei:choice", NS)
    )
    assert pairs[("Cominterm", "Comintern")] == 3
    for pair in (("Rykiv", "Rykov"), ("symchka", "smychka"), ("cup", "cut")):
        assert pairs[pair] == 1, pair


def test_article_title_artefact_and_empty_section() -> None:
    root = tree("article").getroot()
    head = root.find(".//tei:body/tei:div/tei:head", NS)
    assert "".join(head.itertext()) == "Sergei KirovEdit" and head.findtext("tei:fw[@type='artefact']", namespaces=NS) == "Edit"
    see_also = root.xpath("//tei:div[tei:head='See also']", namespaces=NS)[0]
    # Empty in the source: its head, and at most the editors' note saying so.
    assert [etree.QName(c).localname for c in see_also if c.get("type") != "editorial"] == ["head"]


def test_onthisday_opening() -> None:
    root = tree("onthisday").getroot()
    assert root.xpath("string(//tei:opener/tei:dateline/tei:date/@when)", namespaces=NS) == "1934-12-01"
    assert root.xpath("//tei:figure/tei:graphic", namespaces=NS) == []
    assert root.xpath("string(//tei:figure/tei:figDesc)", namespaces=NS).startswith("Watercolor painting")
    assert root.xpath("count(//tei:div[@n='4']/tei:list/tei:item)", namespaces=NS) == 3


def test_bakulin_keywords_and_sections() -> None:
    root = tree("bakulin").getroot()
    header_terms = root.xpath("//tei:textClass/tei:keywords/tei:term/text()", namespaces=NS)
    text_terms = root.xpath("//tei:text//tei:term/text()", namespaces=NS)
    assert header_terms == [t.strip("“”") for t in text_terms] == ["stalinism", "repression", "Great Terror", "Trotskyism"]
    labels = root.xpath("//tei:div[@type='abstractSection']/tei:head/text()", namespaces=NS)
    assert labels == ["Introduction.", "Materials and methods.", "Results and discussion.", "Conclusion.", "Keywords:"]
    assert root.xpath("//tei:docAuthor/text()", namespaces=NS) == ["Bakulin V. I.", "Chemodanov P. A."]


def test_stale_decision_row_is_an_error(monkeypatch) -> None:
    """A table row that matches nothing must stop the import, not vanish silently."""
    monkeypatch.setattr(slides_importer, "RULES", slides_importer.RULES + (Correction("Cominternn", corr="x"),))
    with pytest.raises(ValueError, match="match nothing"):
        convert("slides")


def test_annotator_and_dates_keep_every_character() -> None:
    """Decision-table rows and date tagging add markup only: the source text survives."""
    source = "On 1 December 1934 & in the late 1930s it was cup by hand."
    ann = Annotator("t", Ids("t"), (Correction("cup", after=" by", corr="cut"), EditorialNote("hand", note="see 1927")))
    xml = with_dates(f"<text><body><p>{ann(source)}</p></body></text>", "t")
    root = etree.fromstring(f'<TEI xmlns="{NS["tei"]}">{xml}</TEI>')
    assert fidelity.squeeze(fidelity.source_text(root.getroottree())) == fidelity.squeeze(source)
    assert root.xpath("//tei:p/tei:date/@when | //tei:p/tei:date/@notBefore", namespaces=NS) == ["1934-12-01", "1936"]
    assert root.xpath("string(//tei:corr)", namespaces=NS) == "cut"
    assert root.xpath("string(//tei:note/@xml:id)", namespaces=NS) == "t-ednote01"
