"""The register pages, the chronology and the name links of the built site."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from conftest import ARTIFACTS, REPO, copy_edition, run_edition
from edition.documents import DOCUMENTS
from edition.registers import load_registers
from edition.xmlsafe import parse_file

TEI = {"t": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
HIDDEN_READINGS = ("sic", "orig")  # not in the edited reading, so not linked


def _has(cls: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {cls} ")'


def _find(el: lxml.html.HtmlElement, path: str) -> list:
    """Elements by a path of ``tag.class`` steps ('>' for a child, space for a descendant)."""
    xpath = "."
    for sep, step in re.findall(r"(\s*>\s*|\s+|^)([\w.-]+)", path.strip()):
        tag, _, cls = step.partition(".")
        xpath += ("/" if ">" in sep else "//") + (tag or "*") + (f"[{_has(cls)}]" if cls else "")
    return el.xpath(xpath)


def _page(site: Path, name: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(site / name)).getroot()


def _expected_mentions(key: str) -> Counter[tuple[str, str]]:
    """(document, anchor) of every mention of ``key`` in the edited reading, from the TEI."""
    found: Counter[tuple[str, str]] = Counter()
    for doc in DOCUMENTS:
        tree = parse_file(doc.tei_path)
        for name in tree.iterfind(".//t:text//t:persName", TEI):
            if name.get("ref") != f"#{key}" or any(a.tag.endswith(HIDDEN_READINGS) for a in name.iterancestors()):
                continue
            note = next(name.iterancestors("{%s}note" % TEI["t"]), None)
            if (note is not None and note.getparent().get("corresp") == f"#{key}"
                    and note.find(f".//t:persName[@ref='#{key}']", TEI) is name):
                continue  # the name that identifies the passage: listed as the passage below
            holder = next(a for a in name.iterancestors() if a.get(XML_ID))
            found[(doc.key, holder.get(XML_ID))] += 1
        for passage in tree.iterfind(f".//t:text//*[@corresp='#{key}']", TEI):
            found[(doc.key, passage.get(XML_ID))] += 1  # identified by the editors
    return found


def _listed_mentions(entry: lxml.html.HtmlElement) -> Counter[tuple[str, str]]:
    found: Counter[tuple[str, str]] = Counter()
    for link in _find(entry, "p.mention > a"):
        m = re.fullmatch(r"(?:\.\./)+tei/(\w+)\.html#([\w.-]+)", link.get("href"))
        assert m, link.get("href")
        found[(m.group(1), m.group(2))] += 1
    return found


def _entry(site: Path, page: str, key: str) -> lxml.html.HtmlElement:
    """Where the mentions of an entry are listed: under it on the register page, or, when it
    has more than the page shows, on the entry's own page (which the register page links)."""
    box = _page(site, f"registers/{page}.html").get_element_by_id(key)
    links = _find(box, "p.entry-page-link > a")
    if not links:
        return box
    assert links[0].get("href") == f"{page}/{key}.html"
    own = _page(site, f"registers/{page}/{key}.html")
    back = _find(own, "p.entry-register-link > a")[0].get("href")
    assert back == f"../{page}.html#{key}", back
    return own.get_element_by_id(key)


def test_every_register_entry_has_its_page_entry(built_site: Path):
    registers = load_registers(REPO / "tei")
    for page, kind in (("persons", "person"), ("places", "place"), ("orgs", "org")):
        html = _page(built_site, f"registers/{page}.html")
        ids = [e.get("id") for e in _find(html, "div.register-entry")]
        assert sorted(ids) == sorted(e.id for e in registers.of_kind(kind)), page
    stalin = _page(built_site, "registers/persons.html").get_element_by_id("stalin")
    head = _find(stalin, "p.entry-head")[0].text_content()
    assert "Joseph Stalin" in head and "born 18 December 1878 (editors)" in head and "died 5 March 1953" in head
    assert "Josef Stalin" in _find(stalin, "p.entry-variants")[0].text_content()
    assert "General Secretary" in _find(stalin, "p.entry-role")[0].text_content()


