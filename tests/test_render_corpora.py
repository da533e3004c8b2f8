"""Foreign TEI (``../shared/corpora``) renders as its scholars expect: measured on every file.

For each file of the corpora the site ``edition render`` makes is measured:

* words: every word of the text (``text``, less source-side alternatives, running heads and
  the TeX of formulas, which become MathML) is on the file's pages;
* notes: every footnote on the pages has a callout that links to it and a back-link to that
  callout, and there are as many footnotes as notes the text places inline;
* names: every name of the text whose @ref/@key/@corresp points to an entry of the file's own
  lists is a link to that entry, and the entry is on the page;
* lines: every l/@n is on the page as the number of its line, linking to the line's anchor;
* sigla: no apparatus entry shows a raw pointer (``#N``).

The figures are written to ``_build/test-artifacts/corpora.json`` (and the closing note of #27).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree, html

from edition.render import render

CORPORA = Path("/work/shared/corpora")
FILES = sorted(CORPORA.glob("*.xml")) if CORPORA.exists() else []
ARTIFACTS = Path(__file__).resolve().parents[1] / "_build" / "test-artifacts"
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
#: Source-side alternatives and layout the edited reading does not show.
NOT_SHOWN = {"sic", "orig", "abbr", "fw", "teiHeader"}
ENTRIES = {"person", "personGrp", "place", "org", "bibl", "biblStruct", "msDesc", "witness", "event", "nym", "object"}
NAMES = {"persName", "placeName", "orgName", "rs", "name", "title", "author", "editor", "settlement",
         "country", "region", "geogName", "term", "bibl"}
WORD = re.compile(r"\w+")

pytestmark = pytest.mark.skipif(not FILES, reason="no corpora present")


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _read(path: Path) -> etree._Element:
    """The file's root, in the TEI namespace even when the file has none (as edition render reads it)."""
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)).getroot()
    for el in root.iter():
        if isinstance(el.tag, str) and not el.tag.startswith("{"):
            el.tag = TEI + el.tag
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("corpora")
    report = io.StringIO()
    with contextlib.redirect_stderr(report):
        status = render(FILES, out)
    assert status == 0, report.getvalue()[-3000:]
    return out, report.getvalue()


def _pages(site: Path, path: Path) -> list[html.HtmlElement]:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-")
    found = sorted((site / "docs").glob(f"{stem}.html")) + sorted((site / "docs" / stem).glob("*.html"))
    assert found, f"no page for {path.name}"
    return [html.parse(str(p)).getroot().xpath("//div[@role='main']")[0] for p in found]


def _words(el: etree._Element, out: list[str]) -> None:
    """Words of the edited reading: the text minus source-side alternatives and TeX."""
    local = _local(el)
    if local in NOT_SHOWN or (local == "formula" and (el.get("notation") or "").lower() in ("tex", "latex")):
        out.extend(WORD.findall(el.tail or ""))
        return
    out.extend(WORD.findall(el.text or "") if isinstance(el.tag, str) else [])
    for child in el:
        _words(child, out)
    out.extend(WORD.findall(el.tail or ""))


