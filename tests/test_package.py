"""``edition package``: a valid, reproducible BagIt bag with metadata made from the teiHeaders.

The bags are made by the real code in a new process (``python -m
edition.package``) on a copy of the edition (``EDITION_ROOT``) and a small
fake build directory (a few HTML pages behind a release link, as
``edition build`` leaves them).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import bagit
import pytest
from lxml import etree

from conftest import REPO, copy_edition
from edition import __version__
from edition.documents import DOCUMENTS
from edition.importer.header import LICENCE_URL, PUBLISHER, HeaderInfo, tei_document
from edition.provenance import FALLBACK_EPOCH, ProvenanceError, iso_date, source_date_epoch

EPOCH = 1764806400  # 2025-12-04T00:00:00Z: not the fallback, not the last commit
NS = {
    "tei": "http://www.tei-c.org/ns/1.0",
    "xi": "http://www.w3.org/2001/XInclude",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dcite": "http://datacite.org/schema/kernel-4",
    "mets": "http://www.loc.gov/METS/",
    "xlink": "http://www.w3.org/1999/xlink",
}
METADATA = ("dc.xml", "datacite.xml", "mets.xml", "PROVENANCE")


def make_root(dest: Path) -> Path:
    """A copy of the edition; a document not written yet is stood in for by a header-only fixture."""
    root = copy_edition(dest)
    for doc in DOCUMENTS:
        path = root / "tei" / f"{doc.key}.xml"
        if not path.exists():
            info = HeaderInfo(key=doc.key, title=doc.title, source_bibl=f"<title>{doc.title}</title>",
                              cite_structure='<citeStructure match="//div" use="@n"/>')
            path.write_text(tei_document(info, f'<text><body><p xml:id="{doc.key}-p0001">Fixture.</p></body></text>'),
                            encoding="utf-8")
    return root


def make_build(dest: Path, *, extras: bool = False) -> Path:
    """A build directory as ``edition build`` leaves it: ``html`` links to a release."""
    release = dest / "releases" / "html-0123456789abcdef"
    (release / "_static").mkdir(parents=True)
    (release / "index.html").write_text("<!DOCTYPE html><html><body><h1>The Kirov Edition</h1></body></html>\n")
    (release / "dikova.html").write_text("<!DOCTYPE html><html><body><p>Dikova</p></body></html>\n")
    (release / "_static" / "edition.css").write_text("body { margin: 0 }\n")
    (release / "with space.html").write_text("<html></html>\n")
    (release / ".buildinfo").write_text("# Sphinx build info\nconfig: 0\n")
    os.symlink(os.path.relpath(release, dest), dest / "html")
    if extras:
        (dest / "epub").mkdir()
        (dest / "epub" / "KirovEdition.epub").write_bytes(b"PK\x03\x04 not a real epub")
        (dest / "epub" / "content.opf").write_text("<package/>")
        (dest / "latex").mkdir()
        (dest / "latex" / "kirov.pdf").write_bytes(b"%PDF-1.5 fake\n")
        (dest / "latex" / "kirov.tex").write_text("\\documentclass{book}")
    return dest


def run_package(root: Path, build: Path, *extra: str, epoch: int | None = EPOCH) -> subprocess.CompletedProcess[str]:
    """``python -m edition.package`` on ``root`` (a copy of the edition)."""
    env = dict(os.environ, EDITION_ROOT=str(root))
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return subprocess.run(
        [sys.executable, "-m", "edition.package", "--build-dir", str(build), *extra],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )


def manifest(bag: Path) -> dict[str, str]:
    """Payload path -> SHA-512, from manifest-sha512.txt."""
    lines = (bag / "manifest-sha512.txt").read_text(encoding="utf-8").splitlines()
    return {path: digest for digest, path in (line.split("  ", 1) for line in lines)}


def tree_bytes(top: Path) -> dict[str, bytes]:
    return {p.relative_to(top).as_posix(): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def edition_copy(tmp_path_factory) -> Path:
    return make_root(tmp_path_factory.mktemp("root"))


@pytest.fixture(scope="module")
def bag(edition_copy, tmp_path_factory) -> Path:
    build = make_build(tmp_path_factory.mktemp("build") / "_build")
    proc = run_package(edition_copy, build)
    assert proc.returncode == 0, proc.stderr
    return build / "bag"


def test_bag_validates_with_the_library_and_the_command(bag):
    assert bagit.Bag(str(bag)).validate()
    script = Path(sys.executable).with_name("bagit.py")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bagit"]
    proc = subprocess.run([*command, "--validate", str(bag)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "is valid" in proc.stderr


def test_layout_and_sha512_only(bag, edition_copy):
    names = {p.name for p in bag.iterdir()}
    assert names == {"bagit.txt", "bag-info.txt", "manifest-sha512.txt", "tagmanifest-sha512.txt", "data", *METADATA}
    assert (bag / "bagit.txt").read_text() == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    files = manifest(bag)
    assert "data/html/index.html" in files and "data/html/_static/edition.css" in files
    assert "data/html/.buildinfo" not in files  # build machinery stays out
    for path in sorted((edition_copy / "tei").glob("*.xml")):
        assert f"data/tei/{path.name}" in files
        assert (bag / "data" / "tei" / path.name).read_bytes() == path.read_bytes()
    assert "data/tei/corpus.xml" in files
    assert any(p.startswith("data/tei/schema/") for p in files)
    assert "data/xslt/metadata/mets.xsl" in files
    assert not any(p.startswith(("data/epub/", "data/pdf/")) for p in files)
    tagged = {line.split(" ", 1)[1] for line in (bag / "tagmanifest-sha512.txt").read_text().splitlines()}
    assert tagged == {"bagit.txt", "bag-info.txt", "manifest-sha512.txt", *METADATA}


def test_bag_info_fields(bag):
    info = bagit.Bag(str(bag)).info
    assert info["Source-Organization"] == PUBLISHER
    assert info["External-Identifier"] == "kirov-edition:corpus"
    assert info["Version"] == __version__
    assert info["Bagging-Date"] == iso_date(EPOCH) == "2025-12-04"
    assert "Kirov" in info["External-Description"]
    assert info["License"] == LICENCE_URL


def test_provenance_names_tools_commit_command_and_date(bag):
    text = (bag / "PROVENANCE").read_text(encoding="utf-8")
    for label in ("Python", "saxonche", "Sphinx", "docutils", "lxml", "bagit"):
        assert re.search(rf"^{label}: \d+\.\d+", text, re.M), label
    assert "Git-Commit: unknown" in text  # the copy is not a git work tree
    assert "Build-Command: edition package" in text
    assert f"SOURCE_DATE_EPOCH: {EPOCH} (2025-12-04T00:00:00Z)" in text
    assert "Note: no EPUB" in text and "Note: no PDF" in text
    assert "/tmp" not in text and str(REPO) not in text


def test_datacite_has_the_required_properties(bag):
    root = etree.parse(str(bag / "datacite.xml")).getroot()
    assert root.tag == "{http://datacite.org/schema/kernel-4}resource"

    def one(path: str) -> etree._Element:
        found = root.findall(path, NS)
        assert len(found) == 1, path
        assert (found[0].text or "").strip(), path
        return found[0]

    assert one("dcite:identifier").get("identifierType")
    assert one("dcite:identifier").text == "kirov-edition:corpus"
    assert one("dcite:creators/dcite:creator/dcite:creatorName").text == "Editorial team of the Kirov Edition"
    main = [t for t in root.findall("dcite:titles/dcite:title", NS) if t.get("titleType") is None]
    assert len(main) == 1 and main[0].text.startswith("The Kirov Edition")
    assert one("dcite:publisher").text == PUBLISHER
    assert re.fullmatch(r"\d{4}", one("dcite:publicationYear").text)
    assert one("dcite:resourceType").get("resourceTypeGeneral") == "Text"
    assert one("dcite:version").text == __version__
    rights = one("dcite:rightsList/dcite:rights")
    assert rights.get("rightsURI") == LICENCE_URL and rights.get("rightsIdentifier") == "CC-BY-4.0"
    one("dcite:descriptions/dcite:description[@descriptionType='Abstract']")
    assert one("dcite:dates/dcite:date[@dateType='Updated']").text == "2025-12-04"


def test_dublin_core_comes_from_the_headers(bag, edition_copy):
    root = etree.parse(str(bag / "dc.xml")).getroot()
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    texts = {name: [e.text for e in root.findall(f"dc:{name}", NS)] for name in
             ("title", "creator", "publisher", "identifier", "rights", "relation", "language", "format")}
    assert texts["title"] == ["The Kirov Edition: a digital scholarly edition"]
    assert texts["publisher"] == [PUBLISHER]
    assert texts["identifier"] == ["kirov-edition:corpus"]
    assert LICENCE_URL in texts["rights"]
    assert "en" in texts["language"] and "text/html" in texts["format"]
    members = sorted(p.stem for p in (edition_copy / "tei").glob("*.xml"))
    assert sorted(r.removeprefix("hasPart kirov-edition:") for r in texts["relation"]) == members


def test_mets_lists_every_payload_file_with_the_manifest_checksum(bag):
    mets = etree.parse(str(bag / "mets.xml"))
    files = mets.findall(".//mets:fileSec/mets:fileGrp/mets:file", NS)
    by_path = {f.find("mets:FLocat", NS).get(f"{{{NS['xlink']}}}href"): f for f in files}
    expected = manifest(bag)
    assert len(files) == len(expected) == len(by_path)
    dmd_ids = {d.get("ID") for d in mets.findall(".//mets:dmdSec", NS)}
    for path, digest in expected.items():
        entry = by_path[path.replace(" ", "%20")]
        assert entry.get("CHECKSUMTYPE") == "SHA-512"
        assert entry.get("CHECKSUM") == digest
        assert int(entry.get("SIZE")) == (bag / path).stat().st_size
        assert set(entry.get("DMDID").split()) <= dmd_ids
        assert {"dmd-dc", "dmd-datacite"} <= set(entry.get("DMDID").split())
    fptrs = {f.get("FILEID") for f in mets.findall(".//mets:structMap//mets:fptr", NS)}
    assert fptrs == {f.get("ID") for f in files}
    # the descriptive metadata the dmdSecs point at are the bag's own tag files
    refs = {r.get(f"{{{NS['xlink']}}}href"): r.get("MDTYPE") for r in mets.findall(".//mets:dmdSec/mets:mdRef", NS)}
    assert refs["dc.xml"] == "DC" and refs["datacite.xml"] == "OTHER"
    # every TEI file points at the dmdSec of its own teiHeader
    for path in expected:
        if path.startswith("data/tei/") and path.count("/") == 2 and path.endswith(".xml"):
            own = [d for d in by_path[path].get("DMDID").split() if d not in ("dmd-dc", "dmd-datacite")]
            assert len(own) == 1, path
            ref = mets.find(f".//mets:dmdSec[@ID='{own[0]}']/mets:mdRef", NS)
            assert ref.get("MDTYPE") == "TEIHDR" and ref.get(f"{{{NS['xlink']}}}href") == path


#: A minimal XLink schema of our own, standing in for the one the METS schema
#: imports from the network; it declares the attributes METS uses, typed loosely.
XLINK_STUB = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xlink="http://www.w3.org/1999/xlink"
  targetNamespace="http://www.w3.org/1999/xlink" attributeFormDefault="qualified">
  <xs:attribute name="type" type="xs:string"/><xs:attribute name="href" type="xs:anyURI"/>
  <xs:attribute name="role" type="xs:string"/><xs:attribute name="arcrole" type="xs:string"/>
  <xs:attribute name="title" type="xs:string"/><xs:attribute name="show" type="xs:string"/>
  <xs:attribute name="actuate" type="xs:string"/><xs:attribute name="label" type="xs:string"/>
  <xs:attribute name="from" type="xs:string"/><xs:attribute name="to" type="xs:string"/>
  <xs:attributeGroup name="simpleLink"><xs:attribute ref="xlink:type"/><xs:attribute ref="xlink:href"/>
    <xs:attribute ref="xlink:role"/><xs:attribute ref="xlink:arcrole"/><xs:attribute ref="xlink:title"/>
    <xs:attribute ref="xlink:show"/><xs:attribute ref="xlink:actuate"/></xs:attributeGroup>
  <xs:attributeGroup name="extendedLink"><xs:attribute ref="xlink:type"/><xs:attribute ref="xlink:role"/>
    <xs:attribute ref="xlink:title"/></xs:attributeGroup>
  <xs:attributeGroup name="locatorLink"><xs:attribute ref="xlink:type"/><xs:attribute ref="xlink:href"/>
    <xs:attribute ref="xlink:role"/><xs:attribute ref="xlink:title"/><xs:attribute ref="xlink:label"/></xs:attributeGroup>
  <xs:attributeGroup name="arcLink"><xs:attribute ref="xlink:type"/><xs:attribute ref="xlink:arcrole"/>
    <xs:attribute ref="xlink:title"/><xs:attribute ref="xlink:show"/><xs:attribute ref="xlink:actuate"/>
    <xs:attribute ref="xlink:from"/><xs:attribute ref="xlink:to"/></xs:attributeGroup>
</xs:schema>
"""