@pytest.mark.parametrize("key", ["stalin", "zinoviev", "nikolaev", "borisov"])
def test_persons_page_lists_the_right_mentions(built_site: Path, key: str):
    entry = _entry(built_site, "persons", key)
    expected = _expected_mentions(key)
    assert expected, key
    assert _listed_mentions(entry) == expected
    # every link lands on an element of the document page
    for doc, anchor in expected:
        assert _page(built_site, f"tei/{doc}.html").get_element_by_id(anchor) is not None


def test_mentions_show_context(built_site: Path):
    entry = _entry(built_site, "persons", "nikolaev")
    contexts = [c.text_content() for c in _find(entry, "span.context")]
    assert all(3 <= len(c.split()) <= 2 * 6 + 8 for c in contexts), contexts
    assert any(re.search(r"\bNikola[ye]+v\b", c) for c in contexts)


def test_editorial_identifications_are_marked(built_site: Path):
    for key, anchor, opening in (("zinoviev", "slides-list08", "Born into a Jewish farming family"),
                                 ("rykov", "slides-list09", "Born in 1881 into a peasant family"),
                                 ("stalin", "slides-p0014", "Born into a poor family in Georgia")):
        marked = [p for p in _find(_entry(built_site, "persons", key), "p.mention")
                  if _find(p, "a")[0].get("href").endswith("#" + anchor)]
        assert len(marked) == 1, key
        assert "identified by the editors (certainty: high)" in marked[0].text_content()
        assert _find(marked[0], "span.context")[0].text_content().startswith(opening)


def test_chronology_in_date_order_with_sources(built_site: Path):
    page = _page(built_site, "registers/chronology.html")
    groups = _find(page, "div.chronology-date")
    starts = [re.match(r"date-(?:from-|notbefore-|to-|notafter-)?([\d-]+)", g.get("id")).group(1) for g in groups]
    assert starts == sorted(starts)
    murder = page.get_element_by_id("date-1934-12-01")
    assert _find(murder, "p.date-head")[0].text_content().startswith("1 December 1934")
    sources = {a.get("href").split("#")[0] for a in _find(murder, "p.mention > a")}
    assert len(sources) >= 3  # several documents date the murder
    # every dated expression of the documents is listed once, on the page or on its date's page
    expected = sum(len(parse_file(d.tei_path).xpath(
        "//t:text//t:date[@when or @from or @to or @notBefore or @notAfter]"
        "[not(ancestor::t:sic or ancestor::t:orig)]", namespaces=TEI)) for d in DOCUMENTS)
    listed = [len(_find(_entry(built_site, "chronology", g.get("id")), "p.mention")) for g in groups]
    assert sum(listed) == expected
    assert max(listed) > 25  # the busiest dates have a page of their own


def test_name_links_carry_register_info_without_script(built_site: Path):
    page = _page(built_site, "tei/slides.html")
    links = _find(page, "a.has-register-info")
    assert len(links) > 100
    stalin = next(a for a in links if a.get("href") == "../registers/persons.html#stalin")
    assert _find(stalin, "span.register-info")[0].text_content() == "Joseph Stalin (1878–1953)"
    # the registers are in every document page's navigation
    for doc in DOCUMENTS:
        nav = {a.get("href") for a in _find(_page(built_site, f"tei/{doc.key}.html"), "div.sphinxsidebar a")}
        assert {"../registers/persons.html", "../registers/chronology.html"} <= nav, doc.key


def test_focusing_a_name_shows_its_register_info(site_server: str, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        page.goto(site_server + "tei/slides.html#slides-item069")
        link = page.locator("a.has-register-info[href$='persons.html#zinoviev']").first
        info = link.locator("span.register-info")
        assert not info.is_visible()
        link.focus()
        assert info.is_visible()
        assert info.inner_text() == "Grigory Zinoviev (1883–1936)"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "register-info-focus.png"))
        link.blur()
        assert not info.is_visible()
        link.hover()
        assert info.is_visible()
    finally:
        page.close()


