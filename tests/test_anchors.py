"""Published anchors stay valid: the registry, retired anchors, release notes, ¶ citations, version."""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from lxml import etree

from conftest import ARTIFACTS, REPO, copy_edition, run_edition
from edition import __version__, anchors
from edition.anchors import Anchor, check, collect, collect_edition, fingerprint, load, resolve, retire, update
from edition.citation import cite_document, resolver_path
from edition.documents import DOCUMENTS
from edition.xmlsafe import parse_file

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def tei(body: str) -> etree._ElementTree:
    return etree.fromstring(f'<TEI xmlns="{TEI}"><text><body>{body}</body></text></TEI>'.encode()).getroottree()


# --- the registry, without a build ---------------------------------------------------------


def test_fingerprint_is_a_units_own_text():
    before = tei('<div xml:id="d1"><p xml:id="p1">One <note xml:id="n1">a note</note> two.</p></div>')
    after = tei('<div xml:id="d1"><p xml:id="p1">One <note xml:id="n1">a corrected note</note>  two.</p></div>')
    a, b = collect(before, "x"), collect(after, "x")
    assert a["n1"].fingerprint != b["n1"].fingerprint
    # whitespace is not significant, and a changed note does not change its paragraph or division
    assert a["p1"].fingerprint == b["p1"].fingerprint and a["d1"].fingerprint == b["d1"].fingerprint
    split = tei('<div xml:id="d1"><p xml:id="p2">One</p><p xml:id="p3">two.</p></div>')
    assert collect(split, "x")["d1"].fingerprint != a["d1"].fingerprint  # the division's units changed


def test_check_update_retire_and_resolve():
    old = collect(tei('<p xml:id="p1">Alpha.</p><p xml:id="p2">Beta.</p><p xml:id="p3">Gamma.</p>'), "x")
    registry = update({}, old, version="1.0")
    assert {a.since for a in registry.values()} == {"1.0"}
    now = collect(tei('<p xml:id="p1">Alpha!</p><p xml:id="p4">Beta.</p>'), "x")
    result = check(registry, now)
    assert not result.ok
    assert [a.id for a in result.missing] == ["p2", "p3"]
    assert [(o.id, n.id) for o, n in result.changed] == [("p1", "p1")]
    assert [a.id for a in result.new] == ["p4"]
    assert any("p2" in m and "anchor-removed" in m for m in result.messages())
    registry = retire(retire(registry, "p2", "p4", "split", version="1.1"), "p3", "withdrawn", "a duplicate", version="1.1")
    assert registry["p2"].changed == "1.1" and registry["p3"].withdrawn
    assert check(registry, now).ok
    registry = update(registry, now, accept_changes=True, version="1.1")
    assert registry["p1"].changed == "1.1" and registry["p4"].since == "1.1" and registry["p2"].status == "retired"
    assert not check(registry, now).changed
    # a successor retired in its turn: the chain is followed to the live anchor
    later = collect(tei('<p xml:id="p1">Alpha!</p><p xml:id="p5">Beta.</p>'), "x")
    registry = retire(update(registry, later, version="1.2"), "p4", "p5", version="1.2")
    assert resolve(registry, "p2") == "p5" and check(registry, later).ok
    with pytest.raises(ValueError):
        resolve(retire(registry, "p5", "p2"), "p2")
    # a successor that does not exist is an error
    assert [a.id for a in check(retire(registry, "p1", "p9"), later).bad_successor] == ["p1"]


def test_registry_round_trip(tmp_path):
    registry = {"p1": Anchor("p1", "x", "p", "abc", "retired", "withdrawn", "0.1.0", "0.2.0", "merged into p2; see notes")}
    anchors.save(registry, tmp_path / "a.tsv")
    assert load(tmp_path / "a.tsv") == registry


