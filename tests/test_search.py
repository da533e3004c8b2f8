"""Full-text search: one index entry per paragraph and note, the chunked index, the search page in a browser."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from lxml import etree

from conftest import ARTIFACTS, REPO
from edition.documents import DOCUMENTS
from edition.searchentries import BUNDLE_DIR, load_mentions, page_records
from edition.searchindex import FORMAT_VERSION, IndexReader, words

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
    """Only the documents are searched; the registers (which name the book) are not document pages."""
    anchor = note_only_anchor(NOTE_ONLY_WORD)
    assert anchor == "dikova-fn014"
    for doc in DOCUMENTS:
        if doc.key != "dikova":
            text = (REPO / "tei" / f"{doc.key}.xml").read_text(encoding="utf-8")
            assert NOTE_ONLY_WORD.lower() not in text.lower(), doc.key


def test_records_are_paragraphs_and_notes_with_their_anchor(built_site: Path):
    mentions = load_mentions(doctrees_of(built_site))
    assert "tei/dikova.html" in mentions["pages"]
    records = page_records(built_site / "tei" / "dikova.html", built_site, mentions["persons"])
    by_anchor = {r.anchor: r for r in records}
    note = by_anchor["dikova-fn014"]
    assert note.url == "tei/dikova.html#dikova-fn014" and note.part == "apparatus"
    assert NOTE_ONLY_WORD in note.text
    # Only the words of the note: not the register card that a name link shows on hover.
    assert "v Smolnom. (St. Petersburg" in note.text and "headquarters" not in note.text
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


def test_sphinx_search_index_is_replaced_by_the_chunked_index(built_site: Path):
    assert not (built_site / "searchindex.js").exists()
    index = built_site / BUNDLE_DIR
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == FORMAT_VERSION and manifest["entries"] > 1000
    shards = list((index / "terms").glob("*.json"))
    assert len(shards) == len(manifest["shards"]) > 50
    # No file a query may need is large: the index is never shipped whole.
    biggest = max(p.stat().st_size for p in index.rglob("*.json") if p.parent.name != "persons")
    assert biggest < 64_000, biggest
    documents = json.loads((index / "documents.json").read_text(encoding="utf-8"))
    assert len(documents) == 5
    page = (built_site / "search.html").read_text(encoding="utf-8")
    assert "searchindex.js" not in page and "http://" not in page.split("<body")[1].replace("http://www.w3.org", "")


def test_index_answers_as_the_search_page_does(built_site: Path):
    reader = IndexReader(built_site / BUNDLE_DIR)
    hits = reader.search(NOTE_ONLY_WORD)
    assert [url for url, _title, _text in hits] == ["tei/dikova.html#dikova-fn014"]
    # A query downloads a few kilobytes, not the index.
    assert reader.bytes < 20_000, reader.fetched
    # A word finds the words it begins; every word of a query must be present.
    assert any("collectivisation" in text.lower() for _u, _t, text in IndexReader(built_site / BUNDLE_DIR).search("collectivi"))
    both = IndexReader(built_site / BUNDLE_DIR).search("Nikolaev Leningrad", limit=1000)
    assert both and all("nikola" in t.lower() and "leningrad" in t.lower() for _u, _title, t in both)
    # Filters: apparatus only, and a person.
    notes = IndexReader(built_site / BUNDLE_DIR).search("Stalin", part="apparatus", limit=1000)
    assert notes and all("-fn" in u or "-ednote" in u for u, _t, _x in notes)
    text = IndexReader(built_site / BUNDLE_DIR).search("Stalin", part="text", limit=1000)
    assert text and not any("-fn" in u for u, _t, _x in text)
    everything = IndexReader(built_site / BUNDLE_DIR).search("Leningrad", limit=10_000)
    with_zinoviev = IndexReader(built_site / BUNDLE_DIR).search("Leningrad", person="Grigory Zinoviev", limit=10_000)
    assert 0 < len(with_zinoviev) < len(everything)


def test_index_is_byte_identical_for_the_same_pages(built_site: Path, tmp_path: Path):
    from edition.searchentries import index_entries, load_mentions, register_names, site_records
    from edition.searchindex import write_index

    mentions = load_mentions(doctrees_of(built_site))
    entries = index_entries(list(site_records(built_site, mentions)))
    write_index(entries, tmp_path / "a", register_names(mentions))
    write_index(entries, tmp_path / "b", register_names(mentions))
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files and all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    published = built_site / BUNDLE_DIR
    assert all((published / f).read_bytes() == (tmp_path / "a" / f).read_bytes() for f in files)


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
    errors: list[str] = []

    def on_response(response):
        if not response.url.startswith(site_server):
            external.append(response.url)
        elif f"/{BUNDLE_DIR}/" in response.url:
            fetched[response.url] = len(response.body())

    page.on("response", on_response)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # The site has no favicon; Chromium asks for one when it has time, and logs the 404 as an error.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(site_server + "search.html?q=" + NOTE_ONLY_WORD)
    link = page.locator("a.edition-search-result").first
    link.wait_for(timeout=20_000)
    href = link.get_attribute("href")
    # The link lands on the note (its fragment works without JavaScript) and names the words to highlight there.
    assert href.endswith(f"tei/dikova.html?highlight={NOTE_ONLY_WORD}#{anchor}"), href
    assert "footnote 14" in link.inner_text()
    assert page.locator("a.edition-search-result").count() == 1
    assert NOTE_ONLY_WORD in page.locator(".edition-search-excerpt mark").first.inner_text()
    assert "1 passage (0 in the text, 1 in the apparatus)" in page.locator("#edition-search-status").inner_text()
    # The form shows the query and offers the filters: document, person mentioned, text or apparatus.
    assert page.locator("#edition-search-q").input_value() == NOTE_ONLY_WORD
    assert page.locator("#edition-search-doc option").count() == 6
    assert page.locator("#edition-search-person option").count() > 20
    assert page.locator("#edition-search-part option").count() == 3
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-footnote.png"), full_page=True)
    link.click()
    page.wait_for_url(re.compile(f"#{anchor}$"))
    assert NOTE_ONLY_WORD in page.locator(f"[id='{anchor}']").inner_text()
    marked = page.locator(f"[id='{anchor}'] mark.edition-found")
    marked.first.wait_for(timeout=10_000)
    assert marked.all_inner_texts() == [NOTE_ONLY_WORD]
    # Only there, and the address is the plain one again (a bookmark, a citation).
    assert page.locator("mark.edition-found").count() == 1 and page.locator(".highlighted").count() == 0
    assert page.url.endswith(f"tei/dikova.html#{anchor}"), page.url
    assert not external, external
    assert not errors, errors
    # Only pieces of the index were fetched: manifest, documents, one shard, one chunk of entries.
    assert len(fetched) <= 4 and sum(fetched.values()) < 20_000, fetched
    print(f"search {NOTE_ONLY_WORD!r}: {len(fetched)} index files, {sum(fetched.values())} bytes fetched")
    page.close()


def test_filters_narrow_results_and_live_in_the_url(browser, site_server):
    page = browser.new_page()
    page.goto(site_server + "search.html?q=Stalin")
    page.locator("a.edition-search-result").first.wait_for(timeout=20_000)
    status = page.locator("#edition-search-status").inner_text()
    total = int(status.split()[0])
    # Choose "apparatus only" and a person, as a reader would: the form submits to the URL.
    page.select_option("#edition-search-part", "apparatus")
    page.locator("#edition-search button[type=submit]").click()
    page.wait_for_url(re.compile(r"part=apparatus"))
    page.locator("a.edition-search-result").first.wait_for(timeout=20_000)
    notes = int(page.locator("#edition-search-status").inner_text().split()[0])
    assert 0 < notes < total
    hrefs = page.locator("a.edition-search-result").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(re.search(r"-(fn|ednote)\d+$", h) for h in hrefs), hrefs
    # More results are loaded on demand, ten at a time.
    if notes > 10:
        assert page.locator("a.edition-search-result").count() == 10
        page.locator("#edition-search-more").click()
        page.locator("a.edition-search-result").nth(10).wait_for(timeout=20_000)
    page.close()


def test_markup_in_the_index_is_shown_as_text(browser, site_server, built_site: Path, tmp_path: Path):
    """A source's text is never markup in the results: an index entry holding a script tag stays text."""
    from edition.searchindex import Entry, write_index

    hostile = built_site / "hostile-search"
    shutil.rmtree(hostile, ignore_errors=True)
    write_index([Entry("tei/x.html#x-p0001", "<img src=x onerror=alert(1)>", "zyzzy <script>window.pwned=1</script>",
                       "<b>doc</b>", False)], hostile / BUNDLE_DIR)
    shutil.copy2(built_site / "search.html", hostile / "search.html")
    (hostile / "_static").symlink_to((built_site / "_static").resolve())
    page = browser.new_page()
    page.goto(site_server + "hostile-search/search.html?q=zyzzy")
    link = page.locator("a.edition-search-result").first
    link.wait_for(timeout=20_000)
    assert link.inner_text() == "<img src=x onerror=alert(1)>"
    assert "<script>" in page.locator(".edition-search-excerpt").inner_text()
    assert page.locator(".edition-search-results img, .edition-search-results script").count() == 0
    assert page.evaluate("window.pwned === undefined")
    page.close()
    shutil.rmtree(hostile)


