"""The critical apparatus on real data: emendations in the text, the apparatus and the lists,
linked both ways; editorial notes; the diplomatic and the edited reading side by side.

The expected emendations are read from the TEI with lxml (independently of the XSLT),
including their ids ({nearest ancestor xml:id}-em{n}), and looked up in the built site.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree, html

from edition.sphinxext.parallel import pair

REPO = Path(__file__).resolve().parents[1]
TEI = "http://www.tei-c.org/ns/1.0"
NS = {"t": TEI}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
KEYS = ("article", "dikova", "slides", "onthisday", "bakulin")
EMENDATIONS = "//t:text//t:choice[t:corr] | //t:text//t:supplied"


QUOTES = str.maketrans({"‟": "'", "„": "'", "’": "'", "‘": "'", "“": '"', "”": '"'})


def norm(text: str) -> str:
    """Whitespace collapsed; all single and double quotation marks alike (Sphinx's smart
    quotes and the edited reading's ‟ → ’ must not matter here)."""
    return " ".join(text.split()).translate(QUOTES)


def expected_emendations(key: str) -> list[dict[str, str]]:
    """Every emendation of a TEI document with its expected id, edited and source reading."""
    tree = etree.parse(str(REPO / "tei" / f"{key}.xml"))
    found = []
    for element in tree.xpath(EMENDATIONS, namespaces=NS):
        scope = next(a for a in element.iterancestors() if a.get(XML_ID))
        inside = scope.xpath(".//t:choice[t:corr] | .//t:supplied", namespaces=NS)
        number = inside.index(element) + 1
        is_choice = element.tag == f"{{{TEI}}}choice"
        lemma = norm("".join(element.find("t:corr", NS).itertext())) if is_choice else f"[{norm(''.join(element.itertext()))}]"
        sic = norm("".join(element.find("t:sic", NS).itertext())) if is_choice else ""
        found.append({"id": f"{scope.get(XML_ID)}-em{number}", "lemma": lemma, "sic": sic})
    return found


def editorial_notes(key: str) -> list[str]:
    tree = etree.parse(str(REPO / "tei" / f"{key}.xml"))
    return tree.xpath("//t:text//t:note[@type='editorial']/@xml:id", namespaces=NS)


_pages: dict[Path, html.HtmlElement] = {}


def page(path: Path) -> html.HtmlElement:
    if path not in _pages:
        _pages[path] = html.parse(str(path)).getroot()
    return _pages[path]


def by_id(doc: html.HtmlElement, id_: str) -> html.HtmlElement:
    found = doc.xpath("//*[@id=$id]", id=id_)
    assert len(found) == 1, f"{len(found)} elements with id {id_}"
    return found[0]


def hrefs(element: html.HtmlElement) -> set[str]:
    return set(element.xpath(".//@href"))


def test_the_documents_have_emendations_and_notes() -> None:
    counts = {key: len(expected_emendations(key)) for key in KEYS}
    assert counts["slides"] >= 25 and counts["dikova"] >= 3
    assert sum(counts.values()) >= 31
    assert len(editorial_notes("slides")) >= 9 and len(editorial_notes("article")) >= 3


@pytest.mark.parametrize("key", KEYS)
def test_every_emendation_is_marked_listed_and_linked_both_ways(built_site: Path, key: str) -> None:
    doc = page(built_site / "tei" / f"{key}.html")
    expected = expected_emendations(key)
    rows = doc.xpath("//table[contains(@class, 'emendations')]//tbody/tr")
    assert len(rows) == len(expected)
    for em in expected:
        mark = by_id(doc, em["id"])
        # The mark shows the edited reading and links to its row in the list.
        assert norm(mark.text_content()) == em["lemma"]
        assert mark.tag == "a" and mark.get("href") == f"#{em['id']}-list"
        row = by_id(doc, f"{em['id']}-list")
        assert row.tag == "tr"
        assert f"#{em['id']}" in hrefs(row), "the row links back to the mark"
        assert em["lemma"] in norm(row.text_content())
        assert em["sic"] in norm(row.text_content())
        assert "Editorial team of the Kirov Edition" in row.text_content()
        # The callout leads to the apparatus entry, which links back to the mark and to the row.
        callout = by_id(doc, f"{em['id']}-ref")
        assert callout.get("href") == f"#{em['id']}-app"
        entry = by_id(doc, f"{em['id']}-app")
        assert entry.xpath("ancestor::div[contains(@class, 'apparatus')]")
        assert {f"#{em['id']}", f"#{em['id']}-list"} <= hrefs(entry)
        assert em["sic"] in norm(entry.text_content())
    # The place column names the canonical reference of the unit where the document's
    # citeStructure has one (e.g. slides:15.2), else the id of the enclosing element.
    places = doc.xpath("//table[contains(@class, 'emendations')]//a[contains(@class, 'em-place')]")
    assert all(p.text_content().startswith(f"{key}:") or p.text_content().startswith(f"{key}-") for p in places)
    if key in ("slides", "dikova", "onthisday"):
        assert any(p.text_content().startswith(f"{key}:") for p in places)


@pytest.mark.parametrize("key", KEYS)
def test_editorial_notes_stand_in_the_apparatus(built_site: Path, key: str) -> None:
    doc = page(built_site / "tei" / f"{key}.html")
    for note_id in editorial_notes(key):
        note = by_id(doc, note_id)
        assert note.xpath("ancestor::div[contains(@class, 'apparatus')]"), note_id


#: Each kind of intervention as the principles page names it, and how to find it in the TEI.
KINDS = {
    "Corrections": "//t:text//t:corr",
    "Regularisations": "//t:text//t:reg",
    "Supplied": "//t:text//t:supplied",
    "Surplus": "//t:text//t:surplus",
    "Editorial notes": "//t:text//t:note[@type='editorial']",
}


def test_the_principles_page_counts_the_interventions_by_kind(built_site: Path) -> None:
    doc = page(built_site / "front" / "principles.html")
    table = doc.xpath("//table[contains(@class, 'emendation-summary')]")
    assert table
    head = [norm(c.text_content()) for c in table[0].xpath(".//thead//th")]
    assert head == ["Document", *KINDS]
    rows = {Path(r.xpath("td[1]//a/@href")[0].split("#")[0]).stem: [norm(c.text_content()) for c in r.xpath("td")]
            for r in table[0].xpath(".//tbody/tr[not(contains(@class, 'total'))]")}
    assert set(rows) == set(KEYS)
    totals = dict.fromkeys(KINDS, 0)
    for key in KEYS:
        tree = etree.parse(str(REPO / "tei" / f"{key}.xml"))
        expected = [str(len(tree.xpath(xpath, namespaces=NS))) for xpath in KINDS.values()]
        assert rows[key][1:] == expected, key
        for kind, number in zip(KINDS, expected):
            totals[kind] += int(number)
    total = table[0].xpath(".//tbody/tr[contains(@class, 'total')]/td")
    assert [norm(c.text_content()) for c in total][1:] == [str(n) for n in totals.values()]
    # The dissertation has been proofread: dozens of interventions, the notes among them.
    assert int(rows["dikova"][1]) > 40 and int(rows["dikova"][5]) > 20
    # The counts link to the document's lists of emendations and of editorial notes.
    slides = table[0].xpath(".//tbody/tr[td[1]//a[contains(@href, 'slides')]]")[0]
    assert {h.split("#")[1] for h in slides.xpath(".//a/@href") if "#" in h} == {"slides-emendations", "slides-ednotes"}


@pytest.mark.parametrize("key", KEYS)
def test_the_list_of_emendations_lists_the_editorial_notes(built_site: Path, key: str) -> None:
    doc = page(built_site / "tei" / f"{key}.html")
    notes = editorial_notes(key)
    section = doc.xpath("//*[@id=$i]", i=f"{key}-ednotes")
    if not notes:
        assert not section
        return
    [section] = section
    assert section.xpath("ancestor::*[@id=$i]", i=f"{key}-emendations"), "inside the list of emendations"
    rows = section.xpath(".//table//tbody/tr")
    assert [r.get("id") for r in rows] == [f"{n}-list" for n in notes]
    tree = etree.parse(str(REPO / "tei" / f"{key}.xml"))
    for row, note_id in zip(rows, notes):
        assert f"#{note_id}" in hrefs(row)
        text = "".join(tree.xpath("//*[@xml:id=$i]", i=note_id)[0].itertext())
        assert norm(text)[:60] in norm(row.text_content())


@pytest.mark.parametrize("key", KEYS)
def test_parallel_page_shows_both_readings(built_site: Path, key: str) -> None:
    document = page(built_site / "tei" / f"{key}.html")
    assert f"../parallel/{key}.html" in hrefs(document), "the document links its parallel page"
    doc = page(built_site / "parallel" / f"{key}.html")
    diplomatic = " ".join(norm(d.text_content()) for d in doc.xpath("//div[contains(@class, 'reading') and contains(@class, 'diplomatic')]"))
    edited = " ".join(norm(d.text_content()) for d in doc.xpath("//div[contains(@class, 'reading') and contains(@class, 'edited')]"))
    tree = etree.parse(str(REPO / "tei" / f"{key}.xml"))
    for em in expected_emendations(key):
        if em["sic"]:
            assert em["sic"] in diplomatic
        assert em["lemma"] in edited
    sics = doc.xpath("//div[contains(@class, 'diplomatic')]//span[contains(@class, 'sic')]")
    corrs = doc.xpath("//div[contains(@class, 'edited')]//a[contains(@class, 'corr')]")
    assert len(sics) == len(tree.xpath("//t:text//t:choice[t:corr]", namespaces=NS)) == len(corrs)
    fws = tree.xpath("//t:text//t:fw[normalize-space()]", namespaces=NS)
    shown = doc.xpath("//div[contains(@class, 'diplomatic')]//span[contains(@class, 'fw')]")
    assert len(shown) == len(fws)
    assert not doc.xpath("//div[contains(@class, 'edited')]//span[contains(@class, 'fw')]")
    # Rows pair the same unit: the row's id is the unit's, the copies carry dip-/ed- prefixes.
    for p_id in tree.xpath("//t:text//t:p/@xml:id", namespaces=NS)[:20]:
        assert doc.xpath("//*[@id=$i]", i=f"dip-{p_id}") and doc.xpath("//*[@id=$i]", i=f"ed-{p_id}"), p_id
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), "ids are unique on the parallel page"