def test_the_registry_covers_every_citable_unit_of_the_five_documents():
    registry, current = load(), collect_edition()
    result = check(registry, current)
    assert result.ok, result.messages()[:5]
    assert not result.new, f"unregistered anchors: {[a.id for a in result.new[:10]]} (run edition anchors --update)"
    for doc in DOCUMENTS:
        tree = parse_file(doc.tei_path)
        units = tree.xpath(
            "//tei:text//*[self::tei:p or self::tei:head or self::tei:item or self::tei:note or self::tei:quote"
            " or self::tei:row or self::tei:div or self::tei:table or self::tei:list or self::tei:figure]",
            namespaces=NS,
        )
        assert units
        assert all(u.get(XML_ID) in registry and registry[u.get(XML_ID)].document == doc.key for u in units), doc.key
    with anchors.REGISTRY.open(encoding="utf-8") as handle:
        header = next(line for line in handle if not line.startswith("#"))
    assert header.rstrip("\n").split("\t") == list(anchors.FIELDS)


# --- the build refuses to lose an anchor --------------------------------------------------------


def test_a_registered_paragraph_that_disappears_refuses_the_build(tmp_path):
    root = copy_edition(tmp_path / "edition")
    path = root / "tei" / "dikova.xml"
    text = path.read_text(encoding="utf-8")
    assert text.count('xml:id="dikova-p0031"') == 1
    # The text stays (no fidelity problem); only the published id is gone, with no successor.
    path.write_text(text.replace('xml:id="dikova-p0031"', 'xml:id="dikova-p0950"'), encoding="utf-8")
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "[anchor-removed] published anchor dikova-p0031 (p) has disappeared" in out
    assert "build refused" in out and not (root / "_build" / "html").exists()


# --- a copy with a split, a withdrawn, a moved and a changed passage ---------------------------


def _split_paragraph(path: Path, ident: str, first: str, second: str) -> None:
    """Split paragraph ``ident`` at its first sentence end into ``first`` and ``second`` (text kept)."""
    tree = etree.parse(str(path))
    p = tree.xpath("//tei:p[@xml:id=$i]", namespaces=NS, i=ident)[0]
    cut = p.text.index(". ", 60) + 1
    rest = etree.Element(f"{{{TEI}}}p", {XML_ID: second})
    rest.text, p.text = p.text[cut:].lstrip(), p.text[:cut]
    for child in list(p):
        rest.append(child)
    rest.tail, p.tail = p.tail, p.tail
    p.set(XML_ID, first)
    # Later paragraphs of the section move up one number; the new one takes the next.
    siblings = [s for s in p.itersiblings("{%s}p" % TEI) if s.get("n")]
    for s in siblings:
        s.set("n", str(int(s.get("n")) + 1))
    rest.set("n", str(int(p.get("n")) + 1))
    p.addnext(rest)
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)


def _retire_in(root: Path, *retirements: tuple[str, str, str]) -> None:
    path = root / "tei" / "anchors.tsv"
    registry = load(path)
    for ident, successor, note in retirements:
        registry = retire(registry, ident, successor, note)
    anchors.save(registry, path)


@pytest.fixture(scope="module")
def revised(tmp_path_factory) -> Path:
    """The edition after a revision: returns the built HTML of a copy."""
    root = copy_edition(tmp_path_factory.mktemp("revised"))
    tei_dir = root / "tei"
    _split_paragraph(tei_dir / "dikova.xml", "dikova-p0031", "dikova-p0900", "dikova-p0901")
    article = (tei_dir / "article.xml").read_text(encoding="utf-8")
    article = article.replace('xml:id="article-p0010"', 'xml:id="article-p0900"')
    # A word the editors supply: the source's text is unchanged, the edited reading is not.
    article = article.replace(
        "This article presents the life",
        'This article presents <supplied resp="#article-ed" reason="clarity">briefly</supplied> the life',
    )
    (tei_dir / "article.xml").write_text(article, encoding="utf-8")
    bakulin = (tei_dir / "bakulin.xml").read_text(encoding="utf-8")
    (tei_dir / "bakulin.xml").write_text(bakulin.replace('xml:id="bakulin-p0005"', 'xml:id="bakulin-p0900"'), encoding="utf-8")
    _retire_in(
        root,
        ("dikova-p0031", "dikova-p0900", "split into two paragraphs"),
        ("article-p0010", "withdrawn", "the paragraph repeated the previous one"),
        ("bakulin-p0005", "article-p0001", "the keywords now open the article"),
    )
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert "[anchor-changed] the text of article-p0002 changed" in proc.stdout + proc.stderr
    return root / "_build" / "html"