def measure(path: Path, site: Path, report: str) -> dict[str, object]:
    """The figures of one corpus file (see the module's docstring)."""
    root = _read(path)
    pages = _pages(site, path)
    text = "".join(re.sub(r"\s+", "", p.text_content()) for p in pages)
    ids = {i for p in pages for i in p.xpath("//@id")}
    texts = root.iter(TEI + "text")
    words: list[str] = []
    for t in texts:
        if not any(_local(a) == "text" for a in t.iterancestors()):  # a text inside a text is counted with it
            _words(t, words)
    # lb break="no" joins word parts: a part is looked for inside the joined text.
    reached = [w for w in words if w in text]

    # Notes: callout → footnote → back-link.
    footnotes = [f for p in pages for f in p.xpath(".//aside[contains(concat(' ', @class, ' '), ' footnote ')]")]
    callouts = [a for p in pages for a in p.xpath(".//a[contains(@class, 'footnote-reference')]")]
    called = {a.get("href", "").lstrip("#") for a in callouts}
    linked = [f for f in footnotes if f.get("id") in called
              and any(b.get("href", "").lstrip("#") in ids for b in f.xpath(".//a[@role='doc-backlink']"))]

    # Names pointing into the file's own lists.
    entries = {e.get(XML_ID) for e in root.iter() if _local(e) in ENTRIES and e.get(XML_ID)}
    pointing = set()
    for e in root.iter():
        tokens = " ".join(e.get(a) or "" for a in ("ref", "key", "corresp")).split()
        if _local(e) in NAMES and any(re.fullmatch(r"#?[^:/#\s]+", t) and t.lstrip("#") in entries
                                      and t.lstrip("#") != e.get(XML_ID) for t in tokens):
            pointing.add(e)
    # A link cannot hold a link: a name inside another (or inside a ref) is no link of its own.
    names = sum(1 for e in pointing
                if not any(_local(a) in NOT_SHOWN or a in pointing or (_local(a) == "ref" and a.get("target"))
                           for a in e.iterancestors()))
    links = [a for p in pages for a in p.xpath(".//a[contains(@class, 'entry-link')]")]
    names_linked = [a for a in links if a.get("href", "").lstrip("#") in ids]

    # Line numbers.
    wanted = Counter(" ".join(l.get("n").split()) for l in root.iter(TEI + "l")
                     if (l.get("n") or "").strip() and not any(_local(a) == "teiHeader" for a in l.iterancestors()))
    shown = Counter(a.text_content().strip() for p in pages for a in p.xpath(".//a[contains(@class, 'line-number')]")
                    if a.get("href", "").lstrip("#") in ids)
    lines_numbered = sum(min(n, shown[k]) for k, n in wanted.items())

    sigla = [e.text_content() for p in pages for e in p.xpath(".//p[contains(@class, 'app-entry')]")]
    warnings = [line for line in report.splitlines() if line.startswith(f"{path}:")]
    return {
        "words": len(words), "words_reached": len(reached),
        "lost": sorted({w for w in words if w not in text})[:10],
        "footnotes": len(footnotes), "footnotes_linked": len(linked),
        "names": names, "names_linked": len(names_linked),
        "lines": sum(wanted.values()), "lines_numbered": lines_numbered,
        "raw_sigla": sum(1 for s in sigla if re.search(r"#\w", s)),
        "app_entries": len(sigla),
        "formulas": sum(1 for e in root.iter(TEI + "formula")  # TeX only, not a formula of markup
                        if (e.get("notation") or "").lower() == "tex" and (e.text or "").strip() and not len(e)
                        and not any(_local(a) in NOT_SHOWN for a in e.iterancestors())),
        # MathML, or the TeX itself where it cannot be converted (a formula the source got wrong).
        "math": sum(len(p.xpath(".//*[local-name()='math'] | .//code[contains(@class, 'tex')]")) for p in pages),
        "warnings": len(warnings),
        "warning_codes": dict(Counter(m.group(1) for w in warnings if (m := re.search(r"\[([\w-]+)\]", w)))),
    }