def test_mets_is_valid_against_the_mets_schema(bag, tmp_path):
    metsrw = pytest.importorskip("metsrw", reason="metsrw ships the METS 1.12 XSD")
    xsd = Path(metsrw.__file__).parent / "resources" / "mets.xsd"
    (tmp_path / "xlink.xsd").write_text(XLINK_STUB, encoding="utf-8")
    local = xsd.read_text(encoding="utf-8").replace("http://www.loc.gov/standards/xlink/xlink.xsd", "xlink.xsd")
    (tmp_path / "mets.xsd").write_text(local, encoding="utf-8")
    schema = etree.XMLSchema(etree.parse(str(tmp_path / "mets.xsd")))
    assert schema.validate(etree.parse(str(bag / "mets.xml"))), schema.error_log
    broken = etree.parse(str(bag / "mets.xml"))
    broken.find(".//mets:file", NS).attrib["CHECKSUMTYPE"] = "SHA-513"
    assert not schema.validate(broken)  # the schema does check what it is given


def test_corpus_includes_every_tei_file_and_resolves_to_valid_tei(bag, tei_all):
    corpus_path = bag / "data" / "tei" / "corpus.xml"
    corpus = etree.parse(str(corpus_path))
    assert corpus.getroot().tag == f"{{{NS['tei']}}}teiCorpus"
    hrefs = [i.get("href") for i in corpus.findall("xi:include", NS)]
    tei_files = sorted(p.name for p in corpus_path.parent.glob("*.xml") if p.name != "corpus.xml")
    assert sorted(hrefs) == tei_files
    assert hrefs[: len(DOCUMENTS)] == [f"{d.key}.xml" for d in DOCUMENTS]
    corpus.xinclude()
    assert len(corpus.getroot().findall("tei:TEI", NS)) == len(hrefs)
    assert tei_all.validate(corpus), tei_all.error_log.last_error


