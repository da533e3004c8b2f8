"""Outputs for libraries: licence in every page, TEI downloads, the archive, EPUB 3, PDF, missing tools.

The EPUB and the PDF are built once per session (fixtures ``library_build``, ``epub``,
``pdf`` and ``pdf_text`` in conftest: ``edition build epub pdf`` in the session's copy).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import ARTIFACTS, REPO

TEI_NS = {"tei": "http://www.tei-c.org/ns/1.0"}
DOCUMENTS = ("article", "dikova", "slides", "onthisday", "bakulin")


def normalise(text: str) -> str:
    return " ".join(text.split())


def tei_licence(path: Path) -> str:
    licence = etree.parse(str(path)).find(".//tei:publicationStmt/tei:availability/tei:licence", TEI_NS)
    assert licence is not None, path
    return normalise("".join(licence.itertext()))


# --- the site: licence, TEI sources, archive --------------------------------------------------


def test_every_page_states_the_licence_of_the_tei_headers(built_site: Path) -> None:
    licences = {tei_licence(REPO / "tei" / f"{key}.xml") for key in DOCUMENTS}
    assert len(licences) == 1, "the teiHeaders disagree on the licence"
    licence = licences.pop()
    pages = sorted(p for p in built_site.resolve().rglob("*.html")
                   if "<footer" in p.read_text(encoding="utf-8", errors="replace"))
    assert len(pages) >= 15
    for page in pages:
        footer = lxml_html.parse(str(page)).find(".//footer")
        assert licence in normalise(footer.text_content()), page
        assert footer.xpath(".//a[@rel='license']/@href") == ["https://creativecommons.org/licenses/by/4.0/"]


@pytest.mark.parametrize("key", DOCUMENTS)
def test_document_page_links_its_tei_source(built_site: Path, key: str) -> None:
    page = built_site / "tei" / f"{key}.html"
    links = lxml_html.parse(str(page)).xpath("//a[contains(@class,'tei-source')]/@href")
    assert links == [f"{key}.xml"]
    assert (page.parent / links[0]).read_bytes() == (REPO / "tei" / f"{key}.xml").read_bytes()
    # the schema the file's xml-model names, relative to it, is published too
    model = re.search(rb'<\?xml-model href="([^"]+)"', (page.parent / links[0]).read_bytes())
    assert model and (page.parent / model.group(1).decode()).is_file()


def test_front_matter_pages_have_no_tei_link(built_site: Path) -> None:
    page = lxml_html.parse(str(built_site / "front" / "preservation.html"))
    assert not page.xpath("//a[contains(@class,'tei-source')]")
    assert "Checksums" in page.getroot().text_content()


def _archive(built_site: Path) -> zipfile.ZipFile:
    page = lxml_html.parse(str(built_site / "index.html"))
    (href,) = page.xpath("//a[contains(@class,'edition-archive')]/@href")
    return zipfile.ZipFile(built_site / href)


def test_archive_holds_the_whole_edition(built_site: Path) -> None:
    from edition import __version__

    with _archive(built_site) as archive:
        names = archive.namelist()
        top = f"kirov-edition-{__version__}"
        for key in (*DOCUMENTS, "persons", "places", "orgs", "bibliography"):
            assert archive.read(f"{top}/tei/{key}.xml") == (REPO / "tei" / f"{key}.xml").read_bytes()
        for needed in ("tei/schema/edition.rng", "tei/schema/edition.odd", "xslt/edition.xsl",
                       "xslt/metadata/corpus.xsl", "tei/corpus.xml"):
            assert f"{top}/{needed}" in names
        assert not [n for n in names if "__pycache__" in n or "/drafts/" in n or n.endswith("/")]
        corpus = etree.fromstring(archive.read(f"{top}/tei/corpus.xml"))
    assert corpus.tag == "{http://www.tei-c.org/ns/1.0}teiCorpus"
    included = corpus.xpath("//xi:include/@href", namespaces={"xi": "http://www.w3.org/2001/XInclude"})
    assert {f"{key}.xml" for key in DOCUMENTS} <= set(included)
    assert {"persons.xml", "places.xml", "orgs.xml", "bibliography.xml"} <= set(included)


def test_archive_is_reproducible_in_form(built_site: Path) -> None:
    """Sorted entries, one fixed date (SOURCE_DATE_EPOCH), fixed modes."""
    with _archive(built_site) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert len({i.date_time for i in infos}) == 1
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_write_zip_gives_the_same_bytes_for_the_same_input(tmp_path: Path) -> None:
    from edition.sphinxext.downloads import write_zip

    entries = [("a/b.txt", b"x" * 1000), ("a/c.txt", b"y")]
    one = write_zip(tmp_path / "one.zip", entries, 1_700_000_000).read_bytes()
    two = write_zip(tmp_path / "two.zip", entries, 1_700_000_000).read_bytes()
    other = write_zip(tmp_path / "three.zip", entries, 1_700_000_001 + 86_400).read_bytes()
    assert one == two
    assert one != other


# --- EPUB ------------------------------------------------------------------------------------


def test_epub_passes_epubcheck(epub: Path) -> None:
    from edition.outputs import epubcheck_command

    proc = subprocess.run(epubcheck_command(epub), capture_output=True, text=True, timeout=600)
    summary = re.search(r"Messages: (\d+) fatals / (\d+) errors", proc.stdout + proc.stderr)
    assert summary, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert summary.groups() == ("0", "0"), (proc.stdout + proc.stderr)[-4000:]
    assert proc.returncode == 0


def test_epub_metadata_states_the_licence(epub: Path) -> None:
    with zipfile.ZipFile(epub) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        opf = etree.fromstring(archive.read("content.opf"))
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert "CC BY 4.0" in opf.findtext(".//dc:rights", namespaces=dc)
    assert opf.findtext(".//dc:language", namespaces=dc) == "en"


def test_epub_notes_link_both_ways(epub: Path) -> None:
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    with zipfile.ZipFile(epub) as archive:
        page = etree.fromstring(archive.read("tei/dikova.xhtml"))
    ids = {e.get("id"): e for e in page.iter() if e.get("id")}
    callouts = page.xpath("//x:a[contains(@class,'footnote-reference')]", namespaces=ns)
    assert len(callouts) > 300
    for callout in callouts:
        note = ids.get(callout.get("href").lstrip("#"))
        assert note is not None, callout.get("href")
        back = [a.get("href") for a in note.iter("{http://www.w3.org/1999/xhtml}a")]
        assert f"#{callout.get('id')}" in back, callout.get("id")


def test_epub_registers_list_every_mention_in_place(epub: Path) -> None:
    """An e-book has no entry pages: Kirov's mentions stand under his entry (the site links out)."""
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        page = etree.fromstring(archive.read("registers/persons.xhtml"))
    assert not any(name.startswith("registers/persons/") for name in names)
    (kirov,) = page.xpath("//x:div[@id='kirov']", namespaces=ns)
    assert len(kirov.xpath(".//x:p[contains(@class,'mention')]", namespaces=ns)) > 900
    assert not kirov.xpath(".//x:p[contains(@class,'entry-page-link')]", namespaces=ns)