def _ids(page: Path) -> list[str]:
    return re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8"))


def test_a_split_paragraphs_old_anchor_is_a_target_at_its_successor(revised):
    page = (revised / "tei" / "dikova.html").read_text(encoding="utf-8")
    assert page.count('id="dikova-p0031"') == 1
    # The old id is an empty target at the very start of the successor paragraph: no script needed.
    assert re.search(r'<p id="dikova-p0900"[^>]*><span id="dikova-p0031"></span>', page)
    assert 'id="dikova-p0901"' in page


def test_browser_follows_a_retired_anchor_to_its_successor(revised, browser):
    page = browser.new_page(viewport={"width": 1000, "height": 700}, java_script_enabled=False)
    try:
        page.goto((revised / "tei" / "dikova.html").as_uri() + "#dikova-p0031")
        target = page.locator("#dikova-p0031")
        successor = page.locator("#dikova-p0900")
        assert target.count() == 1
        assert successor.evaluate("(el, t) => el.contains(t)", target.element_handle())
        box = successor.bounding_box()
        assert box is not None and 0 <= box["y"] < 700, box
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "anchors-retired-split.png"))
    finally:
        page.close()


def test_a_withdrawn_anchor_lands_on_a_notice(revised):
    page = (revised / "tei" / "article.html").read_text(encoding="utf-8")
    m = re.search(r'<section class="withdrawn-passages" id="withdrawn-passages">(.*?)</section>', page, re.S)
    assert m, "no withdrawn passages section"
    notice = re.search(r'<p class="withdrawn-passage" id="article-p0010">(.*?)</p>', m.group(1), re.S)
    assert notice
    assert f"withdrawn in version {__version__}" in notice.group(1)
    assert "the paragraph repeated the previous one" in notice.group(1)


def test_a_moved_anchor_has_a_notice_and_the_browser_goes_on(revised, browser):
    html = (revised / "tei" / "bakulin.html").read_text(encoding="utf-8")
    assert re.search(r'<li class="moved-passage" id="bakulin-p0005">.*?href="article.html#article-p0001"', html, re.S)
    assert '"bakulin-p0005": "article.html#article-p0001"' in html
    page = browser.new_page()
    try:
        page.goto((revised / "tei" / "bakulin.html").as_uri() + "#bakulin-p0005")
        page.wait_for_url("**/article.html#article-p0001", timeout=5000)
        assert page.locator("#article-p0001").is_visible()
    finally:
        page.close()


def test_release_notes_list_changed_and_retired_anchors(revised):
    notes = (revised / "front" / "changelog.html").read_text(encoding="utf-8")
    changed = re.search(r'<section class="changelog-changed"[^>]*>(.*?)</section>', notes, re.S)
    assert changed and 'href="../tei/article.html#article-p0002"' in changed.group(1)
    assert "article-p0001" not in changed.group(1)  # only the paragraph whose words changed
    retired = re.search(r'<section class="changelog-retired"[^>]*>(.*?)</section>', notes, re.S)
    assert retired
    for old, new in (("dikova-p0031", "dikova-p0900"), ("bakulin-p0005", "article-p0001")):
        assert re.search(rf'#{old}">{old}</a> now leads to <a [^>]*href="[^"]*#{new}"', retired.group(1)), old
    assert re.search(r"#article-p0010\">article-p0010</a> was withdrawn: the paragraph repeated", retired.group(1))
    assert "First TEI draft made by the importer" in notes  # revisionDesc/change of the documents


# --- the real edition: citations resolve, version everywhere --------------------------------------


def _outside_chrome(tree: etree._ElementTree) -> list[etree._Element]:
    return tree.xpath("//tei:text//tei:p[not(ancestor::tei:div[@type='chrome'])]", namespaces=NS)


def test_every_paragraph_has_a_citation_that_resolves_to_it(built_site):
    for doc in DOCUMENTS:
        tree = parse_file(doc.tei_path)
        cites = {c.unit.xml_id: c for c in cite_document(tree)}
        page_ids = set(_ids(built_site / "tei" / f"{doc.key}.html"))
        cite_ids = set(_ids(built_site / "cite" / f"{doc.key}.html"))
        for p in _outside_chrome(tree):
            ident = p.get(XML_ID)
            c = cites.get(ident)
            assert c is not None, f"{ident} has no canonical reference"
            page, fragment = urldefrag(c.url)
            assert urlsplit(page).path.endswith(f"/tei/{doc.key}.html") and fragment == ident, c.url
            assert ident in page_ids and ident in cite_ids