def test_two_packages_of_the_same_commit_are_identical(edition_copy, tmp_path):
    # a second copy of the same snapshot (the working tree may change meanwhile)
    other_root = tmp_path / "elsewhere" / "root"
    shutil.copytree(edition_copy, other_root)
    # the same content with other mtimes: only SOURCE_DATE_EPOCH may date the bag
    os.utime(other_root / "tei" / "article.xml", (0, 0))
    first = make_build(tmp_path / "one" / "_build")
    second = make_build(tmp_path / "two" / "deeper" / "_build")
    assert run_package(edition_copy, first).returncode == 0
    assert run_package(other_root, second).returncode == 0
    a, b = first / "bag", second / "bag"
    assert (a / "manifest-sha512.txt").read_bytes() == (b / "manifest-sha512.txt").read_bytes()
    for name in ("dc.xml", "datacite.xml", "mets.xml", "tagmanifest-sha512.txt", "bag-info.txt"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert tree_bytes(a) == tree_bytes(b)
    assert {p.stat().st_mtime for p in b.rglob("*")} == {EPOCH}
    for text in tree_bytes(b / "data" / "tei").values():
        assert str(tmp_path).encode() not in text


def test_epub_and_pdf_are_included_when_built(edition_copy, tmp_path):
    build = make_build(tmp_path / "_build", extras=True)
    proc = run_package(edition_copy, build)
    assert proc.returncode == 0, proc.stderr
    files = manifest(build / "bag")
    assert "data/epub/KirovEdition.epub" in files and "data/pdf/kirov.pdf" in files
    assert "data/pdf/kirov.tex" not in files and "data/epub/content.opf" not in files
    mets = etree.parse(str(build / "bag" / "mets.xml"))
    assert mets.find(".//mets:fileGrp[@USE='epub']/mets:file[@MIMETYPE='application/epub+zip']", NS) is not None
    assert mets.find(".//mets:fileGrp[@USE='pdf']/mets:file[@MIMETYPE='application/pdf']", NS) is not None
    assert "Note: no" not in (build / "bag" / "PROVENANCE").read_text()


def test_missing_site_is_a_clear_error(edition_copy, tmp_path):
    proc = run_package(edition_copy, tmp_path / "_build")
    assert proc.returncode == 1
    assert "run 'edition build' first" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "_build" / "bag").exists()