def test_index_is_rebuilt_only_when_a_document_page_changed(built_site: Path, tmp_path: Path, monkeypatch):
    from edition import searchentries as search
    from edition.searchentries import build_search_index

    site = tmp_path / "site"
    shutil.copytree(built_site.resolve(), site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    doctrees = tmp_path / "doctrees"
    doctrees.mkdir()
    shutil.copy2(doctrees_of(built_site) / "search-mentions.json", doctrees)
    first = build_search_index(site, doctrees)
    assert not first.skipped and first.records > 1000 and first.by_part["apparatus"] > 350
    assert build_search_index(site, doctrees).skipped
    page = site / "tei" / "bakulin.html"
    text = page.read_text(encoding="utf-8")
    assert '<p id="bakulin-p0001">' in text
    page.write_text(text.replace('<p id="bakulin-p0001">', '<p id="bakulin-p0001">Zyzzogeton ', 1), encoding="utf-8")
    index = site / BUNDLE_DIR
    before = {p: p.stat().st_mtime_ns for p in index.rglob("*.json")}
    # Only the changed page is read and cut into terms again; the others' are in the cache.
    cut = []
    monkeypatch.setattr(search, "words", lambda text: cut.append(text) or words(text))
    again = build_search_index(site, doctrees)
    assert cut and sorted(cut) == sorted(record.text for record in search.page_records(page, site, {}))
    monkeypatch.undo()
    assert not again.skipped and again.records == first.records
    rewritten = [p for p, mtime in before.items() if p.stat().st_mtime_ns != mtime]
    assert 0 < len(rewritten) < 10, f"{len(rewritten)} of {len(before)} index files rewritten for one new word"
    assert IndexReader(index).search("Zyzzogeton")
    # What the run changed in place is what a first run over the edited site writes.
    updated = {p: p.read_bytes() for p in sorted(index.rglob("*")) if p.is_file()}
    (doctrees / "search-units.pickle").unlink()
    (doctrees / "search-stamp").unlink()
    shutil.rmtree(index)
    fresh = build_search_index(site, doctrees)
    assert not fresh.skipped
    assert {p: p.read_bytes() for p in sorted(index.rglob("*")) if p.is_file()} == updated


# --- what a scholar expects of the queries (#29), in Chromium ----------------------


def tei_units(predicate) -> dict[str, etree._Element]:
    """url → TEI element of every searchable unit (nearest ancestor with a record id) holding an element ``predicate`` accepts."""
    from edition.searchentries import RECORD_ID

    found = {}
    for doc in DOCUMENTS:
        tree = etree.parse(str(REPO / "tei" / f"{doc.key}.xml"))
        for el in tree.getroot().find(f"{TEI}text").iter():
            if not isinstance(el.tag, str) or not predicate(el):
                continue
            unit = next((a for a in el.iterancestors() if RECORD_ID.match(a.get(XML_ID) or "")), None)
            if RECORD_ID.match(el.get(XML_ID) or ""):
                unit = el
            assert unit is not None, (doc.key, etree.tostring(el)[:200])
            found[f"tei/{doc.key}.html#{unit.get(XML_ID)}"] = unit
    return found


def tagged(key: str) -> set[str]:
    """The units holding a name element that points at the register entry ``key``."""
    names = {f"{TEI}persName", f"{TEI}placeName", f"{TEI}orgName"}
    return set(tei_units(lambda el: el.tag in names and el.get("ref") == f"#{key}"))


def own_words(unit: etree._Element) -> list[str]:
    """The folded words of a TEI unit, without the notes nested in it."""
    from edition.searchindex import words

    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        if el.text:
            parts.append(el.text)
        for child in el:
            if isinstance(child.tag, str) and child.tag != f"{TEI}note":
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(unit)
    return words("".join(parts))


def search_all(page, site_server: str, query: str, order: str = "") -> tuple[list[str], str, str]:
    """Every result of ``query`` on the search page (following "More results"): (urls, status, expansion note)."""
    from urllib.parse import quote, urlsplit

    page.goto(site_server + "search.html?q=" + quote(query) + (f"&order={order}" if order else ""))
    # The status comes first, then the first ten results.
    page.wait_for_function("""() => {
        const status = document.getElementById('edition-search-status').textContent;
        const total = /^\\d+ passage/.test(status) ? parseInt(status, 10) : (/^No passage/.test(status) ? 0 : -1);
        return total >= 0 && document.querySelectorAll('a.edition-search-result').length >= Math.min(total, 10);
    }""", timeout=30_000)
    status = page.locator("#edition-search-status").inner_text()
    total = int(status.split()[0]) if status[0].isdigit() else 0
    results = page.locator("a.edition-search-result")
    while results.count() < total:
        count = results.count()
        page.locator("#edition-search-more").click()
        results.nth(count).wait_for(timeout=20_000)
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    urls = [urlsplit(h).path.lstrip("/") + "#" + urlsplit(h).fragment for h in hrefs]
    assert len(urls) == len(set(urls)) == total, status
    return urls, status, page.locator("#edition-search-expanded").inner_text()


def test_every_spelling_of_a_name_finds_every_tagged_mention(browser, site_server):
    page = browser.new_page()
    nikolayev, _status, note = search_all(page, site_server, "Nikolayev")
    nikolaev, _status, _note = search_all(page, site_server, "Nikolaev")
    assert set(nikolayev) == set(nikolaev)
    # Every paragraph or note with a persName pointing at the register entry, whatever its spelling.
    assert tagged("nikolaev") <= set(nikolaev), tagged("nikolaev") - set(nikolaev)
    assert len(nikolaev) >= 6
    assert "also searched: Nikolaev, Nikolayev (Leonid Nikolaev)" in note
    kuibyshev, _status, _note = search_all(page, site_server, "Kuibyshev")
    kuybyshev, _status, _note = search_all(page, site_server, "Kuybyshev")
    assert set(kuibyshev) == set(kuybyshev) and tagged("kuibyshev") <= set(kuibyshev)
    # A diacritic: the text's Pilsudski (tagged) and the editorial note's untagged Piłsudski, for both.
    plain, _status, _note = search_all(page, site_server, "Pilsudski")
    polish, _status, _note = search_all(page, site_server, "Piłsudski")
    assert set(plain) == set(polish) == {"tei/slides.html#slides-p0037", "tei/slides.html#slides-ednote04"}
    assert plain == polish == ["tei/slides.html#slides-p0037", "tei/slides.html#slides-ednote04"], "the text before the notes"
    # A name of two words: every tagged mention of Ordzhonikidze, however the passage names him.
    sergo, _status, note = search_all(page, site_server, "Sergo Ordzhonikidze")
    assert tagged("ordzhonikidze") <= set(sergo) and "Sergo Ordzhonikidze" in note
    page.close()


def all_units() -> dict[str, etree._Element]:
    from edition.searchentries import RECORD_ID

    return tei_units(lambda el: bool(RECORD_ID.match(el.get(XML_ID) or "")))


def test_word_forms_find_each_other_and_the_exact_form_ranks_first(browser, site_server, built_site: Path):
    page = browser.new_page()
    american, _status, note = search_all(page, site_server, "collectivization")
    british, _status, _note = search_all(page, site_server, "collectivisation")
    assert set(american) == set(british) and len(american) >= 35
    assert "collectivisation" in note
    units = all_units()
    exact = [u for u in american if "collectivization" in own_words(units[u])]
    assert exact and american[:len(exact)] == exact, "the passages with the form typed come first"
    assert british[0] not in exact
    # Possessives: Kirov's and Stalin’s are found by Kirovs and Stalins.
    for query, name in (("Kirovs", "kirov"), ("Stalins", "stalin")):
        found, _status, _note = search_all(page, site_server, query)
        possessive = {u for u, unit in units.items() if re.search(rf"\b{name}[’'‟]s\b", " ".join(unit.itertext()).lower())}
        assert possessive and possessive <= set(found), (query, possessive - set(found))
    # Among passages of the text holding the word as typed, those holding it more often come first.
    stalin, _status, _note = search_all(page, site_server, "Stalin")
    texts = {u: text for u, _t, text in IndexReader(built_site / BUNDLE_DIR).search("Stalin", limit=10_000)}
    counts = [min(words(texts[u]).count("stalin"), 5) for u in stalin if "-fn" not in u and "-ednote" not in u]
    assert counts[0] == 5 and counts == sorted(counts, reverse=True), counts
    # In the order of the edition, on request: the same passages, in the index's order.
    ordered, status, _note = search_all(page, site_server, "collectivization", order="edition")
    assert sorted(ordered) == sorted(american) and ordered != american
    assert "in the order of the edition" in status
    reader_order = [u for u, _t, _x in IndexReader(built_site / BUNDLE_DIR).search("collectivization", limit=1000, order="edition")]
    assert ordered == reader_order
    page.close()


def test_a_phrase_finds_only_and_every_passage_holding_it(browser, site_server):
    page = browser.new_page()
    found, _status, _note = search_all(page, site_server, '"Leningrad opposition"')
    both, _status, _note = search_all(page, site_server, "Leningrad opposition")
    phrase = ["leningrad", "opposition"]

    def holds(sequence: list[str]) -> bool:
        return any(sequence[i:i + len(phrase)] == phrase for i in range(len(sequence)))

    units = all_units()
    expected = {u for u, unit in units.items() if holds(own_words(unit))}
    assert expected and set(found) == expected
    assert len(found) < len(both), "the phrase is narrower than its words anywhere"
    # Three words: checked on the text too.
    three, _status, _note = search_all(page, site_server, '"the Leningrad opposition"')
    phrase = ["the", "leningrad", "opposition"]
    assert set(three) == {u for u in expected if holds(own_words(units[u]))}
    # Following a result marks the phrase where it stands, not every "the" of the paragraph.
    link = page.locator("a.edition-search-result").first
    anchor = link.get_attribute("href").rsplit("#", 1)[1]
    link.click()
    page.wait_for_url(re.compile(f"#{anchor}$"))
    marked = page.locator(f"[id='{anchor}'] mark.edition-found")
    marked.first.wait_for(timeout=10_000)
    texts = [t.lower() for t in marked.all_inner_texts()]
    assert texts and len(texts) % 3 == 0 and set(texts) == {"the", "leningrad", "opposition"}, texts
    assert own_words(units[f"tei/{link_page(page.url)}#{anchor}"]).count("the") > texts.count("the")
    page.close()


def link_page(url: str) -> str:
    """``dikova.html`` of ``http://…/tei/dikova.html#…``."""
    return url.split("#", 1)[0].rsplit("/", 1)[1]


def test_a_result_highlights_the_spelling_of_its_passage(browser, site_server):
    """Nikolaev finds a passage that spells him Nikolayev; following it marks Nikolayev there, and only there."""
    page = browser.new_page()
    page.goto(site_server + "search.html?q=Nikolaev")
    results = page.locator("a.edition-search-result")
    results.first.wait_for(timeout=20_000)
    items = page.locator(".edition-search-results > li")
    target = next(i for i in range(items.count()) if "Nikolayev" in items.nth(i).locator("mark").all_inner_texts())
    link = results.nth(target)
    anchor = link.get_attribute("href").rsplit("#", 1)[1]
    assert "highlight=" in link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(f"#{anchor}$"))
    marked = page.locator(f"[id='{anchor}'] mark.edition-found")
    marked.first.wait_for(timeout=10_000)
    assert "Nikolayev" in marked.all_inner_texts()
    assert page.locator("mark.edition-found").count() == marked.count()
    page.close()


