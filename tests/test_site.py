"""The real edition built with Sphinx (-W): footnotes, anchors, tables, landing page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree, html

from edition.documents import DOCUMENTS, ROOT
from edition.xmlsafe import parse_file

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
DIKOVA = ROOT / "tei" / "dikova.xml"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(ROOT), str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return out


def _page(site: Path, key: str) -> html.HtmlElement:
    return html.parse(str(site / "tei" / f"{key}.html")).getroot()


def _needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path.name} does not exist yet")


def test_landing_page_lists_the_five_documents(site: Path) -> None:
    index = html.parse(str(site / "index.html")).getroot()
    hrefs = {a.get("href") for a in index.iter("a")}
    for doc in DOCUMENTS:
        if doc.tei_path.exists():
            assert f"tei/{doc.key}.html" in hrefs, doc.key
    for front in ("introduction", "principles", "citing"):
        assert f"front/{front}.html" in hrefs


def test_dissertation_footnotes_1_to_358_link_both_ways(site: Path) -> None:
    _needs(DIKOVA)
    page = _page(site, "dikova")
    ids = {el.get("id"): el for el in page.iter() if el.get("id")}
    # The source's footnotes only (class fn-ref): editorial notes (class ednote-ref,
    # lettered a, b, …) are a separate series.
    callouts = page.xpath("//a[contains(concat(' ', @class, ' '), ' footnote-reference ')"
                          " and contains(concat(' ', @class, ' '), ' fn-ref ')]")
    labels = [a.text_content().strip("[]") for a in callouts]
    assert sorted(labels, key=int) == [str(n) for n in range(1, 359)]  # each once, none missing
    for a in callouts:
        note_id = a.get("href").removeprefix("#")
        note = ids[note_id]
        assert a.get("id") == f"{note_id}-ref"
        lost = note.xpath("ancestor-or-self::p[contains(concat(' ', @class, ' '), ' lost-notes ')]")
        if lost:
            # A note whose text is lost: its id in the one line of its paragraph's lost notes
            # (readerpage.collapse_lost_notes); a number shown there links back to its callout.
            assert a.text_content().strip("[]") in lost[0].text_content() or note.tag == "span"
            if note.tag == "a":
                assert note.get("href") == f"#{note_id}-ref"
            continue
        assert note.tag == "aside"
        back = note.xpath(".//a[@role='doc-backlink']")
        assert [b.get("href") for b in back] == [f"#{note_id}-ref"]
        assert back[0].text_content() == a.text_content().strip("[]")


def test_missing_note_texts_are_visibly_marked(site: Path) -> None:
    _needs(DIKOVA)
    tei = parse_file(DIKOVA)
    missing = [n.get(XML_ID) for n in tei.iter(TEI + "note")
               if n.find(TEI + "gap[@reason='not-in-source']") is not None]
    assert missing, "the dissertation records lost note texts"
    page = _page(site, "dikova")
    for note_id in missing:
        # Each lost note keeps its id in its paragraph's one line of lost notes.
        [line] = page.xpath(f"//p[contains(concat(' ', @class, ' '), ' lost-notes ')][.//*[@id='{note_id}']]")
        assert line.text_content().endswith(": note text not preserved in the source")
        assert line.getparent().get("class").split()[0] == "apparatus"


def test_table_1_is_an_html_table_with_its_ten_figures(site: Path) -> None:
    _needs(DIKOVA)
    tei = parse_file(DIKOVA)
    [table] = [t for t in tei.iter(TEI + "table")
               if "Table 1" in "".join(t.xpath("string((tei:head|tei:trailer)[1])", namespaces={"tei": TEI[1:-1]}))]
    figures = [n.text for n in table.iter(TEI + "num")]
    assert len(figures) == 10
    [html_table] = _page(site, "dikova").xpath(f"//table[@id='{table.get(XML_ID)}']")
    assert "Table 1" in html_table.xpath("string(caption)")
    cells = [td.text_content().strip() for td in html_table.xpath(".//td")]
    assert [c for c in cells if c in figures] == figures


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.key)
def test_every_tei_p_id_is_an_html_id(site: Path, doc) -> None:
    _needs(doc.tei_path)
    tei = parse_file(doc.tei_path)
    text = tei.getroot().find(TEI + "text")
    wanted = [p.get(XML_ID) for p in text.iter(TEI + "p") if p.get(XML_ID)]
    assert wanted
    page = _page(site, doc.key)
    have = {el.get("id") for el in page.iter() if el.get("id")}
    assert not [w for w in wanted if w not in have]
    # and each carries a permalink to itself
    assert len(page.xpath("//a[contains(@class, 'permalink')]")) >= len(wanted)


@pytest.mark.parametrize("key", ["slides", "onthisday", "dikova"])
def test_pages_show_the_sources_punctuation_unchanged(site: Path, key: str) -> None:
    """Straight apostrophes and three full stops stay as the TEI has them: no smart quotes,
    no ellipsis character the source does not print."""
    text = "".join(parse_file(ROOT / "tei" / f"{key}.xml").getroot().find(TEI + "text").itertext())
    page = _page(site, key).xpath("string(//section)")
    if "'" in text:
        assert "'" in page, "a straight apostrophe of the source is missing from the page"
    if "..." in text:
        assert "..." in page
    assert page.count("…") <= text.count("…"), "the page shows an ellipsis the source does not print"
