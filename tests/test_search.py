"""Full-text search: Pagefind records per paragraph and note, the search page, the browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lxml import etree

from conftest import ARTIFACTS, REPO
from edition.search import BUNDLE_DIR, load_mentions, page_records

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
#: A title word of a footnote of the dissertation (Kirilina's "Rikoshet", note 14).
NOTE_ONLY_WORD = "Rikoshet"


def note_only_anchor(word: str) -> str:
    """The id of the one footnote of ``tei/dikova.xml`` holding ``word``; fails if the running text has it."""
    tree = etree.parse(str(REPO / "tei" / "dikova.xml"))
    notes = []
    for text in tree.getroot().find(f"{TEI}text").xpath("//text()"):
        if word.lower() not in text.lower():
            continue
        owner = text.getparent().getparent() if text.is_tail else text.getparent()
        note = next((n for n in owner.xpath("ancestor-or-self::t:note[@place='foot']", namespaces={"t": TEI[1:-1]})), None)
        assert note is not None, f"{word!r} occurs outside the footnotes: {text!r}"
        notes.append(note.get(XML_ID))
    assert len(set(notes)) == 1, notes
    return notes[0]


def doctrees_of(site: Path) -> Path:
    return site.parent / ".staging" / "doctrees-html"


def test_the_word_is_only_in_one_footnote_of_the_whole_edition():
    anchor = note_only_anchor(NOTE_ONLY_WORD)
    assert anchor == "dikova-fn014"
    for path in (REPO / "tei").glob("*.xml"):
        if path.name not in {"dikova.xml", "bibliography.xml"}:
            assert NOTE_ONLY_WORD.lower() not in path.read_text(encoding="utf-8").lower(), path.name


def test_records_are_paragraphs_and_notes_with_their_anchor(built_site: Path):
    mentions = load_mentions(doctrees_of(built_site))
    assert "tei/dikova.html" in mentions["pages"]
    records = page_records(built_site / "tei" / "dikova.html", built_site, mentions["persons"])
    by_anchor = {r.anchor: r for r in records}
    note = by_anchor["dikova-fn014"]
    assert note.url == "tei/dikova.html#dikova-fn014" and note.part == "apparatus"
    assert NOTE_ONLY_WORD in note.text
    # The paragraph holding the callout does not carry the note's words, nor its label or the ¶ sign.
    assert all(NOTE_ONLY_WORD not in r.text for r in records if r.part == "text")
    assert not any("¶" in r.text for r in records)
    para = by_anchor["dikova-p0010"]
    assert para.part == "text" and para.text.startswith("Nikita Khrushchev")
    assert "[5]" not in para.text and " 5 " not in para.text
    # Persons come from the register via the domain's mentions, by display name.
    assert any("Stalin" in name for name in para.persons)
    # Every footnote whose text survives is a record; lost ones (only a placeholder) are too.
    tei = etree.parse(str(REPO / "tei" / "dikova.xml"))
    footnotes = {n.get(XML_ID) for n in tei.iter(f"{TEI}note") if n.get("place") == "foot"}
    assert footnotes <= set(by_anchor)


def test_sphinx_search_index_is_replaced_by_the_chunked_bundle(built_site: Path):
    assert not (built_site / "searchindex.js").exists()
    bundle = built_site / BUNDLE_DIR
    assert (bundle / "pagefind-entry.json").exists() and (bundle / "pagefind-ui.js").exists()
    chunks = list((bundle / "index").glob("*.pf_index"))
    fragments = list((bundle / "fragment").glob("*.pf_fragment"))
    assert len(chunks) >= 1 and len(fragments) > 1000
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert "en" in entry["languages"]
    page = (built_site / "search.html").read_text(encoding="utf-8")
    assert "searchindex.js" not in page and "http://" not in page.split("<body")[1].replace("http://www.w3.org", "")


def test_search_page_without_javascript_points_to_the_registers(browser, site_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server + "search.html")
    message = page.locator(".edition-search-noscript")
    assert message.is_visible()
    assert "needs JavaScript" in message.inner_text()
    hrefs = message.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any("persons" in h for h in hrefs) and "index.html" in hrefs
    context.close()


def test_footnote_only_word_finds_the_footnote(browser, site_server):
    anchor = note_only_anchor(NOTE_ONLY_WORD)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    fetched: dict[str, int] = {}
    external: list[str] = []

    def on_response(response):
        if not response.url.startswith(site_server):
            external.append(response.url)
        elif f"/{BUNDLE_DIR}/" in response.url:
            fetched[response.url] = len(response.body())

    page.on("response", on_response)
    page.goto(site_server + "search.html?q=" + NOTE_ONLY_WORD)
    link = page.locator(".pagefind-ui__result-link").first
    link.wait_for(timeout=20_000)
    href = link.get_attribute("href")
    assert href.endswith(f"tei/dikova.html#{anchor}"), href
    assert "footnote 14" in link.inner_text()
    # Filters are offered: document, person mentioned, text or apparatus.
    filters = page.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert {"document", "part"} <= {f.strip().lower() for f in filters}, filters
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-footnote.png"), full_page=True)
    link.click()
    page.wait_for_url(re.compile(f"#{anchor}$"))
    assert NOTE_ONLY_WORD in page.locator(f"[id='{anchor}']").inner_text()
    assert not external, external
    # Only pieces of the index were fetched: the fragments of the results shown, not all of them.
    fragments_fetched = [u for u in fetched if u.endswith(".pf_fragment")]
    assert 1 <= len(fragments_fetched) <= 10, fragments_fetched
    print(f"search {NOTE_ONLY_WORD!r}: {len(fetched)} bundle files, {sum(fetched.values())} bytes fetched")
    page.close()


def test_person_filter_narrows_results(browser, site_server):
    page = browser.new_page()
    page.goto(site_server + "search.html?q=Stalin")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=20_000)
    filters = {f.strip().lower() for f in page.locator(".pagefind-ui__filter-name").all_inner_texts()}
    assert "person" in filters, filters
    page.close()


def test_index_is_rebuilt_only_when_a_document_page_changed(built_site: Path, tmp_path: Path):
    import shutil

    from edition.search import build_search_index

    site = tmp_path / "site"
    shutil.copytree(built_site.resolve(), site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    doctrees = tmp_path / "doctrees"
    doctrees.mkdir()
    shutil.copy2(doctrees_of(built_site) / "search-mentions.json", doctrees)
    first = build_search_index(site, doctrees)
    assert not first.skipped and first.records > 1000 and first.by_part["apparatus"] > 350
    assert build_search_index(site, doctrees).skipped
    page = site / "tei" / "bakulin.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</p>", " Zyzzogeton</p>", 1), encoding="utf-8")
    again = build_search_index(site, doctrees)
    assert not again.skipped and again.records == first.records