def test_incremental_build_updates_the_registers(tmp_path: Path):
    root = copy_edition(tmp_path / "edition")
    first = run_edition("build", "-q", root=root)
    assert first.returncode == 0, first.stderr[-3000:]
    site = root / "_build" / "html"
    before = _listed_mentions(_entry(site, "persons", "bukharin"))
    assert before
    path = root / "tei" / "onthisday.xml"
    text = path.read_text(encoding="utf-8")
    new = ('<p xml:id="onthisday-p9001">A new paragraph naming '
           '<persName ref="#bukharin">Bukharin</persName> for the test.</p>')
    text, n = re.subn(r'(<p xml:id="onthisday-p0001"[^>]*>.*?</p>)', lambda m: m.group(1) + new, text,
                      count=1, flags=re.S)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    second = run_edition("build", "-q", root=root)
    assert second.returncode == 0, second.stderr[-3000:]
    after = _listed_mentions(_entry(site, "persons", "bukharin"))
    assert after == before + Counter({("onthisday", "onthisday-p9001"): 1})
    assert _listed_mentions(_entry(site, "persons", "kirov"))[("dikova", "dikova-p0001")] > 0
    assert sum(_listed_mentions(_entry(site, "places", "leningrad")).values()) > 50


# --- the bibliography ---------------------------------------------------------------------


def _expected_citations(key: str) -> Counter[tuple[str, str]]:
    """(document, footnote) of every citation of the work ``key`` in the TEI (``ref type="bibl"``)."""
    found: Counter[tuple[str, str]] = Counter()
    for doc in DOCUMENTS:
        for ref in parse_file(doc.tei_path).iterfind(f".//t:text//t:ref[@type='bibl'][@target='#{key}']", TEI):
            holder = next(a for a in ref.iterancestors() if a.get(XML_ID))
            found[(doc.key, holder.get(XML_ID))] += 1
    return found


def test_domain_collects_each_citation_at_its_footnote() -> None:
    """What a document contributes to the bibliography page is read from its own doctree."""
    from docutils.frontend import get_default_settings
    from docutils.parsers import docutils_xml
    from docutils.utils import new_document

    from edition.sphinxext.domain import collect
    from edition.transform import transformer

    path = REPO / "tei" / "dikova.xml"
    settings = get_default_settings(docutils_xml.Parser)
    settings.report_level = 5
    document = new_document(str(path), settings)
    docutils_xml.Parser().parse(transformer().transform(path).xml, document)
    mentions = collect(document)["mentions"]
    cited = Counter(("dikova", m["anchor"], m["key"]) for m in mentions if m["register"] == "bibliography")
    expected = Counter(("dikova", anchor, e.id) for e in load_registers(REPO / "tei").of_kind("bibl")
                       for (_, anchor), n in _expected_citations(e.id).items() for _ in range(n))
    assert cited == expected and sum(cited.values()) == 51
    # a name inside a citation is shown as text (no link in a link) but is still a mention
    smolny = [m for m in mentions if m["key"] == "smolny" and m["anchor"] == "dikova-fn014"]
    assert len(smolny) == 1 and "vystrelom v Smolnom" in smolny[0]["context"]