def test_an_output_directory_that_is_not_a_bag_is_not_replaced(edition_copy, tmp_path):
    build = make_build(tmp_path / "_build")
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine")
    proc = run_package(edition_copy, build, "--out", str(precious))
    assert proc.returncode == 1 and "is not a bag" in proc.stderr
    assert (precious / "keep.txt").read_text() == "mine"


def test_a_failure_halfway_leaves_the_previous_bag(edition_copy, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(edition_copy, root)
    build = make_build(tmp_path / "_build")
    assert run_package(root, build).returncode == 0
    before = tree_bytes(build / "bag")
    # the members now disagree on the publisher: the corpus and payload are
    # already made when the metadata stylesheets refuse
    header = root / "tei" / "bakulin.xml"
    header.write_text(header.read_text(encoding="utf-8").replace(
        f"<publisher>{PUBLISHER}</publisher>", "<publisher>Someone else</publisher>", 1), encoding="utf-8")
    proc = run_package(root, build, epoch=EPOCH + 86400)
    assert proc.returncode == 1
    assert "publisher" in proc.stderr and "Someone else" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree_bytes(build / "bag") == before
    assert sorted(p.name for p in build.iterdir()) == [".lock", "bag", "html", "releases"]


def test_source_date_epoch(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert source_date_epoch(tmp_path) == 1700000000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ProvenanceError):
        source_date_epoch(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert source_date_epoch(tmp_path) == FALLBACK_EPOCH  # not a git work tree
    if shutil.which("git") and (REPO / ".git").exists():
        last = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%ct"],
                              capture_output=True, text=True, check=True).stdout.strip()
        assert source_date_epoch(REPO) == int(last)