def test_canonical_reference_pages_lead_to_the_unit(built_site):
    refresh = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)"')
    checked = 0
    for doc in DOCUMENTS:
        page_ids = set(_ids(built_site / "tei" / f"{doc.key}.html"))
        for c in cite_document(parse_file(doc.tei_path)):
            redirect = built_site / "cite" / resolver_path(c.unit)
            target = refresh.search(redirect.read_text(encoding="utf-8")).group(1)
            file, fragment = urldefrag(target)
            assert (redirect.parent / file).resolve() == (built_site / "tei" / f"{doc.key}.html").resolve(), c.ref
            assert fragment == c.unit.xml_id and fragment in page_ids, c.ref
            checked += 1
    assert checked > 500


def test_dikova_front_matter_and_quotations_have_canonical_references():
    tree = parse_file(REPO / "tei" / "dikova.xml")
    refs = {c.unit.xml_id: c.ref for c in cite_document(tree)}
    assert [refs[f"dikova-p000{i}"] for i in range(1, 7)] == [f"dikova:front.{i}" for i in range(1, 7)]
    quoted = tree.xpath("//tei:quote/tei:p/@xml:id", namespaces=NS)
    assert len(quoted) == 19 and all(re.fullmatch(r"dikova:\d+\.\d+\.\d+\.q\d+", refs[i]) for i in quoted)
    assert refs["dikova-p0075"] == "dikova:3.5.1.q1"  # the first quotation after paragraph 3.5.1


def test_each_pilcrow_has_a_cite_link_to_the_citation_page(built_site):
    page = (built_site / "tei" / "dikova.html").read_text(encoding="utf-8")
    pairs = re.findall(r'href="#([\w-]+)">¶</a> <a class="cite-link[^"]*" href="../cite/dikova.html#([\w-]+)"', page)
    assert len(pairs) == page.count(">¶</a>") - page.count('class="headerlink"') and all(a == b for a, b in pairs)
    assert len(pairs) == len(_outside_chrome(parse_file(REPO / "tei" / "dikova.xml")))


def test_cite_popover_opens_from_the_keyboard_and_closes_with_escape(site_server, browser):
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        page.goto(site_server + "tei/dikova.html#dikova-p0074")
        link = page.locator('a.cite-link[href$="#dikova-p0074"]')
        link.focus()
        page.keyboard.press("Enter")
        popover = page.locator(".cite-popover")
        popover.wait_for(timeout=5000)
        assert page.url.endswith("tei/dikova.html#dikova-p0074")  # no navigation
        text = popover.inner_text()
        assert "dikova:3.5.1" in text and "Chicago" in text and "MLA" in text and "BibTeX" in text
        assert popover.locator('a[href$="/cite/dikova/dikova-p0074.bib"]').count() == 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "anchors-cite-popover.png"))
        page.keyboard.press("Escape")
        assert popover.count() == 0
        assert page.evaluate("document.activeElement.classList.contains('cite-link')")
    finally:
        page.close()


def test_the_version_is_on_every_page_and_comes_from_pyproject(built_site):
    version = PYPROJECT["project"]["version"]
    assert __version__ == version
    cff = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    date = re.search(r'^date-released: "([\d-]+)"', cff, re.M).group(1)
    declared = PYPROJECT.get("tool", {}).get("kirov-edition", {}).get("release-date")
    if declared:
        assert str(declared) == date
    line = f"Version {version}, released {date}"
    pages = [p for p in built_site.rglob("*.html") if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")]
    assert len(pages) > 10
    missing = [str(p.relative_to(built_site)) for p in pages if line not in p.read_text(encoding="utf-8")]
    assert not missing, missing[:10]
    conf = (REPO / "conf.py").read_text(encoding="utf-8")
    assert f'"{version}"' not in conf and "from edition import __version__" in conf