def test_the_python_reader_answers_as_the_search_page(browser, site_server, built_site: Path):
    """The bench and the tests read the index with IndexReader: it finds what Chromium finds, in the same order."""
    page = browser.new_page()
    for query in ("Nikolaev", "Sergo Ordzhonikidze", "Leningrad opposition", '"the Leningrad opposition"',
                  "collectivi*", "collectivisation", "Piłsudski Poland", "Kuybyshev Stalin"):
        found, _status, _note = search_all(page, site_server, query)
        expected = [u for u, _t, _x in IndexReader(built_site / BUNDLE_DIR).search(query, limit=10_000)]
        assert found == expected, query
    page.close()


def test_a_new_variant_in_the_registers_is_searched(built_site: Path, tmp_path: Path):
    """A spelling added to a register entry finds the entry's passages once the index is written again."""
    from edition.searchentries import build_search_index

    site = tmp_path / "site"
    shutil.copytree(built_site.resolve(), site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    doctrees = tmp_path / "doctrees"
    doctrees.mkdir()
    mentions = json.loads((doctrees_of(built_site) / "search-mentions.json").read_text(encoding="utf-8"))
    (doctrees / "search-mentions.json").write_text(json.dumps(mentions), encoding="utf-8")
    build_search_index(site, doctrees)
    assert not IndexReader(site / BUNDLE_DIR).search("Nikolaeff")
    mentions["names"]["nikolaev"]["forms"].append("Nikolaeff")
    (doctrees / "search-mentions.json").write_text(json.dumps(mentions), encoding="utf-8")
    assert not build_search_index(site, doctrees).skipped
    reader = IndexReader(site / BUNDLE_DIR)
    found = {u for u, _t, _x in reader.search("Nikolaeff", limit=100)}
    assert found == {u for u, _t, _x in IndexReader(site / BUNDLE_DIR).search("Nikolaev", limit=100)} and found
    assert reader.parts[0].kind == "name" and reader.parts[0].name == "Leonid Nikolaev"


def test_a_name_no_passage_spells_still_finds_its_entry(tmp_path: Path):
    """A variant that no passage uses (Dzhugashvili) finds the tagged mentions and the other spellings."""
    from edition.searchindex import Entry, Name, write_index

    write_index([
        Entry("tei/x.html#x-p0001", "x — paragraph 1", "Stalin met Koba.", "X", False),
        Entry("tei/x.html#x-p0002", "x — paragraph 2", "The General Secretary spoke.", "X", False),
        Entry("tei/x.html#x-p0003", "x — paragraph 3", "The Vozhd was silent.", "X", False),
        Entry("tei/x.html#x-p0004", "x — paragraph 4", "A general strike.", "X", False),
    ], tmp_path, [Name("stalin", "Joseph Stalin", ("Stalin", "Dzhugashvili", "General Secretary"), ("tei/x.html#x-p0003",))])
    reader = IndexReader(tmp_path)
    assert [u for u, _t, _x in reader.search("Dzhugashvili")] == [f"tei/x.html#x-p000{n}" for n in (1, 2, 3)]
    assert reader.parts[0].searched == ["Stalin", "Dzhugashvili", "General Secretary"]
    # The words of a name still find it anywhere, as words; the phrase is what the register adds.
    assert {u for u, _t, _x in reader.search("General Secretary")} == {f"tei/x.html#x-p000{n}" for n in (1, 2, 3)}
    assert [u for u, _t, _x in IndexReader(tmp_path).search("general")] == ["tei/x.html#x-p0002", "tei/x.html#x-p0004"]