def test_dissertation_diplomatic_reading_keeps_pages_quotes_and_hyphens(built_site: Path) -> None:
    doc = page(built_site / "parallel" / "dikova.html")
    diplomatic = doc.xpath("//div[contains(@class, 'reading') and contains(@class, 'diplomatic')]")
    edited = doc.xpath("//div[contains(@class, 'reading') and contains(@class, 'edited')]")
    dip_text = " ".join(d.text_content() for d in diplomatic)
    ed_text = " ".join(d.text_content() for d in edited)
    dip_pages = [norm(s.text_content()) for s in doc.xpath("//div[contains(@class, 'diplomatic')]//span[contains(@class, 'pb')]")]
    ed_pages = [norm(s.text_content()) for s in doc.xpath("//div[contains(@class, 'edited')]//span[contains(@class, 'pb')]")]
    assert "[9]" in dip_pages and "9" in ed_pages and "[9]" not in ed_pages
    # Every ‟ „ outside transliteration signs: as printed on the left, normalised on the right.
    orig = doc.xpath("//div[contains(@class, 'diplomatic')]//span[contains(@class, 'norm') and contains(@class, 'orig')]")
    reg = doc.xpath("//div[contains(@class, 'edited')]//span[contains(@class, 'norm') and contains(@class, 'reg')]")
    assert len(orig) == len(reg) > 100
    assert {o.text_content() for o in orig} <= {"‟", "„"} and {r.text_content() for r in reg} <= {"’", "‘"}
    assert "‟s" in dip_text and "’s" in ed_text
    tree = etree.parse(str(REPO / "tei" / "dikova.xml"))
    if tree.xpath("//t:text//t:lb[@rend='hyphen']", namespaces=NS):
        assert doc.xpath("//div[contains(@class, 'diplomatic')]//span[contains(@class, 'lb')]")


def test_pairing_keeps_units_of_one_reading_in_place() -> None:
    left = [("", []), ("a", []), ("x", []), ("b", [])]
    right = [("", []), ("a", []), ("b", []), ("c", [])]
    assert [k for k, _, _ in pair(left, right)] == ["", "a", "x", "b", "c"]