def test_epub_apparatus_follows_its_paragraph(epub: Path) -> None:
    """In an e-reader the apparatus is linear: right after the paragraph, no side column."""
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    with zipfile.ZipFile(epub) as archive:
        page = etree.fromstring(archive.read("tei/dikova.xhtml"))
        css = archive.read("_static/edition-epub.css").decode()
    boxes = page.xpath("//x:div[contains(@class,'apparatus')][.//x:aside]", namespaces=ns)
    assert boxes
    for box in boxes[:50]:
        assert box.getprevious() is not None and box.getprevious().tag == "{http://www.w3.org/1999/xhtml}p"
    assert "display: block" in css


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_fonts_are_embedded(pdf: Path) -> None:
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows
    assert any("DejaVuSerif" in row for row in rows)
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, not_embedded


def test_pdf_transliteration_table_has_cyrillic(pdf: Path, pdf_text: str) -> None:
    rows = {tuple(line.split()[:3]) for line in pdf_text.splitlines() if len(line.split()) >= 3}
    for row in (("Б", "B", "B"), ("Ж", "ZH", "ZH"), ("Щ", "SHCH", "SHCH"), ("Я", "IA", "ia/Ya")):
        assert row in rows, row
    page = pdf_text[: pdf_text.index("SHCH")].count("\f") + 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "100", "-png", "-singlefile",
                    str(pdf), str(ARTIFACTS / "pdf-cyrillic-table")], check=True, timeout=120)
    assert (ARTIFACTS / "pdf-cyrillic-table.png").stat().st_size > 10_000


def test_pdf_has_footnotes_and_margin_page_numbers(pdf_text: str) -> None:
    # Footnote 1 of the dissertation at a page foot, and the source's pages in the margin.
    assert re.search(r"^\s*1 http://www\.loc\.gov/catdir/cpso/romanization/russian\.pdf", pdf_text, re.M)
    margin = [int(n) for n in re.findall(r"\s{3,}p\. (\d+)\s*$", pdf_text, re.M)]
    assert len(margin) >= 30, margin
    assert margin[:2] == [1, 2], margin[:10]  # the dissertation's first pages, in the margin


def test_pdf_letters_the_editorial_notes_past_z(pdf_text: str) -> None:
    # The dissertation has more than 26 editorial notes: after z come aa, ab, … as on the site.
    from lxml import etree

    from edition.sphinxext.latex import letter_number

    assert [letter_number(x) for x in ("a", "z", "aa", "az", "ba", "A1")] == [1, 26, 27, 52, 53, 0]
    tree = etree.parse(str(Path(__file__).resolve().parents[1] / "tei" / "dikova.xml"))
    notes = tree.xpath("//t:text//t:note[@type='editorial']", namespaces={"t": "http://www.tei-c.org/ns/1.0"})
    assert len(notes) > 26
    last = " ".join("".join(notes[-1].itertext()).split()[:4])
    assert re.search(r"^\s*aa\s+\S", pdf_text, re.M)
    assert last in " ".join(pdf_text.split())


def test_pdf_metadata_states_the_licence(pdf: Path) -> None:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Subject:.*CC BY 4\.0", info, re.M), info
    assert re.search(r"^Title:\s+The Kirov Edition", info, re.M)
    data = pdf.read_bytes()
    assert b"https://creativecommons.org/licenses/by/4.0/" in data  # the XMP packet (hyperxmp)


# --- missing tools ---------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "tool", "package"), [("epub", "epubcheck", "epubcheck"),
                                                       ("pdf", "xelatex", "texlive-xetex")])
def test_missing_tool_is_named_with_its_package(tmp_path: Path, fmt: str, tool: str, package: str) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "EDITION_ROOT": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "edition.cli", "build", fmt], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode != 0
    assert f"{tool} is not installed" in proc.stderr
    assert f"apt-get install {package}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "_build" / ("latex" if fmt == "pdf" else fmt)).exists()


def test_tools_are_installed() -> None:
    """What make test-deps installs: without it the tests above would only skip silently."""
    for tool in ("epubcheck", "xelatex", "latexmk", "pdffonts", "pdftotext", "pdftoppm"):
        assert shutil.which(tool), f"{tool} missing: run 'make test-deps'"
