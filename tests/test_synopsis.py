"""The synopsis: parallel passages of the five sources, resolved, rendered and validated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html

from conftest import ARTIFACTS, copy_edition, run_edition
from edition.documents import DOCUMENTS, TEI_DIR
from edition.sphinxext.synopsis import VERDICTS, load_groups
from edition.xmlsafe import parse_file

XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
GROUPS = load_groups()


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _page_text(el: html.HtmlElement) -> str:
    """An element's reading text on a page, without its apparatus, callouts and permalinks."""
    el = html.fromstring(html.tostring(el))
    for junk in el.xpath(".//*[contains(concat(' ', @class, ' '), ' apparatus ') or "
                         "contains(concat(' ', @class, ' '), ' permalink ') or "
                         "contains(concat(' ', @class, ' '), ' footnote-reference ') or "
                         "contains(concat(' ', @class, ' '), ' register-info ') or self::figure]"):
        junk.drop_tree()
    return _norm(el.text_content())


def test_synopsis_groups_are_complete() -> None:
    assert len(GROUPS) >= 9
    assert len({g.id for g in GROUPS}) == len(GROUPS)
    for group in GROUPS:
        assert group.id.startswith("syn-") and group.heading, group
        assert group.verdict in VERDICTS, group
        assert len(group.keys) >= 2, f"{group.id} compares fewer than two sources"
        assert any(kind == "text" and len(value) > 80 for kind, value in group.note), f"{group.id} has no note"
    assert {g.verdict for g in GROUPS} >= {"agree", "conflict"}


def test_every_passage_names_existing_units() -> None:
    ids = {doc.key: {el.get(XML_ID) for el in parse_file(doc.tei_path).iter() if isinstance(el.tag, str)} for doc in DOCUMENTS}
    for group in GROUPS:
        for passage in group.passages:
            for target in passage.targets:
                assert target.split("-", 1)[0] == passage.key, f"{group.id}: a passage spans documents"
                assert target in ids[passage.key], f"{group.id}: #{target} is not an id of {passage.key}"


def test_every_passage_is_an_anchor_of_the_built_site(built_site: Path) -> None:
    pages: dict[str, set[str]] = {}
    for group in GROUPS:
        for passage in group.passages:
            if passage.key not in pages:
                page = html.parse(str(built_site / "tei" / f"{passage.key}.html")).getroot()
                pages[passage.key] = set(page.xpath("//@id"))
            missing = set(passage.targets) - pages[passage.key]
            assert not missing, f"{group.id}: no anchor for {missing} in tei/{passage.key}.html"


@pytest.mark.parametrize("group", GROUPS, ids=[g.id for g in GROUPS])
def test_group_page_shows_every_passage_with_a_link_back(built_site: Path, group) -> None:
    page_path = built_site / f"{group.pagename}.html"
    page = html.parse(str(page_path)).getroot()
    assert _norm(page.xpath("//h1")[0].text_content()) == group.heading
    columns = page.xpath("//section[contains(@class, 'synopsis-column')]/@data-source")
    assert columns == group.keys
    shown = page.xpath("//div[contains(@class, 'synopsis-passage')]")
    assert [d.get("data-targets").split() for d in shown] == sorted(
        (list(p.targets) for p in group.passages), key=lambda t: group.keys.index(t[0].split("-", 1)[0]))
    documents: dict[str, html.HtmlElement] = {}
    for div in shown:
        targets = div.get("data-targets").split()
        key = targets[0].split("-", 1)[0]
        doc = documents.setdefault(key, html.parse(str(built_site / "tei" / f"{key}.html")).getroot())
        passage_text = _norm(div.xpath(".//div[@class='synopsis-text']")[0].text_content())
        for target in targets:
            expected = _page_text(doc.xpath(f"//*[@id='{target}']")[0])[:60]
            assert expected and expected in passage_text, f"{group.id}: text of #{target} missing"
        (link,) = div.xpath(".//a[contains(@class, 'synopsis-context')]")
        href = link.get("href")
        assert href == f"../tei/{key}.html#{targets[0]}"
        assert (page_path.parent / href.split("#")[0]).resolve().exists()
    # The passages are copies: the document's anchors are not repeated here.
    ids = page.xpath("//@id")
    assert not {t for p in group.passages for t in p.targets} & set(ids)
    assert len(ids) == len(set(ids))


def test_index_page_lists_every_group_and_is_linked_from_the_landing_page(built_site: Path) -> None:
    index = html.parse(str(built_site / "synopsis" / "index.html")).getroot()
    hrefs = index.xpath("//ul[contains(concat(' ', @class, ' '), ' synopsis-topics ')]//a/@href")
    assert hrefs == [f"{g.pagename.split('/', 1)[1]}.html" for g in GROUPS]
    landing = html.parse(str(built_site / "index.html")).getroot()
    assert "synopsis/index.html" in landing.xpath("//a/@href")


def test_dangling_target_fails_validation_with_file_and_line(tmp_path: Path) -> None:
    root = copy_edition(tmp_path / "edition")
    path = root / "tei" / "synopsis.xml"
    text = path.read_text(encoding="utf-8")
    needle = '<ptr target="#dikova-p0042"/>'
    assert text.count(needle) == 1
    line = text[: text.index(needle)].count("\n") + 1
    path.write_text(text.replace(needle, '<ptr target="#dikova-p9042"/>'), encoding="utf-8")
    proc = run_edition("validate", root=root)
    assert proc.returncode != 0
    assert f"tei/synopsis.xml:{line}:" in proc.stdout and "#dikova-p9042" in proc.stdout


def test_real_synopsis_validates() -> None:
    proc = run_edition("validate", str(TEI_DIR / "synopsis.xml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_synopsis_page_in_the_browser(browser, site_server: str) -> None:
    group = GROUPS[0]
    page = browser.new_page(viewport={"width": 1300, "height": 1100})
    try:
        page.goto(site_server + f"{group.pagename}.html")
        columns = page.locator("section.synopsis-column")
        assert columns.count() == len(group.keys)
        boxes = [columns.nth(i).bounding_box() for i in range(columns.count())]
        # Side by side: one row, left to right, none wider than the page.
        assert len({round(b["y"]) for b in boxes}) == 1
        assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "synopsis-page.png"), full_page=True)
        page.locator("a.synopsis-context").first.click()
        assert page.url.endswith(f"#{group.passages[0].targets[0]}")
    finally:
        page.close()


def test_site_pages_of_the_comparisons_are_lists(built_site: Path) -> None:
    """On the site the synopsis and the diplomatic readings keep their pages of columns:
    the two documents list them (the EPUB and the PDF hold the texts: test_formats)."""
    page = html.parse(str(built_site / "parallel" / "index.html")).getroot()
    hrefs = page.xpath("//ul[contains(concat(' ', @class, ' '), ' parallel-pages ')]//a/@href")
    assert hrefs == [f"{doc.key}.html" for doc in DOCUMENTS]
    assert not page.xpath("//*[starts-with(@id, 'dip-')]")
    assert all((built_site / "parallel" / href).is_file() for href in hrefs)