@pytest.fixture(scope="module")
def figures(site: tuple[Path, str]) -> dict[str, dict[str, object]]:
    out, report = site
    found = {path.name: measure(path, out, report) for path in FILES}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "corpora.json").write_text(json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8")
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_corpus_file_is_rendered_whole_and_linked(figures: dict[str, dict[str, object]], path: Path) -> None:
    f = figures[path.name]
    assert f["words"] and f["words_reached"] == f["words"], f"{path.name}: words lost, e.g. {f['lost']}"
    assert f["footnotes_linked"] == f["footnotes"], f"{path.name}: {f}"
    assert f["names_linked"] == f["names"], f"{path.name}: {f}"
    assert f["lines_numbered"] == f["lines"], f"{path.name}: {f}"
    assert f["raw_sigla"] == 0, f"{path.name}: {f}"
    assert f["math"] >= f["formulas"], f"{path.name}: {f}"


def test_rendered_site_is_standalone_and_searchable(site: tuple[Path, str]) -> None:
    out, _ = site
    assert not (out / "synopsis").exists()
    documents = json.loads((out / "searchindex" / "documents.json").read_text(encoding="utf-8"))
    assert len(documents) >= 10
    corpus = out / "docs" / "teicorpus_sap_1841_no-namespace"
    assert len(list(corpus.glob("teicorpus_sap_1841_no-namespace-*.html"))) == 13
    index = html.parse(str(corpus / "teicorpus_sap_1841_no-namespace.html")).getroot()
    assert len(index.xpath("//ol[contains(@class, 'corpus-members')]/li/p/a")) == 13


def test_corpus_with_a_missing_member_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    member = ("<TEI><teiHeader><fileDesc><titleStmt><title>{0}</title></titleStmt></fileDesc></teiHeader>"
              "<text><body><p>Text of {0}.</p></body></text></TEI>")
    corpus = tmp_path / "corpus.xml"
    corpus.write_text('<teiCorpus xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude">\n'
                      "<teiHeader><fileDesc><titleStmt><title>C</title></titleStmt></fileDesc></teiHeader>\n"
                      '<xi:include href="missing.xml"/>\n' + member.format("one") + "\n"
                      "<teiCorpus>" + member.format("two") + "</teiCorpus>\n</teiCorpus>\n", encoding="utf-8")
    out = tmp_path / "out"
    assert render([corpus], out) == 1
    assert f"{corpus}:3:1: [unresolved-include] the corpus member missing.xml cannot be read" in capsys.readouterr().err
    pages = {p.name: p.read_text(encoding="utf-8") for p in (out / "docs" / "corpus").glob("*.html")}
    assert sorted(pages) == ["corpus-2.html", "corpus-3.html", "corpus.html"]
    assert "Text of one." in pages["corpus-2.html"] and "Text of two." in pages["corpus-3.html"]


#: What a screenshot of a corpus page shows: the first of these on the page, else its top.
SHOWCASE = ("p.app-entry", "p.numbered-line", "span.lb-break", "div.register-list", "ol.corpus-members",
            "a.footnote-reference", "math", "p")


def test_corpus_pages_in_a_browser(site: tuple[Path, str], browser) -> None:
    """Every corpus page opens in Chromium; numbered lines show every fifth number in the margin.

    A screenshot of each file's page goes to ``_build/test-artifacts/corpora/{file}.png``.
    """
    out, _ = site
    shots = ARTIFACTS / "corpora"
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        for path in FILES:
            stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-")
            target = out / "docs" / f"{stem}.html"
            if not target.exists():
                target = out / "docs" / stem / f"{stem}.html"
            page.goto(target.as_uri())
            for selector in SHOWCASE:
                first = page.locator(f"div[role='main'] {selector}").first
                if first.count():
                    first.scroll_into_view_if_needed()
                    break
            page.screenshot(path=str(shots / f"{path.stem}.png"))
            lines = page.locator("p.numbered-line")
            if lines.count():
                line = lines.nth(min(4, lines.count() - 1))
                number = line.locator("a.line-number-shown")
                if number.count():
                    box, text_box = number.bounding_box(), line.bounding_box()
                    assert box and text_box and box["x"] + box["width"] <= text_box["x"], f"{path.name}: number not in the margin"
                    assert number.evaluate("e => getComputedStyle(e).opacity") == "1"
            # A line of an inscription: its number in the margin, left of the text, at the line's height.
            for number in page.locator("span.lb-break > a.line-number-shown").all()[:3]:
                box = number.bounding_box()
                para = number.locator("xpath=ancestor::p[1]").bounding_box()
                assert box and para and box["x"] + box["width"] <= para["x"], f"{path.name}: lb number not in the margin"
            if lines.count():
                hidden = lines.first.locator("a.line-number:not(.line-number-shown)")
                if hidden.count():
                    assert hidden.evaluate("e => getComputedStyle(e).opacity") == "0"
    finally:
        page.close()