def test_bibliography_page_lists_every_work_and_the_footnotes_citing_it(built_site: Path):
    page = _page(built_site, "registers/bibliography.html")
    tree = parse_file(REPO / "tei" / "bibliography.xml")
    works = tree.findall(".//t:listBibl/t:bibl", TEI)
    assert len(works) == 37
    assert [e.get("id") for e in _find(page, "div.register-entry")] == sorted(
        (w.get(XML_ID) for w in works), key=lambda i: load_registers(REPO / "tei")[i].display.casefold())
    for work in works:
        box = page.get_element_by_id(work.get(XML_ID))
        citation = " ".join(_find(box, "p.entry-citation")[0].text_content().split())
        parts = work.findall("t:author", TEI) + work.findall("t:editor", TEI) + work.findall(".//t:title", TEI) \
            + work.findall("t:pubPlace", TEI) + work.findall("t:publisher", TEI) + work.findall("t:date", TEI)
        for part in parts:  # author, title, place, publisher, year: all of them, as recorded
            assert " ".join("".join(part.itertext()).split()) in citation, (work.get(XML_ID), part.tag)
        expected = _expected_citations(work.get(XML_ID))
        assert expected, work.get(XML_ID)
        assert _listed_mentions(box) == expected, work.get(XML_ID)
        for doc, anchor in expected:
            assert _page(built_site, f"tei/{doc}.html").get_element_by_id(anchor) is not None


def test_footnote_citation_and_bibliography_entry_link_each_other(built_site: Path):
    bibliography = _page(built_site, "registers/bibliography.html")
    entry = bibliography.get_element_by_id("bib-kirilina1993")
    (mention,) = _find(entry, "p.mention")
    assert _find(mention, "a")[0].get("href") == "../tei/dikova.html#dikova-fn014"
    assert _find(mention, "a")[0].text_content() == "note 14"
    assert "Rikoshet" in mention.text_content()
    dikova = _page(built_site, "tei/dikova.html")
    (link,) = _find(dikova.get_element_by_id("dikova-fn014"), "a.bibl")
    assert link.get("href") == "../registers/bibliography.html#bib-kirilina1993"
    assert link.text_content().startswith("Alla Kirilina, Rikoshet")
    # Ibid. links to the work cited just before, and the entry lists both footnotes
    (ibid,) = _find(dikova.get_element_by_id("dikova-fn131"), "a.bibl")
    assert ibid.get("href") == "../registers/bibliography.html#bib-kirov1944"
    assert ibid.text_content().startswith("Ibid")
    hrefs = [a.get("href") for a in _find(bibliography.get_element_by_id("bib-kirov1944"), "p.mention > a")]
    assert hrefs == ["../tei/dikova.html#dikova-fn130", "../tei/dikova.html#dikova-fn131"]
    assert not dikova.xpath("//a//a")  # names inside a citation are no links inside the link
    nav = {a.get("href") for a in _find(dikova, "div.sphinxsidebar a")}
    assert "../registers/bibliography.html" in nav


def test_busy_entries_have_their_own_page_and_quiet_ones_stay_inline(built_site: Path):
    persons = _page(built_site, "registers/persons.html")
    kirov = persons.get_element_by_id("kirov")
    assert not _find(kirov, "p.mention")  # 957 mentions: not on the register page
    (summary,) = _find(kirov, "p.entry-page-link")
    expected = _expected_mentions("kirov")
    documents = len({doc for doc, _ in expected})
    assert summary.text_content() == (f"{sum(expected.values())} mentions in {documents} documents, "
                                       "listed on the entry's own page.")
    assert _listed_mentions(_entry(built_site, "persons", "kirov")) == expected
    # an entry with few mentions lists them in place and has no page of its own
    kaganovich = persons.get_element_by_id("kaganovich")
    assert 0 < len(_find(kaganovich, "p.mention")) <= 25 and not _find(kaganovich, "p.entry-page-link")
    assert not (built_site / "registers" / "persons" / "kaganovich.html").exists()


def test_entry_pages_render_their_mentions_one_document_at_a_time():
    from edition.sphinxext.entrypages import runs

    mentions = [(doc, {"anchor": f"{doc}-{i}"}) for doc, n in (("a", 3), ("b", 5), ("c", 1), ("d", 30)) for i in range(n)]
    found = list(runs(mentions, size=16))  # type: ignore[arg-type]
    assert [m for run in found for m in run] == mentions
    assert [(run[0][0], len(run)) for run in found] == [("a", 3), ("b", 5), ("c", 1), ("d", 16), ("d", 14)]
